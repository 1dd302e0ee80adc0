package sql

import (
	"reflect"

	"github.com/stela-db/stela/sql/expr"
)

// Narrowing: every scan learns which of its columns the plan above it
// reads, so that it decodes only those (scanNode.need) and, where an
// index's entries hold them all, reads the index alone (indexonly.go).
//
// narrowScans walks a query's plan from its root, carrying the columns
// of each node's output that its parent reads. A node passes on what it
// reads itself plus, for the columns it passes through, what its parent
// reads of them. A projection does not compute the outputs nobody reads
// (as PostgreSQL drops a subquery's unused outputs), unless they are
// volatile. A node the walk does not know (a lateral join, a set-returning
// function, grouping sets, a CTE's reader) ends the walk: the scans under it decode every column.
// So does an expression that hides what it reads (a correlated subquery,
// which reads the row as an outer reference from inside its own plan):
// what its node passes on is every column. An uncorrelated subquery
// reads the row only in its left operand.
//
// planQuery narrows every query level it plans, a FROM subquery's too;
// the walk of the enclosing query then narrows the subquery again, by
// what the enclosing query reads of it.
//
// A node reached twice (one node under two parents) is walked again as
// if every column of it were read: a second parent's needs are not
// merged, and every column is always enough. Nor is its output marked
// for reuse (consumed): one parent may keep rows the other is done with.

// colSet is a set of a row's columns by position; nil is every column.
type colSet []bool

// allCols is the set of every column.
var allCols colSet

// narrowScans marks, under root, what each scan's consumers read, root's
// own output being read in full.
func narrowScans(root planNode) {
	w := &narrower{seen: map[planNode]int{}}
	w.narrow(root, allCols)
}

type narrower struct {
	seen map[planNode]int // times reached
}

// narrow passes on to n's inputs what they must produce for n to
// produce need of its own columns.
func (w *narrower) narrow(n planNode, need colSet) {
	if w.seen[n] > 0 {
		need = allCols
	}
	w.seen[n]++
	width := len(n.cols())
	switch v := n.(type) {
	case *scanNode:
		v.narrow(need)
		v.reuse = false // narrowConsumed may say otherwise
	case *limitNode:
		if need != nil && v.ties != nil {
			need = need.clone(width)
			for _, k := range v.ties {
				need.add(k.col)
			}
		}
		w.narrow(v.input, need)
	case *withDMLNode:
		w.narrow(v.input, need) // it copies the rows it keeps
	case *lockRowsNode:
		if need != nil {
			need = need.clone(width)
			for _, t := range v.targets {
				for _, kc := range t.keyCols {
					need.add(kc.in)
				}
			}
		}
		w.narrow(v.input, need)
	case *renameNode:
		w.narrow(v.input, need)
	case *sortNode:
		if need != nil {
			need = need.clone(width)
			for _, k := range v.keys {
				need.add(k.col)
			}
		}
		w.narrow(v.input, need)
	case *distinctNode:
		if need != nil {
			need = need.clone(width)
			for _, c := range v.on {
				need.add(c)
			}
		}
		w.narrow(v.input, need)
	case *filterNode:
		w.narrow(v.input, need.with(width, v.pred))
	case *projectNode:
		v.reuseOut = false // consumed may say otherwise
		w.narrowConsumed(v.input, colSet{}.with(len(v.input.cols()), v.read(need)...))
	case *aggNode:
		exprs := append([]expr.Expr(nil), v.groups...)
		for _, a := range v.aggs {
			exprs = append(exprs, a.args...)
			exprs = append(exprs, a.filter)
			exprs = append(exprs, a.order...)
		}
		w.narrowConsumed(v.input, colSet{}.with(len(v.input.cols()), exprs...))
	case *joinNode:
		v.reuseOut = false // consumed may say otherwise
		// The keys of both sides and the condition read the joined row
		// (the left keys its left part, which comes first).
		joined := need.with(width, v.leftKeys...).with(width, v.rightKeys...).with(width, v.cond)
		w.narrowSides(v.left, v.right, joined)
		// A hash join copies each build row into its table and each
		// probe row into the rows it joins, before it reads the next.
		w.consumed(v.left)
		w.consumed(v.right)
	case *lookupJoinNode:
		joined := need.with(width, v.leftKeys...).with(width, v.cond)
		w.narrowSides(v.left, v.right, joined)
		// perRowJoin clones each left row and copies each right row.
		w.consumed(v.left)
		w.consumed(v.right)
	case *adaptiveJoinNode:
		// One left input for both plans; each plan's right side gets
		// what either plan reads.
		h, l := v.hash, v.lookup
		h.reuseOut = false
		joined := need.with(width, h.leftKeys...).with(width, h.rightKeys...).with(width, h.cond).
			with(width, l.leftKeys...).with(width, l.cond)
		w.narrowSides(h.left, h.right, joined)
		w.narrow(l.right, joined.from(len(l.left.cols())))
		// The rows held to decide are copies; the rest go to either
		// join, which copies them too.
		w.consumed(h.left)
		w.consumed(h.right)
		w.consumed(l.right)
	case *windowNode:
		// The input's columns come first, then one per call.
		var exprs []expr.Expr
		for _, f := range v.funcs {
			exprs = append(exprs, f.args...)
			exprs = append(exprs, f.filter)
			exprs = append(exprs, f.partition...)
			exprs = append(exprs, f.order...)
			fr := &f.frame
			exprs = append(exprs, fr.startOff, fr.endOffset, fr.startMinus, fr.startPlus, fr.endMinus, fr.endPlus)
		}
		w.narrow(v.input, need.upTo(v.width).with(v.width, exprs...))
	case *setOpNode:
		// UNION, INTERSECT and EXCEPT compare whole rows.
		w.narrow(v.left, allCols)
		w.narrow(v.right, allCols)
	}
}

