package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// grouping is the GROUP BY of a query and the aggregate calls found in
// its select list, HAVING and ORDER BY. The grouped row is the group's
// key values followed by the aggregates' results; expressions over it
// match GROUP BY expressions by their parse trees (PostgreSQL's rule:
// SELECT a + 1 ... GROUP BY a + 1 is valid, SELECT a ... GROUP BY a + 1
// is not).
type grouping struct {
	sb    *selectBuild
	exprs []expr.Expr // over the input row
	keys  map[string]int
	// inputCol is, per group expression, the input column it is (-1
	// for other expressions).
	inputCol []int
	aggs     []*aggCall
	aggKeys  map[string]int
	having   expr.Expr
	// sets are the grouping sets (GROUPING SETS, ROLLUP, CUBE), as
	// indexes of exprs; nil for a plain GROUP BY.
	sets [][]int
	// keyed are the FROM items whose primary key is grouped: their
	// other columns, and the item as a whole, depend on it.
	keyed map[string]bool
}

// aggCall is one aggregate call of a grouped query, over the input row.
type aggCall struct {
	agg      *expr.Aggregate
	args     []expr.Expr
	distinct bool
	filter   expr.Expr
	// order is the call's ORDER BY: expressions and their keys (whose
	// columns index the buffered values after the arguments).
	order     []expr.Expr
	orderKeys []sortKey
	// osa, for an ordered-set or hypothetical-set aggregate, computes
	// the result from the group's rows sorted by orderKeys (which index
	// args: the WITHIN GROUP expressions) and from direct, its direct
	// arguments, evaluated once per group over the grouped row.
	osa    *expr.OrderedSetAggregate
	direct []expr.Expr
}

// buffers reports whether the call keeps its rows' arguments until the
// group is complete, to sort them.
func (c *aggCall) buffers() bool { return len(c.order) > 0 || c.osa != nil }

// groupBy plans a query's grouping: GROUP BY items resolve to input
// columns first, then to select-list names and positions, as in
// PostgreSQL.
func (sb *selectBuild) groupBy(n *pg_query.SelectStmt, targets []target) error {
	g := &grouping{sb: sb, keys: map[string]int{}, aggKeys: map[string]int{}}
	inB := sb.pl.builder(sb.inScope, "GROUP BY")
	sets := [][]int{{}}
	hasSets := false
	for _, item := range n.GroupClause {
		if gs := item.GetGroupingSet(); gs != nil {
			hasSets = hasSets || gs.Kind != pg_query.GroupingSetKind_GROUPING_SET_EMPTY
			itemSets, err := g.groupingSet(gs, inB, targets)
			if err != nil {
				return err
			}
			sets = crossSets(sets, itemSets)
			continue
		}
		i, err := g.addItem(item, inB, targets)
		if err != nil {
			return err
		}
		sets = crossSets(sets, [][]int{{i}})
	}
	if hasSets {
		if len(sets) > maxGroupingSets {
			return pgerror.Newf(pgcode.StatementTooComplex, "too many grouping sets present (maximum %d)", maxGroupingSets)
		}
		g.sets = sets
	}
	if g.sets == nil {
		if err := g.addDependent(); err != nil {
			return err
		}
	}
	var cols []column
	for i, e := range g.exprs {
		if c := g.inputCol[i]; c >= 0 {
			cols = append(cols, sb.inScope.cols[c])
		} else {
			cols = append(cols, column{name: "", typ: e.Type(), hidden: true, qualifiedOnly: true})
		}
	}
	sc := newScope(cols, sb.lv, sb.inScope.outer)
	sc.ungrouped, sc.grp = sb.inScope, g
	sb.sc, sb.grp = sc, g
	if n.HavingClause != nil {
		b := sb.exprBuilder("HAVING", true, false)
		h, err := b.BuildAs(n.HavingClause, types.Bool, "HAVING")
		if err != nil {
			return err
		}
		g.having = h
	}
	return nil
}

