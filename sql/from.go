package sql

import (
	"slices"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// FROM and WHERE are planned together. The FROM items joined by commas
// and inner joins form a region: WHERE and ON conditions are split into
// conjuncts; a conjunct that reads one item is pushed down to it (into a
// table scan, where it may become an index range), one that reads
// several becomes a join condition (a hash join when it is an equality),
// the rest is a filter on the joined rows. Items are joined greedily,
// smallest estimate first, preferring items connected by a condition;
// a final projection restores the FROM order of the columns.

// fromItem is a FROM item being planned.
type fromItem struct {
	cols []column
	// node is the item's plan; for a table, scan is set instead until the
	// pushed-down conjuncts are known.
	node planNode
	scan *scanNode
	conj []expr.Expr
	est  float64
	// tableRows estimates a table's size (computed when joins need it).
	tableRows float64
}

// region is a set of FROM items joined by inner joins, and the
// conjuncts that apply to it.
type region struct {
	items []*fromItem
	conj  []*pg_query.Node
}

// planFromWhere plans a query's FROM list and WHERE clause.
func (pl *planner) planFromWhere(from []*pg_query.Node, where *pg_query.Node, outer *scope, lv *level) (planNode, error) {
	if len(from) == 0 {
		node := planNode(oneRow())
		if where != nil {
			b := pl.builder(newScope(nil, lv, outer), "WHERE")
			pred, err := b.BuildAs(where, types.Bool, "WHERE")
			if err != nil {
				return nil, err
			}
			node = newFilter(node, pred)
		}
		return node, nil
	}
	r := &region{}
	for _, f := range from {
		if err := pl.addToRegion(r, f, outer, lv); err != nil {
			return nil, err
		}
	}
	if err := checkAliases(r.items); err != nil {
		return nil, err
	}
	r.conj = splitAndNodes(where, r.conj)
	return pl.planRegion(r, outer, lv)
}

// addToRegion adds a FROM item to a region, flattening inner joins
// without USING (their ON conditions join the region's conjuncts).
func (pl *planner) addToRegion(r *region, n *pg_query.Node, outer *scope, lv *level) error {
	if j := n.GetJoinExpr(); j != nil && j.Jointype == pg_query.JoinType_JOIN_INNER && len(j.UsingClause) == 0 && !j.IsNatural && j.Alias == nil {
		start := len(r.items)
		if err := pl.addToRegion(r, j.Larg, outer, lv); err != nil {
			return err
		}
		if err := pl.addToRegion(r, j.Rarg, outer, lv); err != nil {
			return err
		}
		if start >= len(r.items) {
			start = 0 // a lateral item joined the items before it into one
		}
		if err := pl.checkJoinOn(j.Quals, r.items[start:], outer, lv); err != nil {
			return err
		}
		r.conj = splitAndNodes(j.Quals, r.conj)
		return nil
	}
	if isLateral(n) && len(r.items) > 0 {
		// The items so far become one, the lateral item's left side.
		left, err := pl.planRegion(&region{items: r.items}, outer, lv)
		if err != nil {
			return err
		}
		node, err := pl.planLateral(n, left, joinInner, nil, outer, lv)
		if err != nil {
			return err
		}
		r.items = []*fromItem{{node: node, cols: node.cols(), est: estimateOf(left) * 10}}
		return nil
	}
	it, err := pl.planFromItem(n, outer, lv)
	if err != nil {
		return err
	}
	r.items = append(r.items, it)
	return nil
}

// checkJoinOn builds an inner join's ON condition over the join's own
// items, for its errors: the condition joins the region's conjuncts,
// where it would otherwise see items it must not (a table joined later)
// and report its errors as WHERE's.
func (pl *planner) checkJoinOn(on *pg_query.Node, items []*fromItem, outer *scope, lv *level) error {
	if on == nil {
		return nil
	}
	var cols []column
	for _, it := range items {
		cols = append(cols, it.cols...)
	}
	b := pl.builder(newScope(cols, &level{parent: lv.parent, rels: lv.rels}, outer), "JOIN conditions")
	_, err := b.BuildAs(on, types.Bool, "JOIN/ON")
	return err
}

// splitAndNodes appends the conjuncts of a condition.
func splitAndNodes(n *pg_query.Node, out []*pg_query.Node) []*pg_query.Node {
	if n == nil {
		return out
	}
	if b := n.GetBoolExpr(); b != nil && b.Boolop == pg_query.BoolExprType_AND_EXPR {
		for _, a := range b.Args {
			out = splitAndNodes(a, out)
		}
		return out
	}
	return append(out, n)
}

// checkAliases refuses two FROM items with one name (42712).
func checkAliases(items []*fromItem) error {
	seen := map[string]bool{}
	for _, it := range items {
		names := map[string]bool{}
		for _, c := range it.cols {
			if c.table != "" {
				names[c.table] = true
			}
		}
		for n := range names {
			if seen[n] {
				return pgerror.Newf(pgcode.DuplicateAlias, "table name \"%s\" specified more than once", n)
			}
			seen[n] = true
		}
	}
	return nil
}

// conjunctItems returns the items a conjunct reads, or ok=false when it
// must wait for the joined row (it holds a subquery, or a reference that
// is ambiguous between items).
func conjunctItems(n *pg_query.Node, items []*fromItem) (set []int, ok bool) {
	ok = true
	inspect(n, func(m *pg_query.Node) bool {
		if !ok {
			return false
		}
		switch v := m.Node.(type) {
		case *pg_query.Node_SubLink:
			ok = false
			return false
		case *pg_query.Node_FuncCall:
			if v.FuncCall.Over != nil || isAggregateName(v.FuncCall) {
				ok = false
				return false
			}
		case *pg_query.Node_ColumnRef:
			var names []string
			for _, f := range v.ColumnRef.Fields {
				if f.GetString_() == nil {
					ok = false
					return false
				}
				names = append(names, f.GetString_().GetSval())
			}
			match := -1
			for i, it := range items {
				sc := &scope{cols: it.cols}
				if idx, err := sc.find(names, 0); err != nil {
					ok = false
					return false
				} else if idx >= 0 {
					if match >= 0 {
						ok = false
						return false
					}
					match = i
				}
			}
			if match >= 0 && !containsInt(set, match) {
				set = append(set, match)
			}
		}
		return true
	})
	return set, ok
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// addConj builds a WHERE conjunct over one FROM item's columns and
// adds it to the item's conditions.
func (pl *planner) addConj(it *fromItem, c *pg_query.Node, lv *level, outer *scope) error {
	e, err := pl.builder(newScope(it.cols, lv, outer), "WHERE").BuildAs(c, types.Bool, "WHERE")
	if err != nil {
		return err
	}
	it.conj = splitAnd(e, it.conj)
	return nil
}

// planRegion pushes conjuncts down and joins a region's items.
func (pl *planner) planRegion(r *region, outer *scope, lv *level) (planNode, error) {
	type pending struct {
		n     *pg_query.Node
		items []int
	}
	var multi, top, late []pending
	for _, c := range r.conj {
		set, ok := conjunctItems(c, r.items)
		switch {
		case (!ok || len(set) == 0) && len(r.items) == 1:
			// One item: a conjunct with a subquery (or without a
			// column) filters that item's rows where they are read, so
			// that an uncorrelated subquery's value can bound an index.
			// It is tested after the item's other conjuncts, as
			// PostgreSQL tests its costlier quals last.
			late = append(late, pending{n: c})
		case !ok || len(set) == 0:
			top = append(top, pending{n: c})
		case len(set) == 1:
			if err := pl.addConj(r.items[set[0]], c, lv, outer); err != nil {
				return nil, err
			}
		default:
			multi = append(multi, pending{n: c, items: set})
		}
	}
	for _, c := range late {
		if err := pl.addConj(r.items[0], c.n, lv, outer); err != nil {
			return nil, err
		}
	}
	for _, it := range r.items {
		pl.finishItem(it)
	}

	// Join greedily: start from the smallest item; then take the
	// smallest item connected to the joined ones by a condition (any
	// item if none is).
	joined := []int{}
	in := make([]bool, len(r.items))
	var node planNode
	var cols []column
	used := make([]bool, len(multi))
	for len(joined) < len(r.items) {
		best, bestConnected := -1, false
		for i, it := range r.items {
			if in[i] {
				continue
			}
			connected := false
			if len(joined) > 0 {
				for k, m := range multi {
					if used[k] || !containsInt(m.items, i) {
						continue
					}
					for _, j := range m.items {
						if in[j] {
							connected = true
						}
					}
				}
			}
			if best < 0 || (connected && !bestConnected) || (connected == bestConnected && it.est < r.items[best].est) {
				best, bestConnected = i, connected
			}
		}
		it := r.items[best]
		in[best] = true
		joined = append(joined, best)
		if node == nil {
			node, cols = it.node, it.cols
			continue
		}
		// The conditions now fully joined.
		combined := append(append([]column(nil), cols...), it.cols...)
		var conds []expr.Expr
		b := pl.builder(newScope(combined, lv, outer), "WHERE")
		for k, m := range multi {
			if used[k] {
				continue
			}
			all := true
			for _, j := range m.items {
				if !in[j] {
					all = false
				}
			}
			if !all {
				continue
			}
			used[k] = true
			e, err := b.BuildAs(m.n, types.Bool, "WHERE")
			if err != nil {
				return nil, err
			}
			conds = splitAnd(e, conds)
		}
		leftEst := estimateOf(node)
		node = pl.newJoin(joinInner, node, it, conds, leftEst)
		cols = combined
	}

	// Restore the FROM order of the columns.
	if len(r.items) > 1 {
		offsets := make([]int, len(r.items))
		pos := 0
		for _, i := range joined {
			offsets[i] = pos
			pos += len(r.items[i].cols)
		}
		var idx []int
		for i, it := range r.items {
			for c := range it.cols {
				idx = append(idx, offsets[i]+c)
			}
		}
		node = pickColumns(node, idx)
	}
	if len(top) > 0 {
		b := pl.builder(newScope(node.cols(), lv, outer), "WHERE")
		var conds []expr.Expr
		for _, t := range top {
			e, err := b.BuildAs(t.n, types.Bool, "WHERE")
			if err != nil {
				return nil, err
			}
			conds = splitAnd(e, conds)
		}
		node = newFilter(node, andOf(conds))
	}
	return node, nil
}

// finishItem builds an item's plan with its pushed-down conjuncts: a
// table scan picks its access path; other items get a filter.
func (pl *planner) finishItem(it *fromItem) {
	if it.scan != nil {
		// Every table's count, also when nothing but EXPLAIN reads it:
		// the plan EXPLAIN shows is the plan that runs.
		rows, cols := pl.txn.Estimate(it.scan.layout)
		it.tableRows, it.scan.tableRows = rows, rows
		if it.scan.history != nil {
			// Every version of every row: no index narrows it.
			it.scan.filter = andOf(it.conj)
			it.scan.fullFilter = it.scan.filter
			it.scan.est = max(rows*selectivity(it.scan.filter), 1)
			it.node, it.est = it.scan, it.scan.est
			return
		}
		if cols != nil {
			it.scan.stats = &colStats{cols: cols, rows: rows}
		}
		it.conj = pl.useIndexKeys(it.scan, it.conj)
		it.scan.fullFilter = andOf(it.conj)
		pl.notePartialIndexes(it.scan, it.conj)
		it.scan.chooseAccess(it.conj, rows)
		it.node, it.est = it.scan, it.scan.est
		return
	}
	if len(it.conj) > 0 {
		pred := andOf(it.conj)
		it.node = newFilter(it.node, pred)
		it.est *= selectivity(pred)
	}
}

// without returns the conjuncts but those at the positions in drop.
func without(conj []expr.Expr, drop []int) []expr.Expr {
	if len(drop) == 0 {
		return conj
	}
	out := make([]expr.Expr, 0, len(conj))
	for i, c := range conj {
		if !slices.Contains(drop, i) {
			out = append(out, c)
		}
	}
	return out
}

// estimateOf returns a plan's estimated row count.
func estimateOf(n planNode) float64 {
	switch v := n.(type) {
	case *scanNode:
		return v.est
	case *joinNode:
		return v.est
	case *lookupJoinNode:
		return v.est
	case *adaptiveJoinNode:
		return v.hash.est
	case *valuesNode:
		return float64(len(v.rows))
	case *seqRelNode:
		return 1
	case *filterNode:
		return max(estimateOf(v.input)*selectivity(v.pred), 1)
	case *projectNode:
		return estimateOf(v.input)
	case *analyzeNode:
		return estimateOf(v.inner) // EXPLAIN ANALYZE's count of a node's rows
	case *renameNode:
		return estimateOf(v.input)
	case *sortNode:
		return estimateOf(v.input)
	case *lockRowsNode:
		return estimateOf(v.input)
	case *windowNode:
		return estimateOf(v.input)
	case *ordinalityNode:
		return estimateOf(v.input)
	case *distinctNode:
		cols := v.input.cols()
		on := make([]expr.Expr, len(v.on))
		for i, c := range v.on {
			on[i] = &expr.ColRef{Idx: c, T: cols[c].typ}
		}
		return estimateGroups(v.input, on)
	case *setOpNode:
		l, r := estimateOf(v.left), estimateOf(v.right)
		switch v.op {
		case setIntersect:
			return min(l, r)
		case setExcept:
			return l
		}
		return l + r
	case *aggNode:
		if len(v.groups) == 0 {
			return 1 // one row, whatever the input
		}
		return estimateGroups(v.input, v.groups)
	case *limitNode:
		in := estimateOf(v.input)
		e := v.limit
		for {
			c, ok := e.(*expr.Cast)
			if !ok {
				break
			}
			e = c.Arg
		}
		if c, ok := e.(*expr.Const); ok {
			if n, ok := c.V.(int64); ok && float64(n) < in {
				return max(float64(n), 1)
			}
		}
		return in
	}
	return 1000
}

// planFromItem plans one FROM item.
func (pl *planner) planFromItem(n *pg_query.Node, outer *scope, lv *level) (*fromItem, error) {
	switch v := n.Node.(type) {
	case *pg_query.Node_RangeVar:
		return pl.planRangeVar(v.RangeVar, outer, lv)
	case *pg_query.Node_RangeSubselect:
		rs := v.RangeSubselect
		if rs.Alias == nil {
			// PostgreSQL 15 requires the alias (16 does not).
			return nil, pgerror.New(pgcode.Syntax, "subquery in FROM must have an alias").
				WithHint("For example, FROM (SELECT ...) [AS] foo.").WithPosition(int(expr.Location(rs.Subquery)) + 1)
		}
		sub := pl.lockedSubquery(rs)
		node, err := pl.planQuery(sub, outer, &level{parent: lv})
		if err != nil {
			return nil, err
		}
		alias := rs.Alias.Aliasname
		lv.addRel(alias)
		cols, err := aliasColumns(node.cols(), alias, rs.Alias)
		if err != nil {
			return nil, err
		}
		return &fromItem{node: &renameNode{input: node, columns: cols}, cols: cols, est: estimateOf(node)}, nil
	case *pg_query.Node_JoinExpr:
		node, err := pl.planJoinExpr(v.JoinExpr, outer, lv)
		if err != nil {
			return nil, err
		}
		if v.JoinExpr.Alias != nil {
			lv.addRel(v.JoinExpr.Alias.Aliasname)
		}
		return &fromItem{node: node, cols: node.cols(), est: estimateOf(node)}, nil
	case *pg_query.Node_RangeFunction:
		return pl.planRangeFunction(v.RangeFunction, outer, lv)
	}
	return nil, pgerror.Newf(pgcode.FeatureNotSupported, "this FROM item is not supported yet")
}

// aliasColumns renames a FROM item's columns by its alias: the table
// name qualifies them, column aliases rename the first ones. The item's
// whole row is a record (column.rel is cleared) unless its caller, for
// a table or a view, says whose row type it has.
func aliasColumns(in []column, table string, alias *pg_query.Alias) ([]column, error) {
	out := make([]column, len(in))
	for i, c := range in {
		c.table = table
		c.qualifiedOnly, c.joinAlias, c.sequence = false, false, false
		c.rel = nil
		out[i] = c
	}
	if alias != nil && len(alias.Colnames) > 0 {
		visible := 0
		for _, c := range out {
			if !c.hidden {
				visible++
			}
		}
		if len(alias.Colnames) > visible {
			return nil, pgerror.Newf(pgcode.InvalidColumnReference, "table \"%s\" has %d columns available but %d columns specified", table, visible, len(alias.Colnames))
		}
		k := 0
		for i := range out {
			if out[i].hidden {
				continue
			}
			if k < len(alias.Colnames) {
				out[i].name = alias.Colnames[k].GetString_().GetSval()
				k++
			}
		}
	}
	return out, nil
}

// planRangeVar plans a named FROM item: a WITH query, a table or a view.
func (pl *planner) planRangeVar(rv *pg_query.RangeVar, outer *scope, lv *level) (*fromItem, error) {
	alias := rv.Relname
	if rv.Alias != nil {
		alias = rv.Alias.Aliasname
	}
	lv.addRel(rv.Relname, alias)
	if rv.Schemaname == "" {
		if c := pl.ctes.find(rv.Relname); c != nil {
			node, err := c.reference(rv.Location)
			if err != nil {
				return nil, err
			}
			cols, err := aliasColumns(node.cols(), alias, rv.Alias)
			if err != nil {
				return nil, err
			}
			return &fromItem{node: &renameNode{input: node, columns: cols}, cols: cols, est: 100}, nil
		}
	}
	if vt, err := lookupVtable(rv, pl.txn, pl.s.searchPath()); err != nil || vt != nil {
		if err != nil {
			return nil, err
		}
		pl.noteRange(rv, nil, false)
		return pl.planVirtual(vt, rv, alias)
	}
	tt := pl.asOfFor(rv)
	catTxn := pl.txn
	var asOf *scanAsOf
	var hist *historyRange
	var histPos int
	if tt != nil && tt.History != nil {
		histPos = tt.Pos
		r, err := resolveHistory(pl, tt.History, tt.Pos)
		if err != nil {
			return nil, err
		}
		hist, tt = &r, nil
	}
	if tt != nil {
		var err error
		if catTxn, asOf, err = pl.planAsOf(tt); err != nil {
			return nil, err
		}
	} else if p := pl.viewPoint; p != nil && hist == nil {
		catTxn, asOf = p.catTxn, p.scanAsOf() // a view's relation (view_asof.go)
	}
	var d *catalog.Descriptor
	var err error
	if catTxn == pl.txn {
		d, err = pl.relation(rv.Schemaname, rv.Relname)
	} else {
		d, err = catalog.Relation(catTxn, rv.Schemaname, rv.Relname, pl.s.searchPath())
	}
	if err != nil {
		if pe, ok := err.(*pgerror.Error); ok && pe.Position == 0 {
			if pe.Code == pgcode.UndefinedTable && rv.Schemaname == "" && unservedCatalogs[rv.Relname] {
				return nil, errUnservedCatalog(rv.Relname, rv.Location)
			}
			if n := catTxn.AsOf(); n > 0 && pe.Code == pgcode.UndefinedTable {
				pe = pgerror.Newf(pgcode.UndefinedTable, "%s as of tx %d", pe.Message, n)
			}
			return nil, pe.WithPosition(int(rv.Location) + 1)
		}
		return nil, err
	}
	if d.Kind != catalog.KindTable && d.Kind != catalog.KindView {
		pl.needTable("r", d)
	}
	pl.noteRange(rv, d, asOf != nil || hist != nil)
	switch d.Kind {
	case catalog.KindTable:
		// SELECT on the columns read is as good as on the table; an
		// UPDATE's or DELETE's own target needs it only for the
		// columns it reads.
		use := pl.needColumns("r", d, rv == pl.changeTarget)
		if d.IsMatView() && !d.MatView.Populated && hist == nil && !pl.describeOnly {
			return nil, errNotPopulated(d)
		}
		l := pl.layout(d)
		cols, err := aliasColumns(tableColumns(d, alias), alias, rv.Alias)
		if err != nil {
			return nil, err
		}
		for i := range cols {
			cols[i].ref, cols[i].rel, cols[i].use, cols[i].useAt = rv, d, use, cols[i].attNum
		}
		scan := &scanNode{desc: d, layout: l, columns: cols, asOf: asOf}
		pl.scansTables = true
		if hist != nil {
			scan.history = hist
			cols = withUse(addHistoryColumns(scan, cols, alias, pl.sysCols), use)
			scan.columns = cols
			return &fromItem{scan: scan, cols: cols}, nil
		}
		if pl.sysCols {
			cols = withUse(addSystemColumns(scan, cols, alias), use)
			scan.columns = cols
		}
		return &fromItem{scan: scan, cols: cols}, nil
	case catalog.KindView:
		if hist != nil {
			return nil, pgerror.New(pgcode.FeatureNotSupported, "FOR SYSTEM_TIME history of a view is not supported").
				WithHint("Read the history of the view's tables, or the view AS OF a transaction.").WithPosition(histPos + 1)
		}
		// The view's query reads its relations as of the view's point
		// (view_asof.go); d is already the view's definition of then.
		saved := pl.viewPoint
		if asOf != nil {
			pl.viewPoint = &travelPoint{catTxn: catTxn, asOf: asOf}
		}
		node, err := pl.planView(d, lv)
		pl.viewPoint = saved
		if err != nil {
			return nil, err
		}
		cols, err := aliasColumns(node.cols(), alias, rv.Alias)
		if err != nil {
			return nil, err
		}
		cols = withViewUse(cols, d, pl.needColumns("r", d, false))
		for i := range cols {
			cols[i].rel = d // the view's row type
		}
		return &fromItem{node: &renameNode{input: node, columns: cols}, cols: cols, est: estimateOf(node)}, nil
	case catalog.KindSequence:
		pos := int(rv.Location)
		if hist != nil {
			pos = histPos
		} else if t := pl.asOfFor(rv); t != nil {
			pos = t.Pos
		}
		return pl.planSequence(d, rv, alias, asOf != nil || hist != nil || catTxn.AsOf() > 0, pos)
	}
	return nil, pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a table", d.Name)
}
