package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Privilege checks. A session's rights are those of its current user's
// (session_role.go) grant in its database (catalog/grants.go), with
// those of every role the user is a member of, directly or through other
// roles, unless a NOINHERIT role is on the way (catalog/inherit.go), and
// PUBLIC's, read afresh whenever the system log
// has grown since they were last read, so that a GRANT or REVOKE holds
// from the next statement of every session. Superusers pass every check;
// so does the database's owner, and a user with CREATE on the database
// (stela's admin level) holds every table privilege too. A relation's
// owner (ALTER TABLE ... OWNER TO gives it one other than its creator)
// holds every privilege on it, as in PostgreSQL. Privileges on columns
// stand in for a missing table privilege on the columns a statement uses
// (privileges_columns.go).
//
// The planner notes what a statement needs (privNeed) as it resolves
// relations; Session.Execute checks the notes before every run, so that
// a statement prepared before a REVOKE is refused after it. What is only
// known while running (the sequence a nextval names, the table a proof
// function reads) is checked where it is resolved.

// rights is a session's privileges as of a system tx.
type rights struct {
	tx        uint64
	user      string
	superuser bool
	owner     bool
	// grant is the privileges of user, of its roles and of PUBLIC
	// together.
	grant catalog.Grant
	// roles are the roles whose privileges user has: itself and those
	// it inherits from (an object owned by one is as its own).
	roles map[string]bool
	// members are the roles user is a member of, inheriting or not:
	// those it may SET ROLE to and give what it owns to.
	members map[string]bool
}

// rights returns the session's current privileges.
func (s *Session) rights() (*rights, error) {
	last := s.engine.sys.Store().LastTx()
	user := s.currentUser()
	if s.privs != nil && s.privs.tx == last && s.privs.user == user {
		return s.privs, nil
	}
	r, err := s.engine.rightsOf(user, s.db.Name)
	if err != nil {
		return nil, err
	}
	s.privs = r
	return r, nil
}

// rightsIn is rightsOf, from the session's cache (rights) when it asks
// for the current user in the session's database: has_*_privilege and
// pg_database ask once per row they read.
func (s *Session) rightsIn(user, db string) (*rights, error) {
	if user == s.currentUser() && db == s.db.Name {
		return s.rights()
	}
	return s.engine.rightsOf(user, db)
}

// rightsOf reads a user's current privileges in a database.
func (e *Engine) rightsOf(user, db string) (*rights, error) {
	sys := e.sys
	r := &rights{tx: sys.Store().LastTx(), user: user}
	u, err := sys.User(user)
	if err != nil && !pgerror.HasCode(err, pgcode.UndefinedObject) {
		return nil, err
	}
	r.superuser = u != nil && u.Superuser
	ms, err := sys.Memberships(r.tx)
	if err != nil {
		return nil, err
	}
	noInherit, err := sys.NoInheritRoles()
	if err != nil {
		return nil, err
	}
	r.roles = catalog.PrivilegeRolesOf(ms, noInherit, user)
	r.members = catalog.RolesOf(ms, user)
	if d, err := sys.Database(db); err == nil {
		r.owner = r.roles[databaseOwner(d)]
	}
	var gs []catalog.Grant
	for _, name := range append(catalog.SortedRoles(r.roles), catalog.Public) {
		g, err := sys.GrantAt(name, db, r.tx)
		if err != nil {
			return nil, err
		}
		gs = append(gs, g)
	}
	r.grant = catalog.MergeGrants(user, db, gs)
	return r, nil
}

// hasDatabase reports whether the rights hold every database privilege
// letter of privs (c, C, T).
func (r *rights) hasDatabase(privs string) bool {
	return r.superuser || r.owner || catalog.Has(r.grant.DB, privs)
}

// hasTable reports whether the rights hold every table privilege letter
// of privs (r, a, w, d, D, x, t) on the database's relations.
func (r *rights) hasTable(privs string) bool {
	return r.hasDatabase("C") || catalog.Has(r.grant.Tables, privs)
}

// hasRelation reports whether the rights hold every letter of privs on
// relation id: on every relation of the database, or on it alone.
// USAGE (U) on a sequence is also given by the database-wide UPDATE,
// which stela's sequences take (seqfuncs.go).
func (r *rights) hasRelation(privs string, id uint32) bool {
	return r.hasTable(privs) || catalog.Has(r.grant.OnRelation(id), privs)
}

// owns reports whether the rights' user is owner, a relation's owner, or
// a member of it.
func (r *rights) owns(owner string) bool { return owner != "" && r.roles[owner] }