// addItem resolves one GROUP BY expression (a position, an input
// column, a select-list name or an expression) and returns its index
// among the grouping's expressions, adding it if new.
func (g *grouping) addItem(item *pg_query.Node, inB *expr.Builder, targets []target) (int, error) {
	sb := g.sb
	node := item
	var e expr.Expr
	if c := item.GetAConst(); c != nil && c.GetIval() != nil {
		pos := int(c.GetIval().Ival)
		if pos < 1 || pos > len(targets) {
			return 0, pgerror.Newf(pgcode.InvalidColumnReference, "GROUP BY position %d is not in select list", pos).WithPosition(int(c.Location) + 1)
		}
		t := targets[pos-1]
		if t.node == nil {
			ic := sb.inScope.cols[t.starCol]
			e = &expr.ColRef{Idx: t.starCol, T: ic.typ, Name: ic.name}
		}
		node = t.node
	} else if cr := item.GetColumnRef(); cr != nil && len(cr.Fields) == 1 && cr.Fields[0].GetString_() != nil {
		name := cr.Fields[0].GetString_().GetSval()
		if idx, err := sb.inScope.find([]string{name}, cr.Location); err != nil {
			return 0, err
		} else if idx < 0 {
			for _, t := range targets {
				if t.name == name && t.node != nil {
					node = t.node
					break
				}
			}
		}
	}
	if e == nil {
		var err error
		if e, err = inB.Build(node); err != nil {
			return 0, err
		}
		if e, err = inB.Finish(e); err != nil {
			return 0, err
		}
	}
	if err := checkHashable(e.Type()); err != nil {
		return 0, err
	}
	key := ""
	if node != nil {
		key = nodeKey(node)
		if i, dup := g.keys[key]; dup {
			return i, nil
		}
	}
	col := -1
	if ref, ok := e.(*expr.ColRef); ok {
		col = ref.Idx
		for i, c := range g.inputCol {
			if c == col {
				return i, nil
			}
		}
	}
	if key != "" {
		g.keys[key] = len(g.exprs)
	}
	g.exprs = append(g.exprs, e)
	g.inputCol = append(g.inputCol, col)
	return len(g.exprs) - 1, nil
}

// addDependent groups also by the columns of a table whose primary key
// is grouped: they are functionally dependent on it, so PostgreSQL lets
// the select list read them (SELECT t.* ... GROUP BY t.id), and the
// groups are the same.
func (g *grouping) addDependent() error {
	type rel struct {
		table string
		oid   uint32
	}
	in := g.sb.inScope.cols
	grouped := map[rel]map[int16]bool{}
	var rels []rel // in GROUP BY order, for a stable plan
	for _, c := range g.inputCol {
		if c < 0 || in[c].tableOID == 0 {
			continue
		}
		r := rel{in[c].table, in[c].tableOID}
		if grouped[r] == nil {
			grouped[r] = map[int16]bool{}
			rels = append(rels, r)
		}
		grouped[r][in[c].attNum] = true
	}
	for _, r := range rels {
		atts := grouped[r]
		d, err := catalog.Get(g.sb.pl.txn, r.oid)
		if err != nil || d == nil || d.Table == nil {
			continue // not a table (any more): no dependency
		}
		pk := d.Table.PrimaryKey.Columns
		covered := len(pk) > 0
		for _, k := range pk {
			if !atts[int16(d.Table.ColumnIndex(k.ColumnID)+1)] {
				covered = false
			}
		}
		if !covered {
			continue
		}
		if g.keyed == nil {
			g.keyed = map[string]bool{}
		}
		g.keyed[r.table] = true
		for i, c := range in {
			if c.table == r.table && c.tableOID == r.oid && !dupOf(g.inputCol, i) {
				g.exprs = append(g.exprs, &expr.ColRef{Idx: i, T: c.typ, Name: c.name})
				g.inputCol = append(g.inputCol, i)
			}
		}
	}
	return nil
}

func dupOf(cols []int, c int) bool {
	for _, x := range cols {
		if x == c {
			return true
		}
	}
	return false
}

// hook makes a builder see the grouped row: GROUP BY expressions match,
// and aggregates (where allowed) become columns.
func (g *grouping) hook(b *expr.Builder, aggs bool) {
	b.Match = func(n *pg_query.Node) (expr.Expr, error) {
		switch v := n.Node.(type) {
		case *pg_query.Node_AConst, *pg_query.Node_ParamRef:
			return nil, nil
		case *pg_query.Node_GroupingFunc:
			return g.groupingCall(v.GroupingFunc)
		}
		if len(g.keys) == 0 {
			return nil, nil
		}
		if i, ok := g.keys[nodeKey(n)]; ok {
			g.sb.noteMatchedRefs(n)
			return &expr.ColRef{Idx: i, T: g.exprs[i].Type(), Name: g.sb.sc.cols[i].name}, nil
		}
		return nil, nil
	}
	if aggs {
		b.Aggregate = g.aggregate
	}
}

