package sql

import (
	"github.com/stela-db/stela/sql/types"
)

// adaptiveJoinNode chooses between a lookup join and a hash join when it
// runs, by how many rows the left input actually has. Without statistics
// the planner cannot tell whether "WHERE b.id BETWEEN $1 AND $1 + 9"
// keeps ten rows or half the table, and the wrong guess costs either a
// seek per row for a large input or a read of the whole right table for
// ten rows (a thousand times slower than PostgreSQL on a 1 M-row join).
// So it reads up to limit left rows first: if the input ends there, the
// lookup join runs over them; else the hash join runs over them and the
// rest. Both plans are fixed at planning, so a prepared statement keeps
// its plan; only the branch taken varies.
type adaptiveJoinNode struct {
	lookup *lookupJoinNode
	hash   *joinNode
	limit  int
}

// maxAdaptiveRows caps the left rows held to decide.
const maxAdaptiveRows = 10000

func (n *adaptiveJoinNode) cols() []column { return n.hash.columns }

func (n *adaptiveJoinNode) open(x *execCtx) (rowIter, error) {
	left := n.hash.left
	in, err := left.open(x)
	if err != nil {
		return nil, err
	}
	var buf [][]types.Datum
	var held int64
	for {
		row, err := in.next()
		if err != nil {
			in.close()
			x.mem.shrink(held)
			return nil, err
		}
		if row == nil {
			in.close()
			in = nil
			break
		}
		row = append([]types.Datum(nil), row...)
		size := rowSize(row)
		if err := x.mem.grow(size); err != nil {
			in.close()
			x.mem.shrink(held)
			return nil, err
		}
		held += size
		buf = append(buf, row)
		if len(buf) > n.limit {
			break
		}
	}
	replay := &replayNode{columns: left.cols(), rows: buf, rest: in, held: held}
	if in == nil {
		lj := *n.lookup
		lj.left = replay
		return lj.open(x)
	}
	hj := *n.hash
	hj.left = replay
	it, err := hj.open(x)
	if err != nil {
		// A join that failed building its table from the right side
		// never opened the replay: the left input is still open.
		(&replayIter{n: replay, x: x}).close()
	}
	return it, err
}

// replayNode yields rows already read from an input, then the rest of
// that input. It is opened once.
type replayNode struct {
	columns []column
	rows    [][]types.Datum
	rest    rowIter // nil: the input was exhausted
	held    int64   // memory the buffered rows hold
}

func (n *replayNode) cols() []column { return n.columns }

func (n *replayNode) open(x *execCtx) (rowIter, error) {
	return &replayIter{n: n, x: x}, nil
}

type replayIter struct {
	n *replayNode
	x *execCtx
	i int
}

func (it *replayIter) next() ([]types.Datum, error) {
	if it.i < len(it.n.rows) {
		it.i++
		return it.n.rows[it.i-1], nil
	}
	if it.n.rest == nil {
		return nil, nil
	}
	return it.n.rest.next()
}

func (it *replayIter) close() {
	if it.n.rest != nil {
		it.n.rest.close()
		it.n.rest = nil
	}
	if it.n.held > 0 {
		it.x.mem.shrink(it.n.held)
		it.n.held = 0
	}
}