// hasDesc is hasRelation of a relation the caller has resolved: its
// owner holds every privilege on it.
func (r *rights) hasDesc(privs string, d *catalog.Descriptor) bool {
	return r.hasRelation(privs, d.ID) || r.owns(d.Owner)
}

// seesRelation reports whether the rights show relation d in pg_catalog
// and information_schema: any privilege on it, or on one of its columns,
// does.
func (r *rights) seesRelation(d *catalog.Descriptor) bool {
	return r.holdsOnRelation(d) || len(r.grant.Columns[d.ID]) > 0
}

// holdsOnRelation reports whether the rights hold any privilege on the
// whole of relation d (ANALYZE counts the rows of such relations).
func (r *rights) holdsOnRelation(d *catalog.Descriptor) bool {
	return r.hasDatabase("C") || r.grant.Tables != "" || r.grant.Relations[d.ID] != "" || r.owns(d.Owner)
}

// privNeed is a privilege a statement needs, and PostgreSQL's words when
// it is missing: "permission denied for <object>" or, for an owner's
// right, "must be owner of <object>".
type privNeed struct {
	db     string // database privilege letters needed
	tables string // table privilege letters needed
	rel    uint32 // on this relation (0: on every relation)
	// relOwner is rel's owner, who holds every privilege on it.
	relOwner string
	object   string // "table t", "schema public", "database d"
	owner    bool   // the message is "must be owner of ..."
	msg      string // a message of its own, when not empty
	// cols, when set, are the columns of rel the statement uses:
	// privileges on all of them meet the need too
	// (privileges_columns.go).
	cols *columnUse
}

// need notes a privilege the statement being planned needs.
func (pl *planner) need(n privNeed) { pl.needs = append(pl.needs, n) }

// needTable notes table privileges on a relation.
func (pl *planner) needTable(privs string, d *catalog.Descriptor) {
	pl.need(privNeed{tables: privs, rel: d.ID, relOwner: d.Owner, object: relKindWord(d) + " " + d.Name})
}

// relKindWord is how PostgreSQL's aclcheck messages name a relation.
func relKindWord(d *catalog.Descriptor) string {
	switch d.Kind {
	case catalog.KindView, catalog.KindSequence, catalog.KindIndex, catalog.KindSchema:
		return d.Kind
	}
	return d.KindName() // "table", "materialized view"
}

// checkNeeds refuses a statement whose needs the session's rights do not
// meet, with 42501, and logs the refusal.
func (s *Session) checkNeeds(needs []privNeed) error {
	if len(needs) == 0 {
		return nil
	}
	r, err := s.rights()
	if err != nil {
		return err
	}
	for _, n := range needs {
		if (n.db == "" || r.hasDatabase(n.db)) && (n.tables == "" || r.hasRelation(n.tables, n.rel) || n.rel != 0 && r.owns(n.relOwner)) {
			continue
		}
		if n.db == "" && n.cols != nil && r.hasColumns(n.tables, n.cols) {
			continue
		}
		return s.denied(n)
	}
	return nil
}

// checkTable checks table privileges on a relation resolved while
// running (sequence and proof functions).
func (s *Session) checkTable(privs string, d *catalog.Descriptor) error {
	return s.checkNeeds([]privNeed{{tables: privs, rel: d.ID, relOwner: d.Owner, object: relKindWord(d) + " " + d.Name}})
}

// denied is the 42501 error for a missing privilege, logged with user and
// database.
func (s *Session) denied(n privNeed) error {
	msg := "permission denied for " + n.object
	if n.owner {
		msg = "must be owner of " + n.object
	}
	if n.msg != "" {
		msg = n.msg
	}
	s.log.Warn().Str("user", s.currentUser()).Str("db", s.db.Name).Str("object", n.object).Msg("permission denied")
	return pgerror.New(pgcode.InsufficientPrivilege, msg)
}

// mayConnect refuses a session to a user without CONNECT on the
// database, as PostgreSQL's "permission denied for database". The
// rights it read (nil for a superuser, who needs none) become the new
// session's first ones, rather than be read again.
func (e *Engine) mayConnect(u *catalog.User, db string) (*rights, error) {
	if u.Superuser {
		return nil, nil
	}
	r, err := e.rightsOf(u.Name, db)
	if err != nil {
		return nil, err
	}
	if r.hasDatabase("c") {
		return r, nil
	}
	return nil, pgerror.Newf(pgcode.InsufficientPrivilege, "permission denied for database \"%s\"", db).
		WithDetail("User does not have CONNECT privilege.")
}

// hasRole reports whether the session's current user has role's
// privileges: is it, or inherits from it (pg_has_role's USAGE,
// superusers aside).
func (s *Session) hasRole(role string) bool {
	r, err := s.rights()
	return err == nil && r.roles[role]
}
