package sql

import (
	"slices"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// perRowJoin is the loop of the joins that open their right side anew
// for each left row — the lookup join (a seek per row) and LATERAL (a
// plan run with the row as its outer row): joined rows that pass cond,
// and for a LEFT join a NULL-padded row when a left row matched nothing.
type perRowJoin struct {
	x      *execCtx
	kind   joinKind
	cond   expr.Expr // over the joined row; nil: none
	left   rowIter
	nl, nr int
	// openRight opens the right side for a left row; nil means the row
	// can match nothing (a NULL key).
	openRight func(row []types.Datum) (rowIter, error)
	// nextRight reads the right side's next row.
	nextRight func(right rowIter) ([]types.Datum, error)

	cur     []types.Datum
	right   rowIter
	matched bool
	k       int
}

func (j *perRowJoin) next() ([]types.Datum, error) {
	for {
		if j.right != nil {
			r, err := j.nextRight(j.right)
			if err != nil {
				return nil, err
			}
			if r != nil {
				joined := make([]types.Datum, j.nl+j.nr)
				copy(joined, j.cur)
				copy(joined[j.nl:], r)
				if j.cond != nil {
					ok, err := j.x.evalBool(j.cond, joined)
					if err != nil {
						return nil, err
					}
					if !ok {
						continue
					}
				}
				j.matched = true
				return joined, nil
			}
			j.right.close()
			j.right = nil
			if j.kind == joinLeft && !j.matched {
				return j.padded(), nil
			}
		}
		l, err := j.left.next()
		if err != nil || l == nil {
			return nil, err
		}
		if j.k++; j.k&255 == 0 {
			if err := j.x.checkCanceled(); err != nil {
				return nil, err
			}
		}
		j.cur, j.matched = slices.Clone(l), false
		if j.right, err = j.openRight(j.cur); err != nil {
			return nil, err
		}
		if j.right == nil && j.kind == joinLeft {
			return j.padded(), nil
		}
	}
}

// padded is the current left row with NULLs for the right side.
func (j *perRowJoin) padded() []types.Datum {
	joined := make([]types.Datum, j.nl+j.nr)
	copy(joined, j.cur)
	return joined
}

func (j *perRowJoin) close() {
	if j.right != nil {
		j.right.close()
		j.right = nil
	}
	j.left.close()
}
