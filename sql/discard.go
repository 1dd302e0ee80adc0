package sql

import (
	"context"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// discardPlan is DISCARD ALL | PLANS | SEQUENCES | TEMP, which connection
// poolers (pgbouncer's server_reset_query) send to hand a clean session
// to the next client.
type discardPlan struct {
	target pg_query.DiscardMode
}

func (d *discardPlan) run(s *Session, ec *expr.Context) (Result, error) {
	switch d.target {
	case pg_query.DiscardMode_DISCARD_ALL:
		if s.inTransactionBlock() {
			return nil, pgerror.New(pgcode.ActiveSQLTransaction, "DISCARD ALL cannot run inside a transaction block")
		}
		// As PostgreSQL: SET SESSION AUTHORIZATION DEFAULT (the
		// login user is the session user again, a SET ROLE ends), RESET ALL,
		// DEALLOCATE ALL, CLOSE ALL, UNLISTEN *, then PLANS, SEQUENCES
		// and TEMP.
		s.resetSessionAuthorization(false)
		if err := s.setVar("role", "none", false); err != nil {
			return nil, err
		}
		if err := s.resetAll(); err != nil {
			return nil, err
		}
		s.deallocateAll()
		s.closeAllCursors()
		s.txn.queueAfterCommit(func(context.Context) { s.unlistenAll() })
		if s.Wire != nil {
			s.Wire.DropPortals()
		}
		s.discardSequences()
		if err := s.discardTemp(ec); err != nil {
			return nil, err
		}
		return &tagResult{tag: "DISCARD ALL"}, nil
	case pg_query.DiscardMode_DISCARD_PLANS:
		// stela keeps no plan state beyond the prepared statements
		// themselves, which are planned again whenever the catalog
		// changed: there is nothing to throw away.
		return &tagResult{tag: "DISCARD PLANS"}, nil
	case pg_query.DiscardMode_DISCARD_SEQUENCES:
		s.discardSequences()
		return &tagResult{tag: "DISCARD SEQUENCES"}, nil
	case pg_query.DiscardMode_DISCARD_TEMP:
		// The session's temporary relations go; its temp schema stays
		// (temp.go).
		if err := s.discardTemp(ec); err != nil {
			return nil, err
		}
		return &tagResult{tag: "DISCARD TEMP"}, nil
	}
	return nil, pgerror.Newf(pgcode.FeatureNotSupported, "DISCARD %s is not supported", d.target)
}

// discardSequences forgets the values nextval returned in this session
// (currval and lastval fail again until the next nextval).
func (s *Session) discardSequences() {
	s.seqs, s.lastSeq = nil, 0
}
