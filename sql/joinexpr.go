package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// planJoinExpr plans an explicit join that is not flattened into its
// region: an outer join, or a join with USING or NATURAL. ON conjuncts
// that read only the side whose rows may be dropped (the right of a LEFT
// JOIN, either side of an inner join) are pushed into that side.
func (pl *planner) planJoinExpr(j *pg_query.JoinExpr, outer *scope, lv *level) (planNode, error) {
	var kind joinKind
	switch j.Jointype {
	case pg_query.JoinType_JOIN_INNER:
		kind = joinInner
	case pg_query.JoinType_JOIN_LEFT:
		kind = joinLeft
	case pg_query.JoinType_JOIN_RIGHT:
		kind = joinRight
	case pg_query.JoinType_JOIN_FULL:
		kind = joinFull
	default:
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "join type %s is not supported", j.Jointype)
	}
	lr, rr := &region{}, &region{}
	if err := pl.addToRegion(lr, j.Larg, outer, lv); err != nil {
		return nil, err
	}
	if isLateral(j.Rarg) && (kind == joinInner || kind == joinLeft) && len(j.UsingClause) == 0 && !j.IsNatural {
		left, err := pl.planRegion(lr, outer, lv)
		if err != nil {
			return nil, err
		}
		node, err := pl.planLateral(j.Rarg, left, kind, j.Quals, outer, lv)
		if err != nil {
			return nil, err
		}
		if j.Alias != nil {
			cols, err := joinAliasColumns(node.cols(), j.Alias)
			if err != nil {
				return nil, err
			}
			return &renameNode{input: node, columns: cols}, nil
		}
		return node, nil
	}
	if err := pl.addToRegion(rr, j.Rarg, outer, lv); err != nil {
		if pe, ok := err.(*pgerror.Error); ok && isLateral(j.Rarg) && pe.Code == pgcode.UndefinedTable && strings.HasPrefix(pe.Message, "invalid reference") {
			// A lateral item cannot read the preserved side of a RIGHT or
			// FULL join.
			return nil, pgerror.New(pgcode.InvalidColumnReference, pe.Message).
				WithHint("The combining JOIN type must be INNER or LEFT for a LATERAL reference.")
		}
		return nil, err
	}
	if err := checkAliases(append(append([]*fromItem(nil), lr.items...), rr.items...)); err != nil {
		return nil, err
	}
	if kind == joinRight || kind == joinFull {
		addWitnesses(lr.items)
	}
	if kind == joinLeft || kind == joinFull {
		addWitnesses(rr.items)
	}
	var lcols, rcols []column
	for _, it := range lr.items {
		lcols = append(lcols, it.cols...)
	}
	for _, it := range rr.items {
		rcols = append(rcols, it.cols...)
	}
	var onJoin []*pg_query.Node
	for _, c := range splitAndNodes(j.Quals, nil) {
		ls, lok := conjunctItems(c, lr.items)
		rs, rok := conjunctItems(c, rr.items)
		switch {
		case lok && rok && len(ls) > 0 && len(rs) == 0 && (kind == joinInner || kind == joinRight):
			lr.conj = append(lr.conj, c)
		case lok && rok && len(rs) > 0 && len(ls) == 0 && (kind == joinInner || kind == joinLeft):
			rr.conj = append(rr.conj, c)
		default:
			onJoin = append(onJoin, c)
		}
	}
	left, err := pl.planRegion(lr, outer, lv)
	if err != nil {
		return nil, err
	}
	// The right side, when it is one table, stays an item: a lookup
	// join may seek its index.
	var right *fromItem
	if len(rr.items) == 1 && rr.items[0].scan != nil {
		right = rr.items[0]
		if err := pl.pushConjuncts(right, rr.conj, outer, lv); err != nil {
			return nil, err
		}
		pl.finishItem(right)
	} else {
		node, err := pl.planRegion(rr, outer, lv)
		if err != nil {
			return nil, err
		}
		right = &fromItem{node: node, cols: node.cols(), est: estimateOf(node)}
	}

	const joinLoc = -1 // pg_query keeps no location for a join
	combined := append(append([]column(nil), lcols...), rcols...)
	b := pl.builder(newScope(combined, lv, outer), "JOIN conditions")
	var conds []expr.Expr
	usingNames, err := usingColumns(j, lcols, rcols)
	if err != nil {
		return nil, err
	}
	if j.IsNatural && pl.explicitStars {
		writeNaturalOut(j, usingNames)
	}
	type merged struct {
		l, r int
		args []expr.Expr // both sides as the common type
		t    *types.T
	}
	var merges []merged
	for _, name := range usingNames {
		li, err := uniqueColumn(lcols, name, "left")
		if err != nil {
			return nil, err
		}
		ri, err := uniqueColumn(rcols, name, "right")
		if err != nil {
			return nil, err
		}
		markColumn(lcols[li]) // USING reads both sides' columns
		markColumn(rcols[ri])
		lref := &expr.ColRef{Idx: li, T: lcols[li].typ, Name: name}
		rref := &expr.ColRef{Idx: len(lcols) + ri, T: rcols[ri].typ, Name: name}
		// Both sides are compared, and merged, as their common type.
		args, t, err := b.CommonType([]expr.Expr{lref, rref}, []int32{joinLoc, joinLoc}, "JOIN/USING")
		if err != nil {
			return nil, err
		}
		eq, err := b.Operator("=", args, joinLoc)
		if err != nil {
			return nil, err
		}
		conds = append(conds, eq)
		merges = append(merges, merged{li, ri, args, t})
	}
	for _, c := range onJoin {
		e, err := b.BuildAs(c, types.Bool, "JOIN/ON")
		if err != nil {
			return nil, err
		}
		conds = splitAnd(e, conds)
	}
	node := pl.newJoin(kind, left, right, conds, estimateOf(left))
	if len(merges) == 0 {
		if j.Alias != nil {
			cols, err := joinAliasColumns(node.cols(), j.Alias)
			if err != nil {
				return nil, err
			}
			return &renameNode{input: node, columns: cols}, nil
		}
		return node, nil
	}

	// USING: the merged columns first, then the others; the sides'
	// own copies stay reachable by qualified name.
	p := &projectNode{input: node}
	usedL, usedR := map[int]bool{}, map[int]bool{}
	for _, m := range merges {
		usedL[m.l], usedR[m.r] = true, true
		e := m.args[0]
		switch kind {
		case joinInner:
			// Either side will do: PostgreSQL prefers one not cast.
			if _, cast := e.(*expr.ColRef); !cast {
				e = m.args[1]
			}
		case joinRight:
			e = m.args[1]
		case joinFull:
			e = &expr.Coalesce{Args: m.args, T: m.t}
		}
		p.exprs = append(p.exprs, e)
		p.columns = append(p.columns, column{name: lcols[m.l].name, typ: e.Type()})
	}
	for i, c := range combined {
		if (i < len(lcols) && usedL[i]) || (i >= len(lcols) && usedR[i-len(lcols)]) {
			c.qualifiedOnly = true
		}
		p.exprs = append(p.exprs, &expr.ColRef{Idx: i, T: c.typ, Name: c.name})
		p.columns = append(p.columns, c)
	}
	if j.Alias != nil {
		// The alias names every column of the join (and hides the
		// tables joined); the sides' copies of the merged columns are
		// no longer reachable at all.
		var sideCopies []int
		for i := len(merges); i < len(p.columns); i++ {
			if p.columns[i].qualifiedOnly {
				sideCopies = append(sideCopies, i)
				p.columns[i].hidden = true
			}
		}
		cols, err := joinAliasColumns(p.columns, j.Alias)
		if err != nil {
			return nil, err
		}
		for _, i := range sideCopies {
			cols[i].table, cols[i].qualifiedOnly = "", true
		}
		p.columns = cols
	}
	return p, nil
}

