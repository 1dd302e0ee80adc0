package sql

import (
	"context"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// A dropped relation's privileges go with it, as PostgreSQL's ACL goes
// with its pg_class row: otherwise a grant on a table long gone would
// keep DROP ROLE of its grantee refused ("privileges for database ...")
// with nothing left to REVOKE. Grants live in the system log, which the
// dropping transaction does not reach, so they are forgotten once it has
// committed (txnState's afterCommit); a rolled-back DROP leaves them.
// Relation ids are never taken again once committed, so a grant can not
// meanwhile have passed to another relation.

// forgetGrantsAfterCommit queues the removal of every grant on the
// relations ids of the session's database.
func (s *Session) forgetGrantsAfterCommit(ids []uint32) {
	if len(ids) == 0 {
		return
	}
	db := s.db.Name
	s.txn.queueAfterCommit(func(ctx context.Context) {
		if err := s.forgetGrants(ctx, db, ids); err != nil {
			s.afterCommitFailed("DROP dropped the relations but could not remove their privileges", "REVOKE them, or DROP OWNED BY the role that holds them.", err)
		}
	})
}

func (s *Session) forgetGrants(ctx context.Context, db string, ids []uint32) error {
	gs, err := s.engine.sys.Grants(0)
	if err != nil {
		return err
	}
	for _, g := range gs {
		if g.Database != db || !holdsAny(g, ids) {
			continue
		}
		_, err := s.engine.sys.ChangeGrant(ctx, g.User, db, s.currentUser(), func(h *catalog.Grant) error {
			for _, id := range ids {
				delete(h.Relations, id)
				delete(h.Columns, id)
			}
			return nil
		})
		// A role or database dropped meanwhile took its grants along.
		if err != nil && !pgerror.HasCode(err, pgcode.UndefinedObject) && !pgerror.HasCode(err, pgcode.InvalidCatalogName) {
			return err
		}
	}
	return nil
}

// forgetColumnGrantsAfterCommit queues the removal of every grant on
// column col of relation rel (a dropped column), as forgetGrantsAfterCommit
// for relations: column ids are never taken again in a table either.
func (s *Session) forgetColumnGrantsAfterCommit(rel, col uint32) {
	db := s.db.Name
	s.txn.queueAfterCommit(func(ctx context.Context) {
		gs, err := s.engine.sys.Grants(0)
		for _, g := range gs {
			if err != nil {
				break
			}
			if g.Database != db || g.OnColumn(rel, col) == "" {
				continue
			}
			_, err = s.engine.sys.ChangeGrant(ctx, g.User, db, s.currentUser(), func(h *catalog.Grant) error {
				h.SetColumn(rel, col, "")
				return nil
			})
			if pgerror.HasCode(err, pgcode.UndefinedObject) || pgerror.HasCode(err, pgcode.InvalidCatalogName) {
				err = nil
			}
		}
		if err != nil {
			s.afterCommitFailed("DROP COLUMN dropped the column but could not remove its privileges", "REVOKE them, or DROP OWNED BY the role that holds them.", err)
		}
	})
}

// holdsAny reports whether g holds a privilege on one of the relations
// or on one of their columns.
func holdsAny(g catalog.Grant, ids []uint32) bool {
	for _, id := range ids {
		if g.Relations[id] != "" || len(g.Columns[id]) > 0 {
			return true
		}
	}
	return false
}
