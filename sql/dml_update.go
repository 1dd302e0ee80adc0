package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// UPDATE and DELETE read the target table (joined with the FROM or USING
// items) as a query whose first columns are the target's row, then write
// each row found once. The scan reads the transaction's writes as they
// were when it started, so rows the statement writes are not met again.

// changeSource plans the rows an UPDATE or DELETE changes: the target
// table, then the other FROM items, filtered by WHERE.
// An UPDATE marks the columns it sets in the use returned.
func (pl *planner) changeSource(rv *pg_query.RangeVar, from []*pg_query.Node, where *pg_query.Node, verb string) (*tableWriter, *columnUse, planNode, error) {
	if tt := pl.travel[rv.Location]; tt != nil {
		// The past is read-only: only the tables a change reads from
		// (FROM, USING) may travel in time.
		return nil, nil, nil, pgerror.Newf(pgcode.FeatureNotSupported, "the target of %s cannot be read AS OF or as history", verb).
			WithHint("Read the past in FROM or USING: UPDATE t SET v = old.v FROM t AS OF TX n old WHERE ...").WithPosition(tt.Pos + 1)
	}
	d, use, err := pl.targetTable(rv, verb)
	if err != nil {
		return nil, nil, nil, err
	}
	w, err := pl.writer(d)
	if err != nil {
		return nil, nil, nil, err
	}
	w.noteWritten(use)
	if co := where.GetCurrentOfExpr(); co != nil {
		src, err := pl.planCurrentOf(w, rv, co, from, verb)
		return w, use, src, err
	}
	target := proto.Clone(rv).(*pg_query.RangeVar)
	items := append([]*pg_query.Node{{Node: &pg_query.Node_RangeVar{RangeVar: target}}}, from...)
	saved := pl.changeTarget
	pl.changeTarget = target
	src, err := pl.planFromWhere(items, where, nil, &level{})
	pl.changeTarget = saved
	if err != nil {
		return nil, nil, nil, err
	}
	return w, use, src, nil
}

func (pl *planner) planUpdate(p *Prepared, n *pg_query.UpdateStmt) (plan, error) {
	var dml []*cte
	if n.WithClause != nil {
		pop, ctes, err := pl.withClause(n.WithClause, nil, &level{})
		if err != nil {
			return nil, err
		}
		defer pop()
		dml = ctes
	}
	w, updated, src, err := pl.changeSource(n.Relation, n.FromClause, n.WhereClause, "UPDATE")
	if err != nil {
		return nil, err
	}
	sc := newScope(src.cols(), &level{}, nil)
	set, err := pl.planSetClause(w, n.TargetList, sc, updated)
	if err != nil {
		return nil, err
	}
	joined := len(n.FromClause) > 0
	exec := func(x *execCtx, src planNode, emit func([]types.Datum) error) (int64, error) {
		return w.changeRows(x, src, joined, func(row []types.Datum) ([]types.Datum, error) {
			upd, err := w.apply(x, set, row)
			if err != nil {
				return nil, err
			}
			if err := w.update(x, row[:len(w.cols)], upd); err != nil {
				return nil, err
			}
			return append(upd, row[len(w.cols):]...), nil
		}, emit)
	}
	dp := &dmlPlan{verb: "UPDATE", table: w.desc.Name, source: src, exec: exec}
	if dp.ret, err = pl.planReturning(n.ReturningList, sc, w.desc, n.Relation); err != nil {
		return nil, err
	}
	dp.source = withDML(src, dml)
	return finishDML(p, dp), nil
}

func (pl *planner) planDelete(p *Prepared, n *pg_query.DeleteStmt) (plan, error) {
	var dml []*cte
	if n.WithClause != nil {
		pop, ctes, err := pl.withClause(n.WithClause, nil, &level{})
		if err != nil {
			return nil, err
		}
		defer pop()
		dml = ctes
	}
	w, _, src, err := pl.changeSource(n.Relation, n.UsingClause, n.WhereClause, "DELETE")
	if err != nil {
		return nil, err
	}
	joined := len(n.UsingClause) > 0
	exec := func(x *execCtx, src planNode, emit func([]types.Datum) error) (int64, error) {
		return w.changeRows(x, src, joined, func(row []types.Datum) ([]types.Datum, error) {
			return row, w.delete(x, row[:len(w.cols)])
		}, emit)
	}
	dp := &dmlPlan{verb: "DELETE", table: w.desc.Name, source: src, exec: exec}
	if dp.ret, err = pl.planReturning(n.ReturningList, newScope(src.cols(), &level{}, nil), w.desc, n.Relation); err != nil {
		return nil, err
	}
	dp.source = withDML(src, dml)
	return finishDML(p, dp), nil
}

// changeRows runs change on each row of src once: a target row that the
// join pairs with several rows is changed for the first pair only, as
// in PostgreSQL.
func (w *tableWriter) changeRows(x *execCtx, src planNode, joined bool, change func([]types.Datum) ([]types.Datum, error), emit func([]types.Datum) error) (int64, error) {
	it, err := src.open(x)
	if err != nil {
		return 0, err
	}
	defer it.close()
	var seen map[string]bool
	if joined {
		seen = map[string]bool{}
	}
	var n int64
	for {
		row, err := it.next()
		if err != nil {
			return n, err
		}
		if row == nil {
			return n, nil
		}
		if len(row) < len(w.cols) {
			return n, pgerror.New(pgcode.Internal, "change source lost the target row")
		}
		row = append([]types.Datum(nil), row...)
		if seen != nil {
			key, err := w.layout.RowKey(row[:len(w.cols)])
			if err != nil {
				return n, err
			}
			if seen[string(key)] {
				continue
			}
			seen[string(key)] = true
			if err := x.mem.grow(int64(len(key)) + 16); err != nil {
				return n, err
			}
		}
		out, err := change(row)
		if err != nil {
			return n, err
		}
		if err := emit(out); err != nil {
			return n, err
		}
		n++
	}
}
