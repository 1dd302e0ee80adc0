package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"strings"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Grants: what a user may do in a database, one record per user and
// database in the system store. Each GRANT or REVOKE that changes a
// record is one transaction of the system log, so who held which
// privileges, and who granted them, is provable and readable as of any
// earlier system tx (GrantAt).
//
// Privileges are kept as PostgreSQL's aclitem letters. On the database:
// c (CONNECT, needed for any session), C (CREATE: in stela, DDL on every
// object of the database and granting on it: immudb's admin level) and T
// (TEMPORARY: creating temporary tables, views and sequences). On tables,
// for every table, view and sequence of the database, now and later (stela keeps
// table privileges per database, not per table): r SELECT, a INSERT,
// w UPDATE, d DELETE, D TRUNCATE, x REFERENCES, t TRIGGER. immudb's read
// level is c + r, readwrite c + arwdD, admin c + CT.
//
// Privileges on single relations (GRANT SELECT ON t, GRANT USAGE ON
// SEQUENCE s) are kept beside them, by the relation's descriptor id —
// ids are never reused in a database, so a dropped table's grants cannot
// pass to a new one, and a renamed table keeps its grants. Their letters
// are RelationPrivs: the table letters, and U (USAGE) for sequences.
//
// Privileges on single columns (GRANT SELECT (a) ON t) are kept by
// relation id, then column id (ColumnDesc.ID, never taken again in a
// table, so a dropped column's grants cannot pass to a new one of the
// same name). Their letters are ColumnPrivs.

// Key prefix of grant records: prefix, user, 0, database. Persisted.
var grantPrefix = []byte{0x01, 'g'}

// DatabasePrivs and TablePrivs are the privilege letters in PostgreSQL's
// print order.
const (
	DatabasePrivs = "CTc"
	TablePrivs    = "arwdDxt"
	RelationPrivs = "arwdDxtU"
	// ColumnPrivs are the privileges a column takes: INSERT, SELECT,
	// UPDATE and REFERENCES.
	ColumnPrivs = "arwx"
)

// PrivilegeNames are the privileges' names in GRANT, by aclitem letter.
var PrivilegeNames = map[rune]string{
	'C': "CREATE", 'T': "TEMPORARY", 'c': "CONNECT",
	'a': "INSERT", 'r': "SELECT", 'w': "UPDATE", 'd': "DELETE", 'D': "TRUNCATE", 'x': "REFERENCES", 't': "TRIGGER",
	'U': "USAGE",
}

