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
	s.editGrantsAfterCommit("DROP dropped the relations but could not remove their privileges",
		func(g catalog.Grant) bool { return holdsAny(g, ids) },
		func(h *catalog.Grant) {
			for _, id := range ids {
				delete(h.Relations, id)
				delete(h.Columns, id)
			}
		})
}

// forgetColumnGrantsAfterCommit queues the removal of every grant on
// column col of relation rel (a dropped column), as forgetGrantsAfterCommit
// for relations: column ids are never taken again in a table either.
func (s *Session) forgetColumnGrantsAfterCommit(rel, col uint32) {
	s.editGrantsAfterCommit("DROP COLUMN dropped the column but could not remove its privileges",
		func(g catalog.Grant) bool { return g.OnColumn(rel, col) != "" },
		func(h *catalog.Grant) { h.SetColumn(rel, col, "") })
}

// editGrantsAfterCommit queues, for after the commit, edit of each of
// the database's grant records that holds the dropped objects (holds
// says which); failed names what the commit did, for the warning when
// the grants cannot be changed.
func (s *Session) editGrantsAfterCommit(failed string, holds func(catalog.Grant) bool, edit func(*catalog.Grant)) {
	db := s.db.Name
	s.txn.queueAfterCommit(func(ctx context.Context) {
		if err := s.editGrants(ctx, db, holds, edit); err != nil {
			s.afterCommitFailed(failed, "REVOKE them, or DROP OWNED BY the role that holds them.", err)
		}
	})
}

func (s *Session) editGrants(ctx context.Context, db string, holds func(catalog.Grant) bool, edit func(*catalog.Grant)) error {
	gs, err := s.engine.sys.Grants(0)
	if err != nil {
		return err
	}
	for _, g := range gs {
		if g.Database != db || !holds(g) {
			continue
		}
		_, err := s.engine.sys.ChangeGrant(ctx, g.User, db, s.currentUser(), func(h *catalog.Grant) error {
			edit(h)
			return nil
		})
		// A role or database dropped meanwhile took its grants along.
		if err != nil && !pgerror.HasCode(err, pgcode.UndefinedObject) && !pgerror.HasCode(err, pgcode.InvalidCatalogName) {
			return err
		}
	}
	return nil
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