// read marks the outputs outside need unread and returns the
// expressions still computed: those read, and those that must run
// anyway (volatile ones, as PostgreSQL keeps them in a subquery's
// output, and any that hides what it calls).
func (n *projectNode) read(need colSet) []expr.Expr {
	n.unread = nil
	if need == nil {
		return n.exprs
	}
	var out []expr.Expr
	for i, e := range n.exprs {
		if need.has(i) || expr.Volatile(e) || hidesReads(e) {
			out = append(out, e)
			continue
		}
		if n.unread == nil {
			n.unread = make([]bool, len(n.exprs))
		}
		n.unread[i] = true
	}
	return out
}

// hidesReads reports whether e holds a node that does not say what it
// reads: a correlated subquery or another planner-level node.
func hidesReads(e expr.Expr) bool { return !expr.Walk(e, showsReads) }

// showsReads reports whether node x says what it reads (its ColRefs,
// its children's), not whether its children do: an expression node
// does; a planner-level one does when it says it does not read the row
// itself (expr.UsesRow's interface: an uncorrelated subquery reads the
// row only in its left operand, a child), and any other does not.
func showsReads(x expr.Expr) bool {
	if r, ok := x.(interface{ UsesRow() bool }); ok {
		return !r.UsesRow()
	}
	return reflect.TypeOf(x).Elem().PkgPath() == exprPkg
}

// exprPkg is the expression package: its nodes say what they read
// (ColRef), unlike the planner's own.
var exprPkg = reflect.TypeOf(expr.ColRef{}).PkgPath()

// narrowConsumed narrows the input of a node done with each input row
// before it asks for the next (a projection makes a row of its own, an
// aggregation keeps values, not rows): a scan under it, through
// filters, which pass rows on, decodes every row into the same slice.
func (w *narrower) narrowConsumed(in planNode, need colSet) {
	w.narrow(in, need)
	w.consumed(in)
}

// consumed marks, once in has been narrowed, that its consumer is done
// with each row before it asks for the next: a scan (through filters,
// which pass rows on) then decodes every row into the same slice, a
// hash join lays every joined row into the same slice, and a
// projection makes every row in the same slice. A node reached
// more than once (a CTE's) has more than one consumer and is left as
// it is.
func (w *narrower) consumed(in planNode) {
	for {
		switch v := in.(type) {
		case *filterNode:
			in = v.input
			continue
		case *scanNode:
			v.reuse = w.seen[v] == 1
		case *joinNode:
			v.reuseOut = w.seen[v] == 1
		case *projectNode:
			v.reuseOut = w.seen[v] == 1
		case *adaptiveJoinNode:
			v.hash.reuseOut = w.seen[v] == 1
		}
		return
	}
}

// narrowSides narrows a join's inputs by what is read of the joined row.
func (w *narrower) narrowSides(left, right planNode, joined colSet) {
	nl := len(left.cols())
	w.narrow(left, joined.upTo(nl))
	w.narrow(right, joined.from(nl))
}

// with returns s plus the columns exprs read, of a row width wide;
// every column if one of them hides what it reads. s is not changed.
func (s colSet) with(width int, exprs ...expr.Expr) colSet {
	if s == nil {
		return allCols
	}
	out := s.clone(width)
	for _, e := range exprs {
		shown := expr.Walk(e, func(x expr.Expr) bool {
			if ref, ok := x.(*expr.ColRef); ok {
				out.add(ref.Idx)
			}
			return showsReads(x)
		})
		if !shown {
			return allCols
		}
	}
	return out
}

// clone returns a copy of s sized for a row width wide (nil stays nil).
func (s colSet) clone(width int) colSet {
	if s == nil {
		return nil
	}
	out := make(colSet, max(width, len(s)))
	copy(out, s)
	return out
}

// add puts column c in s, which clone sized.
func (s colSet) add(c int) {
	if c >= 0 && c < len(s) {
		s[c] = true
	}
}

// has reports whether column c is in s.
func (s colSet) has(c int) bool { return s == nil || (c < len(s) && s[c]) }

// upTo is the set's first n columns; from, the columns from n on,
// renumbered from 0.
func (s colSet) upTo(n int) colSet {
	if s == nil {
		return nil
	}
	return s.clone(n)[:n]
}

func (s colSet) from(n int) colSet {
	if s == nil {
		return nil
	}
	if n >= len(s) {
		return colSet{}
	}
	return append(colSet{}, s[n:]...)
}
