package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// maxTargetList is PostgreSQL's MaxTupleAttributeNumber.
const maxTargetList = 1664

// planSelect plans a SELECT statement.
func (s *Session) planSelect(p *Prepared, pl *planner, n *pg_query.SelectStmt) error {
	root, err := pl.planQuery(n, nil, &level{})
	if err != nil {
		return err
	}
	p.Columns = resultColumns(root.cols())
	p.plan = &queryPlan{root: root, tag: "SELECT"}
	return nil
}

// resultColumns describes a plan's output for RowDescription.
func resultColumns(cols []column) []Column {
	out := make([]Column, 0, len(cols))
	for _, c := range cols {
		out = append(out, Column{Name: c.name, Type: c.typ, TableOID: c.tableOID, AttNum: c.attNum})
	}
	return out
}

// planQuery plans a SELECT, VALUES or set operation as a query level
// whose enclosing query's row is outer (nil for a statement's query).
// Its scans decode only what the query reads of them (narrow.go); a
// query planned into an enclosing one is narrowed again with it.
func (pl *planner) planQuery(n *pg_query.SelectStmt, outer *scope, lv *level) (planNode, error) {
	node, err := pl.planQueryLevel(n, outer, lv)
	if err != nil {
		return nil, err
	}
	narrowScans(node)
	planParallel(node, pl.parallelism())
	return node, nil
}

func (pl *planner) planQueryLevel(n *pg_query.SelectStmt, outer *scope, lv *level) (planNode, error) {
	keepUnknown := pl.keepUnknown
	pl.keepUnknown = false
	if n.WithClause == nil {
		return pl.planQueryBody(n, outer, lv, keepUnknown)
	}
	pop, dml, err := pl.withClause(n.WithClause, outer, lv)
	if err != nil {
		return nil, err
	}
	defer pop()
	node, err := pl.planQueryBody(n, outer, lv, keepUnknown)
	if err != nil || len(dml) == 0 {
		return node, err
	}
	// Only a statement's own WITH may modify data (dmlCTE): this is the
	// statement's query, which runs them and then itself to completion.
	return &withDMLNode{input: node, ctes: dml, drain: true}, nil
}

// planQueryBody plans a query level once its WITH queries are visible.
func (pl *planner) planQueryBody(n *pg_query.SelectStmt, outer *scope, lv *level, keepUnknown bool) (planNode, error) {
	if err := misplacedInto(n); err != nil {
		return nil, err
	}
	switch {
	case len(n.LockingClause) > 0 && n.Op != pg_query.SetOperation_SETOP_NONE:
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s is not allowed with UNION/INTERSECT/EXCEPT", lockClauseName(n.LockingClause[0].GetLockingClause().Strength))
	case len(n.LockingClause) > 0 && len(n.ValuesLists) > 0:
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s cannot be applied to VALUES", lockClauseName(n.LockingClause[0].GetLockingClause().Strength))
	}
	switch {
	case n.Op != pg_query.SetOperation_SETOP_NONE:
		node, err := pl.planSetOp(n, outer, lv)
		if err != nil {
			return nil, err
		}
		return pl.orderLimitOutput(node, n, outer, lv, true)
	case len(n.ValuesLists) > 0:
		node, err := pl.planValues(n.ValuesLists, outer, lv, nil)
		if err != nil {
			return nil, err
		}
		return pl.orderLimitOutput(node, n, outer, lv, false)
	}
	// DISTINCT compares every output column, so untyped literals become
	// text; ORDER BY makes text of the ones it sorts by alone
	// (planSimpleSelect), as in PostgreSQL.
	keep := keepUnknown && len(n.DistinctClause) == 0
	regroup := false
	node, err := pl.planSimpleSelect(n, outer, lv, keep, &regroup)
	if err != nil && regroup {
		// A subquery holds an aggregate of this query: it aggregates.
		return pl.planSimpleSelect(n, outer, lv, keep, nil)
	}
	return node, err
}