// aggregate plans an aggregate call and returns its column of the
// grouped row.
func (g *grouping) aggregate(f *pg_query.FuncCall, name string) (expr.Expr, error) {
	key := nodeKey(&pg_query.Node{Node: &pg_query.Node_FuncCall{FuncCall: f}})
	if i, ok := g.aggKeys[key]; ok {
		c := g.aggs[i]
		return &expr.ColRef{Idx: len(g.exprs) + i, T: c.agg.Result, Name: name}, nil
	}
	if d := aggLevel(f, g.sb.inScope); d > 0 {
		return outerAggregate(g.sb.inScope, f, name, d)
	}
	if f.AggWithinGroup || expr.IsOrderedSetCall(name, len(f.Args)) {
		return g.orderedSetAggregate(f, name, key)
	}
	b := g.argBuilder(g.sb.inScope)
	var args []expr.Expr
	if !f.AggStar {
		var err error
		if args, err = b.FuncArgs(f); err != nil {
			return nil, err
		}
	} else if name != "count" {
		return nil, pgerror.Newf(pgcode.UndefinedFunction, "function %s(*) does not exist", name).WithPosition(int(f.Location) + 1)
	}
	agg, args, err := b.ResolveAggregate(name, args, f.Location)
	if err != nil {
		return nil, err
	}
	c := &aggCall{agg: agg, args: args, distinct: f.AggDistinct}
	if c.distinct {
		for _, a := range args {
			if err := checkHashable(a.Type()); err != nil {
				return nil, err
			}
		}
	}
	if f.AggFilter != nil {
		fb := g.sb.pl.builder(g.sb.inScope, "FILTER")
		if c.filter, err = fb.BuildAs(f.AggFilter, types.Bool, "FILTER"); err != nil {
			return nil, err
		}
	}
	for i, o := range f.AggOrder {
		sbn := o.GetSortBy()
		e, err := b.Build(sbn.Node)
		if err != nil {
			return nil, err
		}
		if e, err = b.Finish(e); err != nil {
			return nil, err
		}
		k, err := newSortKey(len(args)+i, e.Type(), sbn)
		if err != nil {
			return nil, err
		}
		c.order = append(c.order, e)
		c.orderKeys = append(c.orderKeys, k)
	}
	if c.distinct && len(c.order) == 0 && orderSensitive[name] {
		// PostgreSQL computes DISTINCT aggregates by sorting their
		// arguments, so array_agg(DISTINCT x) lists the values in order
		// (NULL last): sort by the arguments here too.
		for j, a := range args {
			c.order = append(c.order, a)
			c.orderKeys = append(c.orderKeys, sortKey{col: len(args) + j, typ: a.Type()})
		}
	} else if c.distinct && len(c.order) > 0 {
		// PostgreSQL: with DISTINCT, ORDER BY expressions must be
		// arguments.
		for _, o := range c.order {
			found := false
			for _, a := range args {
				if sameExprShape(a, o) {
					found = true
				}
			}
			if !found {
				return nil, pgerror.New(pgcode.InvalidColumnReference, "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list").WithPosition(int(f.Location) + 1)
			}
		}
	}
	return g.addAggCall(key, c, name), nil
}

// argBuilder builds an aggregate call's arguments over sc, where
// aggregates and window functions are refused.
func (g *grouping) argBuilder(sc *scope) *expr.Builder {
	b := g.sb.pl.builder(sc, "aggregate function calls")
	b.Aggregate = func(f *pg_query.FuncCall, _ string) (expr.Expr, error) {
		return nil, pgerror.New(pgcode.GroupingError, "aggregate function calls cannot be nested").WithPosition(int(f.Location) + 1)
	}
	b.Window = func(f *pg_query.FuncCall, _ string) (expr.Expr, error) {
		return nil, pgerror.New(pgcode.GroupingError, "aggregate function calls cannot contain window function calls").WithPosition(int(f.Location) + 1)
	}
	special := b.Special
	b.Special = func(f *pg_query.FuncCall, name string) (expr.Expr, error) {
		if isSetReturning(name) {
			return nil, pgerror.New(pgcode.FeatureNotSupported, "aggregate function calls cannot contain set-returning function calls").
				WithHint("You might be able to move the set-returning function into a LATERAL FROM item.").WithPosition(int(f.Location) + 1)
		}
		return special(f, name)
	}
	return b
}

// addAggCall registers a planned aggregate call under its parse-tree key
// and returns its column of the grouped row.
func (g *grouping) addAggCall(key string, c *aggCall, name string) expr.Expr {
	g.aggKeys[key] = len(g.aggs)
	g.aggs = append(g.aggs, c)
	return &expr.ColRef{Idx: len(g.exprs) + len(g.aggs) - 1, T: c.agg.Result, Name: name}
}

// orderSensitive are the aggregates whose result depends on the order
// of their input.
var orderSensitive = map[string]bool{
	"array_agg": true, "string_agg": true, "json_agg": true, "jsonb_agg": true,
	"json_object_agg": true, "jsonb_object_agg": true,
}

