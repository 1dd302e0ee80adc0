package sql

import (
	"context"
	"slices"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// DROP OWNED BY role [, ...] [CASCADE | RESTRICT], as PostgreSQL runs it
// before a DROP ROLE, in each database: the relations and schemas of the
// session's database that the roles own are dropped (an index with its
// table, a sequence a column owns with its table), by DROP's own
// dependency walk, so that RESTRICT refuses (2BP01) when an object of
// another role depends on one of them and CASCADE drops that too. Then
// the roles lose their privileges on the database's objects and on
// every database (shared objects, which PostgreSQL's DROP OWNED reaches
// from any database). Databases the roles own keep them.
//
// The drops are the statement's transaction's, and roll back with it.
// The privileges are kept in the system log, which that transaction does
// not reach: they are revoked once it has committed (txnState's
// afterCommit), so that a rolled-back DROP OWNED leaves them too. Until
// then the transaction still sees them held.
func (pl *planner) planDropOwned(n *pg_query.DropOwnedStmt) (plan, error) {
	return &ddlPlan{tag: "DROP OWNED", fn: func(x *execCtx) error { return x.dropOwned(n) }}, nil
}

func (x *execCtx) dropOwned(n *pg_query.DropOwnedStmt) error {
	roles, err := x.rolesToActFor(n.Roles, "permission denied to drop objects")
	if err != nil {
		return err
	}
	if slices.Contains(roles, AdminUser) {
		return pgerror.Newf(pgcode.DependentObjectsStillExist, "cannot drop objects owned by role %s because they are required by the database system", AdminUser)
	}
	g, err := x.depGraph()
	if err != nil {
		return err
	}
	ds := g.newDropSet()
	var first *catalog.Descriptor
	for _, d := range g.all { // in id order: creation order, as PostgreSQL finds them
		if !slices.Contains(roles, d.Owner) {
			continue
		}
		// An identity column's sequence goes only with its table.
		if d.Kind == catalog.KindSequence {
			if t := g.byID[d.Sequence.OwnedByTable]; t == nil || !slices.Contains(roles, t.Owner) {
				if err := g.droppableSequence(d); err != nil {
					return err
				}
			}
		}
		if first == nil {
			first = d
		}
		ds.add(d)
	}
	if first != nil {
		ds.expand()
		if err := ds.finish(n.Behavior == pg_query.DropBehavior_DROP_CASCADE, x.describe(first)); err != nil {
			return err
		}
		if err := ds.apply(); err != nil {
			return err
		}
	}
	s, db := x.sess, x.sess.db.Name
	s.txn.queueAfterCommit(func(ctx context.Context) { s.revokeOwnedPrivileges(ctx, roles, db) })
	return nil
}

// revokeOwnedPrivileges takes from roles, for DROP OWNED in database db,
// their privileges on db's relations (stela's grant on all of them and
// those on single ones) and on every database, once the statement's
// transaction committed. Running DROP OWNED again revokes what a failure
// left.
func (s *Session) revokeOwnedPrivileges(ctx context.Context, roles []string, db string) {
	if err := s.revokeOwned(ctx, roles, db); err != nil {
		s.afterCommitFailed("DROP OWNED dropped the objects but could not revoke the privileges", "Run DROP OWNED again to revoke them.", err)
	}
}

// revokeOwned makes revokeOwnedPrivileges' changes. Each grant changed
// is one system transaction, recorded as made by its database's owner,
// as PostgreSQL records a superuser's revoke. A role or database dropped
// meanwhile took its grants along.
func (s *Session) revokeOwned(ctx context.Context, roles []string, db string) error {
	gs, err := s.engine.sys.Grants(0)
	if err != nil {
		return err
	}
	for _, g := range gs {
		if !slices.Contains(roles, g.User) || (g.Database != db && g.DB == "") {
			continue
		}
		d, err := s.engine.sys.Database(g.Database)
		if pgerror.HasCode(err, pgcode.InvalidCatalogName) {
			continue
		} else if err != nil {
			return err
		}
		grantor := d.Owner
		if grantor == "" {
			grantor = AdminUser
		}
		changed, err := s.engine.sys.ChangeGrant(ctx, g.User, g.Database, grantor, func(h *catalog.Grant) error {
			h.DB = ""
			if g.Database == db {
				h.Tables, h.Relations, h.Columns = "", nil, nil
			}
			return nil
		})
		if pgerror.HasCode(err, pgcode.UndefinedObject) || pgerror.HasCode(err, pgcode.InvalidCatalogName) {
			continue
		} else if err != nil {
			return err
		}
		if changed {
			s.log.Info().Str("user", s.currentUser()).Str("db", g.Database).Str("grantee", g.User).Msg("privileges revoked by DROP OWNED")
		}
	}
	return nil
}
