package sql

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// What a role owns in the databases' own catalogs: relations and
// schemas name their owner by role name (Descriptor.Owner), which the
// system catalog, where roles live, cannot see. DROP ROLE and ALTER
// ROLE ... RENAME read it here, so that no object is left owned by a
// name no role has, which a role created later under that name would
// inherit.

// maxReportedOwned is how many of the session's database's objects DROP
// ROLE's detail names, as PostgreSQL's; the rest are counted.
const maxReportedOwned = 100

// ownedIn lists the relations and schemas of database db that role
// owns, by id (creation order). An index is its table's, not counted
// apart, as in PostgreSQL.
func (e *Engine) ownedIn(db *Database, role string, fn func(txn *engine.Txn, d *catalog.Descriptor)) error {
	txn, err := db.DB.Begin(engine.TxnOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer txn.Rollback()
	all, err := catalog.All(txn)
	if err != nil {
		return err
	}
	slices.SortFunc(all, func(a, b *catalog.Descriptor) int { return int(a.ID) - int(b.ID) })
	for _, d := range all {
		if d.Owner == role && d.Kind != catalog.KindIndex {
			fn(txn, d)
		}
	}
	return nil
}

// ownedObjects lists in PostgreSQL's words what role owns in every
// database: "owner of table t" for each object of the session's
// database (with byName), then "N objects in database d" for each other
// database, in name order.
func (s *Session) ownedObjects(role string, byName bool) ([]string, error) {
	var local, others []string
	names := s.engine.Databases()
	slices.Sort(names)
	for _, name := range names {
		db, err := s.engine.Database(name)
		if pgerror.HasCode(err, pgcode.InvalidCatalogName) {
			continue // dropped meanwhile
		} else if err != nil {
			return nil, err
		}
		n := 0
		err = s.engine.ownedIn(db, role, func(txn *engine.Txn, d *catalog.Descriptor) {
			n++
			if byName && name == s.db.Name {
				x := &execCtx{sess: s, txn: txn}
				local = append(local, "owner of "+x.describe(d))
			}
		})
		if err != nil {
			return nil, err
		}
		if n > 0 && !(byName && name == s.db.Name) {
			word := "objects"
			if n == 1 {
				word = "object"
			}
			others = append(others, fmt.Sprintf("%d %s in database %s", n, word, name))
		}
	}
	if len(local) > maxReportedOwned {
		s.log.Info().Str("role", role).Strs("objects", local).Msg("objects the role owns")
		local = append(local[:maxReportedOwned], fmt.Sprintf("and %d other objects (see server log for list)", len(local)-maxReportedOwned))
	}
	return append(local, others...), nil
}

// renamable refuses to rename a role that owns relations or schemas: the
// databases' catalogs name their owners, each in its own store, and
// could not follow the system catalog's rename in one transaction (a
// crash between them would leave objects owned by a name no role has,
// for a role made later under it to take). PostgreSQL, which names
// owners by OID, renames; stela asks for the objects to be given away
// first.
func (s *Session) renamable(role string) error {
	owned, err := s.ownedObjects(role, false)
	if err != nil || len(owned) == 0 {
		return err
	}
	return pgerror.Newf(pgcode.FeatureNotSupported, "role \"%s\" cannot be renamed because it owns objects", role).
		WithDetail(strings.Join(owned, "\n")).
		WithHint("Give them to another role first (REASSIGN OWNED BY " + role + " TO ..., or ALTER ... OWNER TO, in each database listed), then give them back after the rename.")
}