// aggLevel returns how many query levels out an aggregate call belongs:
// PostgreSQL's rule is the innermost level whose columns its arguments
// read (0 for this query, also when they read none).
func aggLevel(f *pg_query.FuncCall, sc *scope) int {
	nodes := []*pg_query.Node{f.AggFilter}
	if !f.AggWithinGroup {
		// An ordered-set aggregate's direct arguments do not decide
		// its level: they are evaluated per group of that level.
		nodes = append(nodes, f.Args...)
	}
	for _, o := range f.AggOrder {
		nodes = append(nodes, o.GetSortBy().Node)
	}
	level, _ := columnLevel(nodes, sc)
	return max(level, 0)
}

// columnLevel returns how many query levels out from sc the innermost
// column that nodes read (outside subqueries) is, and where it is
// written; -1 if they read none.
func columnLevel(nodes []*pg_query.Node, sc *scope) (level int, loc int32) {
	level = -1
	for _, n := range nodes {
		inspect(n, func(m *pg_query.Node) bool {
			if m.GetSubLink() != nil {
				return false
			}
			cr := m.GetColumnRef()
			if cr == nil {
				return true
			}
			var names []string
			for _, f := range cr.Fields {
				if f.GetString_() == nil {
					return false
				}
				names = append(names, f.GetString_().GetSval())
			}
			depth := 0
			for s := sc; s != nil; s = s.outer {
				idx, err := s.find(names, 0)
				if err == nil && idx < 0 && s.ungrouped != nil {
					idx, err = s.ungrouped.find(names, 0)
				}
				if err != nil || idx >= 0 || (len(names) == 1 && s.seesTable(names[0])) {
					break // a column, or a whole-row reference
				}
				depth++
			}
			if level < 0 || depth < level {
				level, loc = depth, cr.Location
			}
			return false
		})
	}
	return level, loc
}

// outerAggregate plans an aggregate of an enclosing query (SELECT g,
// (SELECT max(t.a)) FROM t GROUP BY g): the enclosing grouping computes
// it, this query reads the result as an outer column.
func outerAggregate(from *scope, f *pg_query.FuncCall, name string, depth int) (expr.Expr, error) {
	sc := from
	for i := 0; i < depth && sc != nil; i++ {
		sc = sc.outer
	}
	if sc != nil && sc.grp == nil && sc.regroup != nil {
		*sc.regroup = true
		return nil, pgerror.New(pgcode.GroupingError, "aggregate of an enclosing query") // replanned, not seen
	}
	if sc != nil && sc.grp == nil && sc.clause != "" && sc.clause != "SELECT" {
		return nil, pgerror.Newf(pgcode.GroupingError, "aggregate functions are not allowed in %s", sc.clause).WithPosition(int(f.Location) + 1)
	}
	if sc == nil || sc.grp == nil {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "aggregate functions over the columns of an enclosing query that does not group are not supported yet").WithPosition(int(f.Location) + 1)
	}
	if lv, loc := columnLevel(f.Args, from); f.AggWithinGroup && lv >= 0 && lv < depth {
		return nil, pgerror.New(pgcode.GroupingError, "outer-level aggregate cannot contain a lower-level variable in its direct arguments").WithPosition(int(loc) + 1)
	}
	e, err := sc.grp.aggregate(f, name)
	if err != nil {
		return nil, err
	}
	ref := e.(*expr.ColRef)
	for lv := from.level; lv != nil && lv != sc.level; lv = lv.parent {
		lv.correlated = true
	}
	return &expr.OuterRef{Depth: depth, Idx: ref.Idx, T: ref.T, Name: ref.Name}, nil
}

// sameExprShape reports whether two expressions read the same column
// (enough for the DISTINCT/ORDER BY rule's common cases).
func sameExprShape(a, b expr.Expr) bool {
	x, ok1 := a.(*expr.ColRef)
	y, ok2 := b.(*expr.ColRef)
	if ok1 && ok2 {
		return x.Idx == y.Idx
	}
	return !ok1 && !ok2
}

// plan builds the aggregation over the input, with HAVING.
func (g *grouping) plan(sb *selectBuild, input planNode) (planNode, error) {
	cols := append([]column(nil), sb.sc.cols...)
	for _, a := range g.aggs {
		cols = append(cols, column{name: a.agg.Name, typ: a.agg.Result, hidden: true, qualifiedOnly: true})
	}
	node := &aggNode{input: g.minMaxInput(input), groups: g.exprs, aggs: g.aggs, columns: cols, keyCols: len(g.exprs)}
	if g.sets != nil {
		return newFilter(newGroupingSets(node, g.sets), g.having), nil
	}
	return newFilter(node, g.having), nil
}
