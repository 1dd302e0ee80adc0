package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// mergePlan runs MERGE over the rows of the source joined to the target
// (merge_plan.go): each row takes the first WHEN clause of its kind whose
// condition holds; a row no clause takes is left alone.
type mergePlan struct {
	w *tableWriter
	// split is where the target's columns begin in the join's rows;
	// before it are the source's.
	split int
	// key is a primary-key column of the target's row: NULL there means
	// the source row has no partner (the LEFT JOIN null-extended it).
	key                 int
	matched, notMatched []*mergeAction
}

// mergeAction is one WHEN clause. The expressions of a MATCHED clause
// read the target's row followed by the source's; those of a NOT
// MATCHED clause the source's row alone.
type mergeAction struct {
	kind pg_query.CmdType // CMD_UPDATE, CMD_DELETE, CMD_INSERT or CMD_NOTHING
	cond expr.Expr        // nil: unconditional
	set  []assignment     // UPDATE SET
	// targets are the table positions an INSERT's values fill; the
	// other columns take their defaults (all of them for DEFAULT
	// VALUES).
	targets []int
	values  []expr.Expr
}

// exec applies the actions. As in PostgreSQL, the join reads the target
// as it was before the statement, so a row MERGE inserts is never
// matched by a later source row, and a target row that a second source
// row would change again is an error rather than a silent second write.
func (mp *mergePlan) exec(x *execCtx, src planNode, _ func([]types.Datum) error) (int64, error) {
	x.stmtReads() // before the first write, whatever the join reads first
	it, err := src.open(x)
	if err != nil {
		return 0, err
	}
	defer it.close()
	w := mp.w
	acted := map[string]bool{}
	var n int64
	for {
		out, err := it.next()
		if err != nil {
			return n, err
		}
		if out == nil {
			return n, nil
		}
		if out[mp.split+mp.key] == nil {
			source := out[:mp.split]
			a, err := pick(x, mp.notMatched, source)
			if err != nil {
				return n, err
			}
			if a == nil || a.kind == pg_query.CmdType_CMD_NOTHING {
				continue
			}
			if err := mp.insert(x, a, source); err != nil {
				return n, err
			}
			n++
			continue
		}
		row := make([]types.Datum, 0, len(out))
		row = append(append(row, out[mp.split:]...), out[:mp.split]...)
		a, err := pick(x, mp.matched, row)
		if err != nil {
			return n, err
		}
		if a == nil || a.kind == pg_query.CmdType_CMD_NOTHING {
			continue
		}
		old := row[:len(w.cols)]
		key, err := w.layout.RowKey(old)
		if err != nil {
			return n, err
		}
		if acted[string(key)] {
			return n, pgerror.New(pgcode.CardinalityViolation, "MERGE command cannot affect row a second time").
				WithHint("Ensure that not more than one source row matches any one target row.")
		}
		acted[string(key)] = true
		if err := x.mem.grow(int64(len(key)) + 16); err != nil {
			return n, err
		}
		if a.kind == pg_query.CmdType_CMD_DELETE {
			err = w.delete(x, old)
		} else {
			var upd []types.Datum
			if upd, err = w.apply(x, a.set, row); err == nil {
				err = w.update(x, old, upd)
			}
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// pick returns the first action whose condition holds over row, nil if
// none does.
func pick(x *execCtx, actions []*mergeAction, row []types.Datum) (*mergeAction, error) {
	for _, a := range actions {
		if a.cond == nil {
			return a, nil
		}
		ok, err := x.evalBool(a.cond, row)
		if err != nil {
			return nil, err
		}
		if ok {
			return a, nil
		}
	}
	return nil, nil
}

// insert writes the row an INSERT action makes of a source row.
func (mp *mergePlan) insert(x *execCtx, a *mergeAction, source []types.Datum) error {
	w := mp.w
	row := make([]types.Datum, len(w.cols))
	given := make([]bool, len(w.cols))
	for i, t := range a.targets {
		v, err := x.eval(a.values[i], source)
		if err != nil {
			return err
		}
		row[t], given[t] = v, true
	}
	for i := range row {
		if !given[i] && w.defaults[i] != nil {
			v, err := x.eval(w.defaults[i], nil)
			if err != nil {
				return err
			}
			row[i] = v
		}
	}
	return w.insert(x, row)
}
