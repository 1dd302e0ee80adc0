package sql

import (
	"slices"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// recursiveNode runs a recursive WITH query: the non-recursive term's
// rows, then the recursive term's over the previous iteration's rows
// until an iteration adds none. UNION (not ALL) drops rows already
// produced. Rows stream out as they are made, so that a reader that
// stops early (WITH RECURSIVE ... SELECT ... LIMIT 5) stops a recursion
// that would not end by itself, as in PostgreSQL.
type recursiveNode struct {
	base, step planNode
	work       *workTable
	all        bool
}

func (n *recursiveNode) cols() []column { return n.base.cols() }

func (n *recursiveNode) open(x *execCtx) (rowIter, error) {
	cols := n.base.cols()
	it := &recursiveIter{n: n, x: x, ts: make([]*types.T, len(cols)), idx: make([]int, len(cols))}
	for i, c := range cols {
		it.ts[i], it.idx[i] = c.typ, i
		if !n.all {
			if err := checkHashable(c.typ); err != nil {
				return nil, err
			}
		}
	}
	if !n.all {
		it.seen = map[string]struct{}{}
	}
	cur, err := n.base.open(x)
	if err != nil {
		return nil, err
	}
	it.cur = cur
	return it, nil
}

type recursiveIter struct {
	n   *recursiveNode
	x   *execCtx
	ts  []*types.T
	idx []int
	// cur is the term running: the base, then each iteration's step.
	cur rowIter
	// made are the rows the running term produced (the next working
	// table); held and workHeld their memory and the working table's.
	made     [][]types.Datum
	held     int64
	workHeld int64
	seen     map[string]struct{}
	seenHeld int64
	buf      []byte
	k        int
	done     bool
}

func (it *recursiveIter) next() ([]types.Datum, error) {
	x := it.x
	for !it.done {
		if it.cur == nil {
			if len(it.made) == 0 {
				it.done = true
				break
			}
			if err := x.checkCanceled(); err != nil {
				return nil, err
			}
			// The rows just made become the working table the step reads.
			if x.workRows == nil {
				x.workRows = map[*workTable][][]types.Datum{}
			}
			x.workRows[it.n.work] = it.made
			x.mem.shrink(it.workHeld)
			it.workHeld, it.held, it.made = it.held, 0, nil
			cur, err := it.n.step.open(x)
			if err != nil {
				return nil, err
			}
			it.cur = cur
		}
		row, err := it.cur.next()
		if err != nil {
			return nil, err
		}
		if row == nil {
			it.cur.close()
			it.cur = nil
			continue
		}
		if it.k++; it.k&1023 == 0 {
			if err := x.checkCanceled(); err != nil {
				return nil, err
			}
		}
		if it.seen != nil {
			if it.buf, err = appendGroupKey(it.buf[:0], row, it.idx, it.ts); err != nil {
				return nil, err
			}
			if _, dup := it.seen[string(it.buf)]; dup {
				continue
			}
			sz := int64(len(it.buf) + 48)
			if err := x.mem.grow(sz); err != nil {
				return nil, err
			}
			it.seenHeld += sz
			it.seen[string(it.buf)] = struct{}{}
		}
		row = slices.Clone(row)
		sz := rowSize(row)
		if err := x.mem.grow(sz); err != nil {
			return nil, err
		}
		it.held += sz
		it.made = append(it.made, row)
		return row, nil
	}
	return nil, nil
}

func (it *recursiveIter) close() {
	if it.cur != nil {
		it.cur.close()
		it.cur = nil
	}
	delete(it.x.workRows, it.n.work)
	it.x.mem.shrink(it.held + it.workHeld + it.seenHeld)
	it.held, it.workHeld, it.seenHeld = 0, 0, 0
	it.made, it.seen = nil, nil
	it.done = true
}

// checkRecursion enforces PostgreSQL's rules on the shape of a recursive
// query (42P19): the name is read once, by the recursive term, not from
// a subquery nor the nullable side of an outer join; the recursive term
// aggregates nothing and has no ORDER BY, LIMIT or OFFSET.
func checkRecursion(name string, sel *pg_query.SelectStmt) error {
	errf := func(format string) error {
		return pgerror.Newf(pgcode.InvalidRecursion, format, name)
	}
	if sel.Op != pg_query.SetOperation_SETOP_UNION {
		switch sel.Op {
		case pg_query.SetOperation_SETOP_INTERSECT:
			return errf("recursive reference to query \"%s\" must not appear within INTERSECT")
		case pg_query.SetOperation_SETOP_EXCEPT:
			return errf("recursive reference to query \"%s\" must not appear within EXCEPT")
		}
		return errf("recursive query \"%s\" does not have the form non-recursive-term UNION [ALL] recursive-term")
	}
	if referencesName(selectNode(sel.Larg), name) {
		return errf("recursive reference to query \"%s\" must not appear within its non-recursive term")
	}
	if len(sel.SortClause) > 0 {
		return pgerror.New(pgcode.FeatureNotSupported, "ORDER BY in a recursive query is not implemented")
	}
	if sel.LimitOffset != nil {
		return pgerror.New(pgcode.FeatureNotSupported, "OFFSET in a recursive query is not implemented")
	}
	if sel.LimitCount != nil {
		return pgerror.New(pgcode.FeatureNotSupported, "LIMIT in a recursive query is not implemented")
	}
	step := sel.Rarg
	if len(step.SortClause) > 0 {
		return pgerror.New(pgcode.FeatureNotSupported, "ORDER BY in a recursive query is not implemented")
	}
	if step.LimitOffset != nil {
		return pgerror.New(pgcode.FeatureNotSupported, "OFFSET in a recursive query is not implemented")
	}
	if step.LimitCount != nil {
		return pgerror.New(pgcode.FeatureNotSupported, "LIMIT in a recursive query is not implemented")
	}
	if step.Op != pg_query.SetOperation_SETOP_NONE {
		return nil // nested set operations: left to planning
	}
	var exprs []*pg_query.Node
	exprs = append(exprs, step.TargetList...)
	exprs = append(exprs, step.HavingClause)
	if hasAggregate(exprs...) {
		return pgerror.New(pgcode.InvalidRecursion, "aggregate functions are not allowed in a recursive query's recursive term")
	}
	count := 0
	var err error
	var fromItem func(n *pg_query.Node, nullable bool)
	fromItem = func(n *pg_query.Node, nullable bool) {
		switch v := n.Node.(type) {
		case *pg_query.Node_RangeVar:
			if v.RangeVar.Schemaname == "" && v.RangeVar.Relname == name {
				count++
				if nullable && err == nil {
					err = errf("recursive reference to query \"%s\" must not appear within an outer join")
				}
			}
		case *pg_query.Node_JoinExpr:
			j := v.JoinExpr
			fromItem(j.Larg, nullable || j.Jointype == pg_query.JoinType_JOIN_RIGHT || j.Jointype == pg_query.JoinType_JOIN_FULL)
			fromItem(j.Rarg, nullable || j.Jointype == pg_query.JoinType_JOIN_LEFT || j.Jointype == pg_query.JoinType_JOIN_FULL)
			if j.Quals != nil && referencesName(j.Quals, name) && err == nil {
				err = errf("recursive reference to query \"%s\" must not appear within a subquery")
			}
		case *pg_query.Node_RangeSubselect:
			if referencesName(v.RangeSubselect.Subquery, name) {
				count++
			}
		}
	}
	for _, f := range step.FromClause {
		fromItem(f, false)
	}
	if err != nil {
		return err
	}
	if count > 1 {
		return errf("recursive reference to query \"%s\" must not appear more than once")
	}
	for _, n := range append(append(exprs, step.WhereClause), step.GroupClause...) {
		if referencesName(n, name) {
			return errf("recursive reference to query \"%s\" must not appear within a subquery")
		}
	}
	return nil
}

func selectNode(s *pg_query.SelectStmt) *pg_query.Node {
	return &pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: s}}
}