// target is one select-list item, after * expansion.
type target struct {
	node    *pg_query.Node // nil for a column of *
	starCol int            // the input column of a * item
	name    string
	key     string // nodeKey(node), computed on demand
}

func (t *target) nodeKey() string {
	if t.key == "" && t.node != nil {
		t.key = nodeKey(t.node)
	}
	return t.key
}

// expandTargets expands * and t.* in a select list.
func expandTargets(list []*pg_query.Node, in *scope, hasFrom bool) ([]target, error) {
	var out []target
	for _, item := range list {
		rt := item.GetResTarget()
		if cr := rt.Val.GetColumnRef(); cr != nil && cr.Fields[len(cr.Fields)-1].GetAStar() != nil {
			if !hasFrom && len(cr.Fields) == 1 {
				return nil, pgerror.New(pgcode.Syntax, "SELECT * with no tables specified is not valid").WithPosition(int(cr.Location) + 1)
			}
			var table string
			if len(cr.Fields) >= 2 {
				table = cr.Fields[len(cr.Fields)-2].GetString_().GetSval()
				if !in.hasTable(table) {
					return nil, pgerror.Newf(pgcode.UndefinedTable, "missing FROM-clause entry for table \"%s\"", table).WithPosition(int(cr.Location) + 1)
				}
			}
			for i := range in.cols {
				if c := &in.cols[i]; inStar(c, table) {
					markColumn(*c)
					out = append(out, target{starCol: i, name: c.name})
				}
			}
			continue
		}
		name := rt.Name
		if name == "" {
			name = expr.ColumnName(rt.Val)
		}
		out = append(out, target{node: rt.Val, starCol: -1, name: name})
	}
	if len(out) > maxTargetList {
		return nil, pgerror.Newf(pgcode.TooManyColumns, "target lists can have at most %d entries", maxTargetList)
	}
	return out, nil
}

// inStar reports whether * (table "") or table.* expands to column c.
func inStar(c *column, table string) bool {
	return !c.hidden && (table != "" || !c.qualifiedOnly) && (table == "" || c.table == table)
}

// selectBuild is the state of planning one SELECT's expressions.
type selectBuild struct {
	pl *planner
	lv *level
	// in is the input (FROM and WHERE) and its scope.
	in      planNode
	inScope *scope
	// grp is the grouping, nil for an ungrouped query; sc is the scope
	// of the select list: inScope or the grouped row's.
	grp *grouping
	sc  *scope
	win *windowing
	// windows are the WINDOW clause's named definitions.
	windows map[string]*pg_query.WindowDef
	// extra are the hidden columns added for ORDER BY and DISTINCT ON
	// expressions, by parse tree.
	extra map[string]int
}

// exprBuilder returns a builder for a clause evaluated over the
// select-list row: aggregates (in a grouped query) and window functions
// allowed as the clause permits.
func (sb *selectBuild) exprBuilder(clause string, aggs, windows bool) *expr.Builder {
	b := sb.pl.builder(sb.sc, clause)
	if sb.grp != nil {
		sb.grp.hook(b, aggs)
	}
	if windows {
		b.Window = func(f *pg_query.FuncCall, name string) (expr.Expr, error) { return sb.window(f, name) }
	}
	return b
}