// PrivilegeList spells the letters of set as GRANT names them, in the
// order of order (DatabasePrivs or TablePrivs): "CREATE, CONNECT".
func PrivilegeList(set, order string) string {
	var b strings.Builder
	for _, p := range order {
		if !strings.ContainsRune(set, p) {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(PrivilegeNames[p])
	}
	return b.String()
}

// Grant is a user's privileges in one database.
type Grant struct {
	User     string `json:"user"`
	Database string `json:"database"`
	// DB and Tables are sets of aclitem letters (DatabasePrivs,
	// TablePrivs), in print order.
	DB     string `json:"db,omitempty"`
	Tables string `json:"tables,omitempty"`
	// Relations are privileges on single relations, by descriptor id
	// (RelationPrivs letters).
	Relations map[uint32]string `json:"relations,omitempty"`
	// Columns are privileges on single columns, by relation id then
	// column id (ColumnPrivs letters).
	Columns map[uint32]map[uint32]string `json:"columns,omitempty"`
	// Grantor is who made the latest change.
	Grantor string `json:"grantor"`
	// Tx and Time are the system tx that made the latest change and its
	// commit time (microseconds since the Unix epoch); filled by Grants,
	// not stored (the log already has them).
	Tx   uint64 `json:"-"`
	Time int64  `json:"-"`
}

// OnRelation returns the letters the grant holds on relation id: those
// on every relation and those on it alone.
func (g Grant) OnRelation(id uint32) string {
	if r := g.Relations[id]; r != "" {
		return NormPrivs(g.Tables+r, RelationPrivs)
	}
	return g.Tables
}

// OnColumn returns the letters the grant holds on column col of
// relation rel by a column grant (those on the whole relation aside).
func (g Grant) OnColumn(rel, col uint32) string { return g.Columns[rel][col] }

// SetColumn sets the letters held on column col of relation rel,
// dropping the entry when none are left.
func (g *Grant) SetColumn(rel, col uint32, letters string) {
	letters = NormPrivs(letters, ColumnPrivs)
	if letters == "" {
		if m := g.Columns[rel]; m != nil {
			delete(m, col)
			if len(m) == 0 {
				delete(g.Columns, rel)
			}
		}
		return
	}
	if g.Columns == nil {
		g.Columns = map[uint32]map[uint32]string{}
	}
	if g.Columns[rel] == nil {
		g.Columns[rel] = map[uint32]string{}
	}
	g.Columns[rel][col] = letters
}

// MergeGrants returns the privileges the grants hold together in db:
// those of a user and of the roles it has (membership.go).
func MergeGrants(user, db string, gs []Grant) Grant {
	out := Grant{User: user, Database: db}
	for _, g := range gs {
		out.DB += g.DB
		out.Tables += g.Tables
		for id, l := range g.Relations {
			if out.Relations == nil {
				out.Relations = map[uint32]string{}
			}
			out.Relations[id] = NormPrivs(out.Relations[id]+l, RelationPrivs)
		}
		for rel, cols := range g.Columns {
			for col, l := range cols {
				out.SetColumn(rel, col, out.OnColumn(rel, col)+l)
			}
		}
	}
	out.DB, out.Tables = NormPrivs(out.DB, DatabasePrivs), NormPrivs(out.Tables, TablePrivs)
	return out
}

// empty reports whether the grant holds nothing.
func (g Grant) empty() bool {
	return g.DB == "" && g.Tables == "" && len(g.Relations) == 0 && len(g.Columns) == 0
}

// sameAs reports whether two normalized grants hold the same privileges.
func (g Grant) sameAs(o Grant) bool {
	if g.DB != o.DB || g.Tables != o.Tables || len(g.Relations) != len(o.Relations) || len(g.Columns) != len(o.Columns) {
		return false
	}
	for id, l := range g.Relations {
		if o.Relations[id] != l {
			return false
		}
	}
	for rel, cols := range g.Columns {
		if len(o.Columns[rel]) != len(cols) {
			return false
		}
		for col, l := range cols {
			if o.Columns[rel][col] != l {
				return false
			}
		}
	}
	return true
}

// Level is immudb's name for the grant: "admin" with CREATE on the
// database, "readwrite" with CONNECT and SELECT, INSERT, UPDATE and
// DELETE on its tables, "read" with CONNECT and SELECT, and "custom" for
// any other set of privileges (shown letter by letter beside it).
func (g Grant) Level() string {
	switch {
	case Has(g.DB, "C"):
		return "admin"
	case Has(g.DB, "c") && Has(g.Tables, "rawd"):
		return "readwrite"
	case Has(g.DB, "c") && Has(g.Tables, "r"):
		return "read"
	}
	return "custom"
}

// Has reports whether the grant holds every letter of privs, looked up
// in set.
func Has(set, privs string) bool {
	for _, p := range privs {
		if !strings.ContainsRune(set, p) {
			return false
		}
	}
	return true
}

// NormPrivs returns the letters of set that order (DatabasePrivs or
// TablePrivs) names, in its order.
func NormPrivs(set, order string) string {
	var b strings.Builder
	for _, p := range order {
		if strings.ContainsRune(set, p) {
			b.WriteRune(p)
		}
	}
	return b.String()
}

func grantKey(user, db string) []byte {
	k := append(append([]byte(nil), grantPrefix...), user...)
	return append(append(k, 0), db...)
}

// GrantOf returns user's grant in db (an empty one if none) at the
// latest system tx.
func (s *System) GrantOf(user, db string) (Grant, error) {
	return s.GrantAt(user, db, s.store.LastTx())
}

// GrantAt returns user's grant in db as of system tx tx.
func (s *System) GrantAt(user, db string, tx uint64) (Grant, error) {
	g := Grant{User: user, Database: db}
	if tx == 0 {
		return g, nil
	}
	v, err := s.store.GetAt(grantKey(user, db), tx)
	if errors.Is(err, kv.ErrNotFound) {
		return g, nil
	} else if err != nil {
		return g, engine.StorageError(err)
	}
	if err := json.Unmarshal(v.Value, &g); err != nil {
		return g, pgerror.Wrapf(err, pgcode.DataCorrupted, "catalog: grant record \"%s\": %v", v.Key, err)
	}
	return g, nil
}

// Grants lists every grant at system tx tx (0: the latest), by user then
// database.
func (s *System) Grants(tx uint64) ([]Grant, error) {
	if tx == 0 {
		tx = s.store.LastTx()
	}
	if tx == 0 {
		return nil, nil
	}
	it, err := s.store.Scan(kv.PrefixRange(grantPrefix), tx)
	if err != nil {
		return nil, engine.StorageError(err)
	}
	defer it.Close()
	var out []Grant
	for it.Next() {
		var g Grant
		if err := json.Unmarshal(it.Value(), &g); err != nil {
			return nil, pgerror.Wrapf(err, pgcode.DataCorrupted, "catalog: grant record \"%s\": %v", it.Key(), err)
		}
		v := it.Version()
		g.Tx, g.Time = v.TxID, v.Time
		out = append(out, g)
	}
	if err := it.Err(); err != nil {
		return nil, engine.StorageError(err)
	}
	return out, nil
}

// ChangeGrant applies change to user's grant in db and stores it, in one
// system transaction, when it changed (a grant left empty is deleted).
// change runs under the catalog lock. user may be Public (PUBLIC's
// privileges, which every role has). 42704 if the user does not exist,
// 3D000 if the database does not. It reports whether anything was
// written.
func (s *System) ChangeGrant(ctx context.Context, user, db, grantor string, change func(*Grant) error) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if user != Public {
		if _, err := s.User(user); err != nil {
			return false, err
		}
	}
	if _, err := s.Database(db); err != nil {
		return false, err
	}
	old, err := s.GrantOf(user, db)
	if err != nil {
		return false, err
	}
	g := old
	g.Relations = maps.Clone(old.Relations) // change may edit it
	g.Columns = nil
	for rel, cols := range old.Columns {
		for col, l := range cols {
			g.SetColumn(rel, col, l)
		}
	}
	if err := change(&g); err != nil {
		return false, err
	}
	g.User, g.Database = user, db
	g.DB, g.Tables = NormPrivs(g.DB, DatabasePrivs), NormPrivs(g.Tables, TablePrivs)
	for id, l := range g.Relations {
		if l = NormPrivs(l, RelationPrivs); l == "" {
			delete(g.Relations, id)
		} else {
			g.Relations[id] = l
		}
	}
	if len(g.Relations) == 0 {
		g.Relations = nil
	}
	for rel, cols := range g.Columns {
		for col, l := range cols {
			g.SetColumn(rel, col, l) // normalizes, drops empty entries
		}
	}
	if len(g.Columns) == 0 {
		g.Columns = nil
	}
	if g.sameAs(old) {
		return false, nil
	}
	g.Grantor = grantor
	key := grantKey(user, db)
	if g.empty() {
		return true, s.commit(ctx, kv.Write{Key: key, Delete: true})
	}
	b, err := json.Marshal(g)
	if err != nil {
		return false, err
	}
	return true, s.commit(ctx, kv.Write{Key: key, Value: b})
}

// dropGrants returns the writes that delete every grant held by user (a
// dropped user) or in db (a dropped database).
func (s *System) dropGrants(match func(Grant) bool) ([]kv.Write, error) {
	gs, err := s.Grants(0)
	if err != nil {
		return nil, err
	}
	var w []kv.Write
	for _, g := range gs {
		if match(g) {
			w = append(w, kv.Write{Key: grantKey(g.User, g.Database), Delete: true})
		}
	}
	return w, nil
}

// moveGrants returns the writes that re-key the grants rename changes
// (it reports true after changing the user or database name).
func (s *System) moveGrants(rename func(*Grant) bool) ([]kv.Write, error) {
	gs, err := s.Grants(0)
	if err != nil {
		return nil, err
	}
	var w []kv.Write
	for _, g := range gs {
		oldKey := grantKey(g.User, g.Database)
		if !rename(&g) {
			continue
		}
		b, err := json.Marshal(g)
		if err != nil {
			return nil, err
		}
		w = append(w, kv.Write{Key: oldKey, Delete: true}, kv.Write{Key: grantKey(g.User, g.Database), Value: b})
	}
	return w, nil
}
