package sql

import (
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// CREATE INDEX CONCURRENTLY and DROP INDEX CONCURRENTLY, which migration
// tools write so as not to lock out a table's writers. stela's index
// builds and drops take no lock to begin with: writers go on beside
// them, and of a build and a writer of its table the one that commits
// second fails with 40001 (lockTableRows). So CONCURRENTLY runs the
// plain statement, with PostgreSQL's rules: never inside a transaction
// block, and DROP of one index without CASCADE.

// outsideBlockPlan runs a plan only outside a transaction block.
type outsideBlockPlan struct {
	stmt  string
	inner plan
}

func (p *outsideBlockPlan) run(s *Session, ec *expr.Context) (Result, error) {
	if s.inTransactionBlock() {
		return nil, pgerror.Newf(pgcode.ActiveSQLTransaction, "%s cannot run inside a transaction block", p.stmt)
	}
	return p.inner.run(s, ec)
}

// concurrently wraps the plan of a CONCURRENTLY statement.
func concurrently(stmt string, inner plan) plan {
	return &outsideBlockPlan{stmt: stmt, inner: inner}
}

// dropConcurrentlyError refuses what DROP INDEX CONCURRENTLY does not
// take, as PostgreSQL does.
func dropConcurrentlyError(objects int, cascade bool) error {
	if objects > 1 {
		return pgerror.New(pgcode.FeatureNotSupported, "DROP INDEX CONCURRENTLY does not support dropping multiple objects")
	}
	if cascade {
		return pgerror.New(pgcode.FeatureNotSupported, "DROP INDEX CONCURRENTLY does not support CASCADE")
	}
	return nil
}
