package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// ON CONFLICT (cols) WHERE predicate infers, as PostgreSQL's
// infer_arbiter_indexes does, every unique index on exactly cols: one
// without a predicate whatever the WHERE, a partial one only when the
// WHERE implies its predicate (index_implied.go). Without a WHERE no
// partial index is inferred, so a table whose only unique index on cols
// is partial answers 42P10. ON CONFLICT DO NOTHING without a target
// arbitrates with every unique index, partial ones included; a partial
// arbiter conflicts only with a row its predicate accepts (conflicting).

// inferenceWhere builds ON CONFLICT's inference WHERE over the target
// table's row, split into conjuncts (nil for none).
func (pl *planner) inferenceWhere(w *tableWriter, where *pg_query.Node) ([]expr.Expr, error) {
	if where == nil {
		return nil, nil
	}
	b := pl.predicateBuilder(w.desc)
	constTableOID(b, w.desc.Name, w.desc.ID)
	e, err := b.BuildAs(where, types.Bool, "WHERE")
	if err != nil {
		return nil, err
	}
	return splitAnd(e, nil), nil
}

// infersPartial reports whether the inference WHERE where infers the
// index at position i of the writer's layout: always for an index of
// every row; for a partial one, when where implies its predicate.
func (pl *planner) infersPartial(w *tableWriter, i int, where []expr.Expr) bool {
	if !w.layout.Indexes[i].Partial {
		return true
	}
	if len(where) == 0 {
		return false
	}
	ix := w.desc.Table.AllIndexes()[i]
	pred, _, err := buildIndexPredicate(pl.s, pl.txn, w.desc, ix)
	return err == nil && predicateImplied(pred, where)
}