// planSimpleSelect plans a SELECT with its FROM, WHERE, GROUP BY,
// HAVING, windows, select list, DISTINCT, ORDER BY and LIMIT.
// keepUnknown leaves untyped literals of the select list untyped (a set
// operation's branch). regroup is set when a subquery finds an aggregate
// that belongs to this query; planned again with regroup nil, the query
// aggregates.
func (pl *planner) planSimpleSelect(n *pg_query.SelectStmt, outer *scope, lv *level, keepUnknown bool, regroup *bool) (planNode, error) {
	locks, err := pl.planLocking(n)
	if err != nil {
		return nil, err
	}
	if locks == nil && pl.trackCursor == n {
		locks = pl.cursorTracking(n)
	}
	in, err := pl.planFromWhere(n.FromClause, n.WhereClause, outer, lv)
	if err != nil {
		return nil, err
	}
	sb := &selectBuild{pl: pl, lv: lv, in: in, inScope: newScope(in.cols(), lv, outer)}
	sb.inScope.regroup = regroup
	if err := sb.windowClause(n.WindowClause); err != nil {
		return nil, err
	}
	sb.sc = sb.inScope
	if pl.explicitStars {
		n.TargetList = explicitStars(n.TargetList, sb.inScope)
	}
	targets, err := expandTargets(sb.expandRecordStars(n.TargetList), sb.inScope, len(n.FromClause) > 0)
	if err != nil {
		return nil, err
	}
	var orderNodes []*pg_query.Node
	for _, o := range n.SortClause {
		orderNodes = append(orderNodes, o.GetSortBy().Node)
	}
	var targetNodes []*pg_query.Node
	for _, t := range targets {
		targetNodes = append(targetNodes, t.node)
	}
	if regroup == nil || len(n.GroupClause) > 0 || n.HavingClause != nil || hasAggregate(targetNodes...) || hasAggregate(orderNodes...) {
		if err := sb.groupBy(n, targets); err != nil {
			return nil, err
		}
	}

	// The select list, then ORDER BY items that are not in it (extra
	// columns, dropped after the sort).
	b := sb.exprBuilder("SELECT", true, true)
	srfs := &srfSet{}
	special := b.Special
	b.Special = func(f *pg_query.FuncCall, name string) (expr.Expr, error) {
		if isSetReturning(name) || sb.pl.userSetNamed(f) {
			return sb.srf(srfs, f, name)
		}
		return special(f, name)
	}
	var exprs []expr.Expr
	var cols []column
	for i := range targets {
		t := &targets[i]
		var e expr.Expr
		var c column
		if t.node == nil {
			e, c = sb.starColumn(t.starCol)
			if e == nil {
				ic := sb.inScope.cols[t.starCol]
				return nil, pgerror.Newf(pgcode.GroupingError, "column \"%s\" must appear in the GROUP BY clause or be used in an aggregate function", qualifiedName(ic))
			}
		} else {
			var err error
			if e, err = b.Build(t.node); err != nil {
				return nil, err
			}
			if !keepUnknown {
				if e, err = b.Finish(e); err != nil {
					return nil, err
				}
			}
			c = column{name: t.name, typ: e.Type()}
			if ref, ok := e.(*expr.ColRef); ok && t.node.GetColumnRef() != nil && ref.Idx < len(sb.sc.cols) {
				src := sb.sc.cols[ref.Idx]
				c.tableOID, c.attNum = src.tableOID, src.attNum
			}
		}
		exprs = append(exprs, e)
		cols = append(cols, c)
	}
	visible := len(exprs)

	distinct := len(n.DistinctClause) > 0
	distinctOn := distinct && n.DistinctClause[0] != nil && n.DistinctClause[0].Node != nil
	var keys []sortKey
	for _, o := range n.SortClause {
		sbn := o.GetSortBy()
		idx, err := sb.orderItem(sbn.Node, targets, &exprs, &cols, b, distinct && !distinctOn)
		if err != nil {
			return nil, err
		}
		if cols[idx].typ.Family == types.UnknownFamily {
			// An untyped literal kept for INSERT ... SELECT is sorted
			// as text.
			if exprs[idx], err = b.Finish(exprs[idx]); err != nil {
				return nil, err
			}
			cols[idx].typ = exprs[idx].Type()
		}
		k, err := newSortKey(idx, cols[idx].typ, sbn)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	var onCols []int
	if distinctOn {
		for _, d := range n.DistinctClause {
			idx, err := sb.orderItem(d, targets, &exprs, &cols, b, false)
			if err != nil {
				return nil, err
			}
			onCols = append(onCols, idx)
		}
		if err := checkDistinctOn(onCols, keys); err != nil {
			return nil, err
		}
	}

	var node planNode = sb.in
	if sb.grp != nil && len(sb.grp.aggs) == 0 && len(sb.grp.exprs) == 0 && len(n.GroupClause) == 0 && n.HavingClause == nil {
		// Its only aggregates were an enclosing query's: this query does
		// not aggregate (and its expressions read no column of its own).
		sb.grp = nil
	}
	if sb.grp != nil {
		node, err = sb.grp.plan(sb, node)
		if err != nil {
			return nil, err
		}
	}
	var locked []*lockTarget
	if locks != nil && locks.trackOnly && (sb.grp != nil || sb.win != nil || len(srfs.nodes) > 0) {
		locks = nil // not a simple scan: no current row for WHERE CURRENT OF
	}
	if locks != nil {
		switch {
		case sb.grp != nil:
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s is not allowed with aggregate functions", locks.clause)
		case sb.win != nil:
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s is not allowed with window functions", locks.clause)
		case len(srfs.nodes) > 0:
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s is not allowed with set-returning functions in the target list", locks.clause)
		}
		if locked, err = sb.lockTargets(locks, &exprs, &cols); err != nil {
			return nil, err
		}
	}
	if sb.win != nil {
		node = sb.win.plan(node)
	}
	if len(srfs.nodes) > 0 {
		node = newProjectSet(node, srfs)
	}
	node = &projectNode{input: node, exprs: exprs, columns: cols}

	switch {
	case distinctOn:
		if len(keys) == 0 {
			for _, c := range onCols {
				keys = append(keys, sortKey{col: c, typ: cols[c].typ})
			}
		}
		node = &sortNode{input: node, keys: keys}
		node = &distinctNode{input: node, on: onCols, sorted: true}
	case distinct:
		all := make([]int, visible)
		for i := range all {
			all[i] = i
		}
		node = &distinctNode{input: node, on: all}
		if len(keys) > 0 {
			node = &sortNode{input: node, keys: keys}
		}
	case len(keys) > 0 && orderedByScan(node, keys, n.LimitCount != nil && !isNullConst(n.LimitCount), limitRows(n)):
		// The scan reads its index in ORDER BY's order.
	case len(keys) > 0:
		node = &sortNode{input: node, keys: keys}
		if locks != nil && locks.trackOnly {
			locked = nil // PostgreSQL: a sorted cursor is not a simple scan
		}
	}
	if len(locked) > 0 {
		// After the sort, before LIMIT: only the rows returned are locked.
		node = &lockRowsNode{input: node, targets: locked, clause: locks.clause}
	}
	if node, err = pl.limit(node, n, sb.inScope, keys); err != nil {
		return nil, err
	}
	if len(cols) > visible {
		idx := make([]int, visible)
		for i := range idx {
			idx[i] = i
		}
		node = pickColumns(node, idx)
	}
	return node, nil
}

// starColumn returns the expression of input column i as * expands it,
// or nil in a grouped query where the column is not grouped.
func (sb *selectBuild) starColumn(i int) (expr.Expr, column) {
	c := sb.inScope.cols[i]
	// A query's output may be NULL where its input was not (an outer
	// join in it), so the witness does not carry over.
	c.neverNull, c.joinAlias, c.sequence = false, false, false
	if sb.grp == nil {
		return &expr.ColRef{Idx: i, T: c.typ, Name: c.name}, c
	}
	for g, col := range sb.grp.inputCol {
		if col == i {
			return &expr.ColRef{Idx: g, T: c.typ, Name: c.name}, c
		}
	}
	return nil, c
}

// orderItem resolves an ORDER BY (or DISTINCT ON) item to a column of the
// projected row: an output column's position or name, a select-list
// expression, or a new extra column. noExtra refuses the last (SELECT
// DISTINCT).
func (sb *selectBuild) orderItem(n *pg_query.Node, targets []target, exprs *[]expr.Expr, cols *[]column, b *expr.Builder, noExtra bool) (int, error) {
	if c := n.GetAConst(); c != nil && !c.Isnull {
		iv := c.GetIval()
		if iv == nil {
			return 0, pgerror.New(pgcode.Syntax, "non-integer constant in ORDER BY").WithPosition(int(c.Location) + 1)
		}
		{
			pos := int(iv.Ival)
			if pos < 1 || pos > len(targets) {
				return 0, pgerror.Newf(pgcode.InvalidColumnReference, "ORDER BY position %d is not in select list", pos).WithPosition(int(c.Location) + 1)
			}
			return pos - 1, nil
		}
	}
	if cr := n.GetColumnRef(); cr != nil && len(cr.Fields) == 1 && cr.Fields[0].GetString_() != nil {
		name := cr.Fields[0].GetString_().GetSval()
		found := -1
		for i, t := range targets {
			if t.name != name {
				continue
			}
			if found >= 0 && !sb.sameTarget(&targets[found], &targets[i]) {
				return 0, pgerror.Newf(pgcode.AmbiguousColumn, "ORDER BY \"%s\" is ambiguous", name).WithPosition(int(cr.Location) + 1)
			}
			if found < 0 {
				found = i
			}
		}
		if found >= 0 {
			return found, nil
		}
	}
	key := nodeKey(n)
	for i := range targets {
		if targets[i].node != nil && targets[i].nodeKey() == key {
			sb.noteMatchedRefs(n)
			return i, nil
		}
	}
	e, err := b.Build(n)
	if err != nil {
		return 0, err
	}
	if ref, ok := e.(*expr.ColRef); ok {
		for i, t := range targets {
			if t.node == nil {
				if se, _ := sb.starColumn(t.starCol); se != nil && se.(*expr.ColRef).Idx == ref.Idx {
					return i, nil
				}
			}
		}
	}
	if noExtra {
		return 0, pgerror.New(pgcode.InvalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list").WithPosition(int(expr.Location(n)) + 1)
	}
	if e, err = b.Finish(e); err != nil {
		return 0, err
	}
	// The same expression in ORDER BY and DISTINCT ON is one column.
	if i, ok := sb.extra[key]; ok {
		return i, nil
	}
	*exprs = append(*exprs, e)
	*cols = append(*cols, column{name: "?column?", typ: e.Type(), hidden: true})
	if sb.extra == nil {
		sb.extra = map[string]int{}
	}
	sb.extra[key] = len(*exprs) - 1
	return len(*exprs) - 1, nil
}

// sameTarget reports whether two select-list items are the same
// expression (ORDER BY a is not ambiguous in SELECT a, a).
func (sb *selectBuild) sameTarget(a, b *target) bool {
	if a.node != nil && b.node != nil && a.nodeKey() == b.nodeKey() {
		return true
	}
	ca, cb := sb.targetColumn(a), sb.targetColumn(b)
	return ca >= 0 && ca == cb
}

// targetColumn returns the input column a select-list item is (a column
// of * or a plain column reference), -1 for other items.
func (sb *selectBuild) targetColumn(t *target) int {
	if t.node == nil {
		return t.starCol
	}
	cr := t.node.GetColumnRef()
	if cr == nil {
		return -1
	}
	var names []string
	for _, f := range cr.Fields {
		if f.GetString_() == nil {
			return -1
		}
		names = append(names, f.GetString_().GetSval())
	}
	idx, err := sb.inScope.find(names, cr.Location)
	if err != nil {
		return -1
	}
	return idx
}

// checkDistinctOn enforces PostgreSQL's rule that DISTINCT ON
// expressions lead the ORDER BY.
func checkDistinctOn(on []int, keys []sortKey) error {
	if len(keys) == 0 {
		return nil
	}
	set := map[int]bool{}
	for _, c := range on {
		set[c] = true
	}
	for i := 0; i < len(keys) && i < len(set); i++ {
		if !set[keys[i].col] {
			return pgerror.New(pgcode.InvalidColumnReference, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions")
		}
	}
	return nil
}

// limit adds LIMIT and OFFSET to a plan; a sort below becomes a top-k.
// keys are the query's ORDER BY, which FETCH ... WITH TIES compares rows
// by (the parser refuses WITH TIES without ORDER BY).
func (pl *planner) limit(node planNode, n *pg_query.SelectStmt, sc *scope, keys []sortKey) (planNode, error) {
	if n.LimitCount == nil && n.LimitOffset == nil {
		return node, nil
	}
	// LIMIT and OFFSET cannot read the query's own rows (42P10); they
	// are built over its scope only to say so.
	b := pl.builder(newScope(sc.cols, sc.level, sc.outer), "LIMIT")
	ln := &limitNode{input: node}
	if n.LimitOption == pg_query.LimitOption_LIMIT_OPTION_WITH_TIES {
		// As in PostgreSQL, a NULL written as the count is refused, and
		// one that comes from a parameter or a subquery is no limit.
		if isNullConst(n.LimitCount) {
			return nil, pgerror.New(pgcode.InvalidRowCountInLimitClause, "row count cannot be null in FETCH FIRST ... WITH TIES clause")
		}
		ln.ties = keys
	}
	var err error
	if n.LimitCount != nil && !isNullConst(n.LimitCount) {
		if ln.limit, err = limitArg(b, n.LimitCount, "LIMIT"); err != nil {
			return nil, err
		}
	}
	if n.LimitOffset != nil {
		b.Clause = "OFFSET"
		if ln.offset, err = limitArg(b, n.LimitOffset, "OFFSET"); err != nil {
			return nil, err
		}
	}
	if s, ok := node.(*sortNode); ok && ln.limit != nil && ln.ties == nil {
		s.limit, s.offset = ln.limit, ln.offset
	}
	return ln, nil
}

// limitRows is the number of rows a LIMIT with an OFFSET reads, when both
// are integer constants; 0 when not known before the query runs.
func limitRows(n *pg_query.SelectStmt) float64 {
	count := integerConst(n.LimitCount)
	offset := 0.0
	if n.LimitOffset != nil {
		offset = integerConst(n.LimitOffset)
	}
	if count <= 0 || offset < 0 {
		return 0
	}
	return count + offset
}

// integerConst is the value of an integer constant node, or -1.
func integerConst(n *pg_query.Node) float64 {
	if c := n.GetAConst(); c != nil && c.GetIval() != nil {
		return float64(c.GetIval().Ival)
	}
	return -1
}

// limitArg builds a LIMIT or OFFSET argument as bigint, by an assignment
// cast as PostgreSQL does (LIMIT 1.5 is LIMIT 2, LIMIT 'x' fails to
// parse).
func limitArg(b *expr.Builder, n *pg_query.Node, what string) (expr.Expr, error) {
	e, err := b.Build(n)
	if err != nil {
		return nil, err
	}
	rowRef := false
	expr.Walk(e, func(x expr.Expr) bool {
		if _, ok := x.(*expr.ColRef); ok {
			rowRef = true
		}
		return !rowRef
	})
	if rowRef {
		return nil, pgerror.Newf(pgcode.InvalidColumnReference, "argument of %s must not contain variables", what).WithPosition(int(expr.Location(n)) + 1)
	}
	out, err := b.Assign(e, types.Int8, what, expr.Location(n))
	if err != nil && pgerror.HasCode(err, pgcode.DatatypeMismatch) {
		return nil, pgerror.Newf(pgcode.DatatypeMismatch, "argument of %s must be type bigint, not type %s", what, e.Type().SQLStandardName()).WithPosition(int(expr.Location(n)) + 1)
	}
	return out, err
}

func isNullConst(n *pg_query.Node) bool {
	c := n.GetAConst()
	return c != nil && c.Isnull
}

// orderLimitOutput adds ORDER BY, LIMIT and OFFSET over the output
// columns of a VALUES list or set operation. Set operations accept only
// output column names and positions.
func (pl *planner) orderLimitOutput(node planNode, n *pg_query.SelectStmt, outer *scope, lv *level, setOp bool) (planNode, error) {
	cols := node.cols()
	sc := newScope(cols, lv, outer)
	var exprs []expr.Expr
	var outCols []column
	for i, c := range cols {
		exprs = append(exprs, &expr.ColRef{Idx: i, T: c.typ, Name: c.name})
		outCols = append(outCols, c)
	}
	visible := len(cols)
	var keys []sortKey
	b := pl.builder(sc, "ORDER BY")
	for _, o := range n.SortClause {
		sbn := o.GetSortBy()
		idx := -1
		if c := sbn.Node.GetAConst(); c != nil && c.GetIval() != nil {
			pos := int(c.GetIval().Ival)
			if pos < 1 || pos > visible {
				return nil, pgerror.Newf(pgcode.InvalidColumnReference, "ORDER BY position %d is not in select list", pos).WithPosition(int(c.Location) + 1)
			}
			idx = pos - 1
		} else {
			e, err := b.Build(sbn.Node)
			if err != nil {
				if setOp && pgerror.HasCode(err, pgcode.UndefinedColumn) {
					return nil, err
				}
				return nil, err
			}
			if ref, ok := e.(*expr.ColRef); ok {
				idx = ref.Idx
			} else if setOp {
				return nil, pgerror.New(pgcode.FeatureNotSupported, "invalid UNION/INTERSECT/EXCEPT ORDER BY clause").
					WithDetail("Only result column names can be used, not expressions or functions.").WithPosition(int(expr.Location(sbn.Node)) + 1)
			} else {
				if e, err = b.Finish(e); err != nil {
					return nil, err
				}
				exprs = append(exprs, e)
				outCols = append(outCols, column{name: "?column?", typ: e.Type(), hidden: true})
				idx = len(exprs) - 1
			}
		}
		k, err := newSortKey(idx, outCols[idx].typ, sbn)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	if len(outCols) > visible {
		node = &projectNode{input: node, exprs: exprs, columns: outCols}
	}
	if len(keys) > 0 {
		node = &sortNode{input: node, keys: keys}
	}
	node, err := pl.limit(node, n, sc, keys)
	if err != nil {
		return nil, err
	}
	if len(outCols) > visible {
		idx := make([]int, visible)
		for i := range idx {
			idx[i] = i
		}
		node = pickColumns(node, idx)
	}
	return node, nil
}

// planValues plans a VALUES list: each column takes the common type of
// its values (or, for INSERT, the target column's type: want).
func (pl *planner) planValues(lists []*pg_query.Node, outer *scope, lv *level, want []*types.T) (*valuesNode, error) {
	sc := newScope(nil, lv, outer)
	b := pl.builder(sc, "VALUES")
	var rows [][]expr.Expr
	var locs [][]int32
	width := -1
	for _, l := range lists {
		items := l.GetList().Items
		if width >= 0 && len(items) != width {
			return nil, pgerror.New(pgcode.Syntax, "VALUES lists must all be the same length").WithPosition(int(expr.Location(items[0])) + 1)
		}
		width = len(items)
		row := make([]expr.Expr, len(items))
		loc := make([]int32, len(items))
		for i, it := range items {
			e, err := b.Build(it)
			if err != nil {
				return nil, err
			}
			row[i], loc[i] = e, expr.Location(it)
		}
		rows = append(rows, row)
		locs = append(locs, loc)
	}
	node := &valuesNode{}
	for c := 0; c < width; c++ {
		col := make([]expr.Expr, len(rows))
		cl := make([]int32, len(rows))
		for r := range rows {
			col[r], cl[r] = rows[r][c], locs[r][c]
		}
		out, t, err := b.CommonType(col, cl, "VALUES")
		if err != nil {
			return nil, err
		}
		for r := range rows {
			rows[r][c] = out[r]
		}
		node.columns = append(node.columns, column{name: "column" + itoa64(int64(c+1)), typ: t})
	}
	node.rows = rows
	return node, nil
}

// isAggregateName reports whether a function call names an aggregate.
func isAggregateName(f *pg_query.FuncCall) bool {
	name := f.Funcname[len(f.Funcname)-1].GetString_().GetSval()
	name = strings.ToLower(name)
	return expr.IsAggregate(name) || expr.IsOrderedSetCall(name, len(f.Args))
}