// pushConjuncts builds conjuncts over a FROM item and adds them to it.
func (pl *planner) pushConjuncts(it *fromItem, conj []*pg_query.Node, outer *scope, lv *level) error {
	b := pl.builder(newScope(it.cols, lv, outer), "JOIN conditions")
	for _, c := range conj {
		e, err := b.BuildAs(c, types.Bool, "JOIN/ON")
		if err != nil {
			return err
		}
		it.conj = splitAnd(e, it.conj)
	}
	return nil
}

// usingColumns returns the USING list, or for NATURAL the column names
// both sides have.
func usingColumns(j *pg_query.JoinExpr, lcols, rcols []column) ([]string, error) {
	if !j.IsNatural {
		out := nodeStrings(j.UsingClause)
		seen := map[string]bool{}
		for _, n := range out {
			if seen[n] {
				return nil, pgerror.Newf(pgcode.DuplicateColumn, "column name \"%s\" appears more than once in USING clause", n)
			}
			seen[n] = true
		}
		return out, nil
	}
	var out []string
	for _, l := range lcols {
		if l.hidden || l.qualifiedOnly {
			continue
		}
		for _, r := range rcols {
			if !r.hidden && !r.qualifiedOnly && r.name == l.name {
				out = append(out, l.name)
				break
			}
		}
	}
	return out, nil
}

// uniqueColumn finds a USING column on one side.
func uniqueColumn(cols []column, name, side string) (int, error) {
	found := -1
	for i, c := range cols {
		if c.name != name || c.hidden || c.qualifiedOnly {
			continue
		}
		if found >= 0 {
			return -1, pgerror.Newf(pgcode.AmbiguousColumn, "common column name \"%s\" appears more than once in %s table", name, side)
		}
		found = i
	}
	if found < 0 {
		return -1, pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" specified in USING clause does not exist in %s table", name, side)
	}
	return found, nil
}
