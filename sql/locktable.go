package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// LOCK TABLE under stela's optimistic snapshot isolation. Nothing ever
// waits in stela: a conflict is found at COMMIT (40001). So a lock mode
// that conflicts with writers (SHARE and stronger, the modes that
// conflict with PostgreSQL's ROW EXCLUSIVE) makes the transaction depend
// on the whole table: its COMMIT fails with 40001 if another transaction
// wrote to the table after this one's snapshot. Two transactions that
// both LOCK ... IN EXCLUSIVE MODE, read and write the table are thus
// serialized as in PostgreSQL, the later one failing (and retried)
// instead of waiting. The weaker modes conflict only with DDL and
// VACUUM-like commands in PostgreSQL; stela's DDL is itself checked at
// COMMIT, so they have nothing to add.
type lockPlan struct {
	n *pg_query.LockStmt
}

// shareLockMode is PostgreSQL's ShareLock, the weakest mode that
// conflicts with ROW EXCLUSIVE.
const shareLockMode = 5

func (p *lockPlan) run(s *Session, ec *expr.Context) (Result, error) {
	if !s.inTransactionBlock() {
		return nil, pgerror.New(pgcode.NoActiveSQLTransaction, "LOCK TABLE can only be used in transaction blocks")
	}
	x, err := s.newExecCtx(ec)
	if err != nil {
		return nil, err
	}
	for _, r := range p.n.Relations {
		rv := r.GetRangeVar()
		if refuseSystemCatalog(x.txn, x.sess.searchPath(), rv.Schemaname, rv.Relname) != nil {
			// A catalog relation is computed from the catalog, which a
			// transaction reads at its snapshot: nothing to lock, and
			// PostgreSQL lets anyone lock its catalogs.
			continue
		}
		d, err := x.relationFor(rv)
		if err != nil {
			return nil, err
		}
		if d.Kind != catalog.KindTable {
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "LOCK TABLE of \"%s\", which is not a table, is not supported", d.Name)
		}
		if p.n.Mode >= shareLockMode {
			x.txn.LockRange(kv.PrefixRange(engine.TablePrefix(d.StorageID())))
		}
		s.noteLock(d.ID, p.n.Mode)
	}
	return &tagResult{tag: "LOCK TABLE"}, nil
}
