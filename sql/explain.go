package sql

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// EXPLAIN prints the plan tree, one line per node with its estimated row
// count, in PostgreSQL's text layout ("->" before each child, details
// indented below their node). EXPLAIN ANALYZE runs the statement (a
// data-changing one too, as PostgreSQL does) with every node counting
// the rows it produced and how many times it was opened.

type explainPlan struct {
	root    planNode // the query, or a data-changing statement's source
	dml     *dmlPlan // set for INSERT, UPDATE, DELETE, MERGE
	title   string   // the top line of a data-changing statement
	analyze bool
	// summary adds the planning (and with ANALYZE, execution) time:
	// PostgreSQL's SUMMARY option, on by default only with ANALYZE.
	summary bool
	// verbose adds the columns each scan decodes (its Output line).
	verbose bool
	planned time.Duration
	// execute is EXPLAIN EXECUTE's statement and parameters
	// (explainExecute).
	execute *executePlan
	// createAs is set for CREATE ... AS and SELECT ... INTO, whose
	// query is root (explain_createas.go).
	createAs *explainedCreateAs
}

func (pl *planner) planExplain(p *Prepared, n *pg_query.ExplainStmt) (plan, error) {
	start := time.Now()
	ep := &explainPlan{}
	var summary *bool // as given; else on with ANALYZE
	for _, o := range n.Options {
		d := o.GetDefElem()
		on := d.Arg == nil || defElemTrue(d.Arg)
		switch d.Defname {
		case "analyze":
			ep.analyze = on
		case "verbose":
			ep.verbose = on
		case "summary":
			summary = &on
		case "costs", "timing", "buffers", "settings", "wal":
			// Accepted; stela prints what it has.
		case "format":
			if f := strings.ToLower(defElemString(d.Arg)); f != "text" {
				return nil, pgerror.Newf(pgcode.FeatureNotSupported, "EXPLAIN format %s is not supported", strings.ToUpper(f))
			}
		default:
			return nil, pgerror.Newf(pgcode.Syntax, "unrecognized EXPLAIN option \"%s\"", d.Defname).WithPosition(int(d.Location) + 1)
		}
	}
	ep.summary = ep.analyze
	if summary != nil {
		ep.summary = *summary
	}
	pl.describeOnly = !ep.analyze
	inner := &Prepared{SQL: p.SQL, stmt: p.stmt}
	inner.stmt.AST = n.Query
	pl.topWith = topLevelWith(n.Query)
	switch q := n.Query.Node.(type) {
	case *pg_query.Node_SelectStmt:
		if err := pl.s.planSelect(inner, pl, q.SelectStmt); err != nil {
			return nil, err
		}
		ep.root = inner.plan.(*queryPlan).root
	case *pg_query.Node_InsertStmt, *pg_query.Node_UpdateStmt, *pg_query.Node_DeleteStmt, *pg_query.Node_MergeStmt:
		pp, err := pl.planStatement(inner)
		if err != nil {
			return nil, err
		}
		ep.dml = pp.(*dmlPlan)
		ep.root, ep.title = ep.dml.source, ep.dml.explainTitle()
	case *pg_query.Node_ExecuteStmt:
		if err := pl.explainExecute(ep, inner, q.ExecuteStmt); err != nil {
			return nil, err
		}
	case *pg_query.Node_CreateTableAsStmt:
		if err := pl.planExplainCreateAs(ep, inner, q.CreateTableAsStmt); err != nil {
			return nil, err
		}
	default:
		return nil, pgerror.New(pgcode.FeatureNotSupported, "EXPLAIN of this statement is not supported")
	}
	ep.planned = time.Since(start)
	p.Columns = []Column{{Name: "QUERY PLAN", Type: types.Text}}
	return ep, nil
}

// explainExecute is EXPLAIN [ANALYZE] EXECUTE name(parameters): the plan
// the prepared statement runs with (planned before its parameters are
// known, as a PostgreSQL generic plan), checked against the catalog as
// EXECUTE checks it; ANALYZE runs it with the parameters.
func (pl *planner) explainExecute(ep *explainPlan, p *Prepared, n *pg_query.ExecuteStmt) error {
	pp, err := pl.planExecute(p, n)
	if err != nil {
		return err
	}
	exe := pp.(*executePlan)
	if err := pl.s.replanIfStale(exe.p, pl.txn); err != nil {
		return err
	}
	switch v := exe.p.plan.(type) {
	case *queryPlan:
		ep.root = v.root
	case *dmlPlan:
		ep.dml = v
		ep.root, ep.title = v.source, v.explainTitle()
	default:
		return pgerror.New(pgcode.FeatureNotSupported, "EXPLAIN of this statement is not supported")
	}
	ep.execute = exe
	return nil
}

func defElemTrue(n *pg_query.Node) bool {
	switch s := strings.ToLower(defElemString(n)); s {
	case "false", "off", "0", "no":
		return false
	}
	return true
}

func defElemString(n *pg_query.Node) string {
	if n == nil {
		return ""
	}
	if s := n.GetString_(); s != nil {
		return s.Sval
	}
	if c := n.GetAConst(); c != nil {
		if c.GetSval() != nil {
			return c.GetSval().Sval
		}
		if c.GetIval() != nil {
			return fmt.Sprint(c.GetIval().Ival)
		}
		if c.GetBoolval() != nil {
			return fmt.Sprint(c.GetBoolval().Boolval)
		}
	}
	return ""
}

func (ep *explainPlan) run(s *Session, ec *expr.Context) (Result, error) {
	if ep.execute != nil {
		// The prepared statement's privileges, checked as EXECUTE checks
		// them (Session.Execute): EXPLAIN plans it, and with ANALYZE
		// runs it, here and not through Execute.
		if err := s.checkNeeds(ep.execute.p.needs); err != nil {
			return nil, err
		}
	}
	root := ep.root
	var lines []string
	if ep.createAs != nil {
		skipped, err := ep.createAs.skipped(s, ec)
		if err != nil {
			return nil, err
		}
		if skipped {
			return textRows(nil), nil
		}
	}
	if !ep.analyze {
		if ep.title != "" {
			lines = append(lines, ep.title)
			lines = newExplainer(ep.verbose).tree(lines, root, 1)
		} else {
			lines = newExplainer(ep.verbose).tree(lines, root, 0)
		}
		if ep.summary {
			lines = append(lines, ep.planningTime())
		}
		return textRows(lines), nil
	}
	if ep.execute != nil {
		withParams := *ec
		var err error
		if withParams.Params, err = ep.execute.values(s, ec); err != nil {
			return nil, err
		}
		ec = &withParams
	}
	root = instrument(root)
	subs := instrumentSubqueries(root)
	s.analyzeSubPlans = subs
	defer func() { s.analyzeSubPlans = nil }()
	start := time.Now()
	if ep.createAs != nil {
		if err := ep.createAs.run(s, ec, root); err != nil {
			return nil, err
		}
		ex := newExplainer(ep.verbose)
		ex.analyzed = subs
		lines = ex.tree(lines, root, 0)
	} else if ep.dml != nil {
		dp := *ep.dml
		dp.source = root
		res, err := dp.run(s, ec)
		if err != nil {
			return nil, err
		}
		res.Close()
		lines = append(lines, ep.title)
		ex := newExplainer(ep.verbose)
		ex.analyzed = subs
		lines = ex.tree(lines, root, 1)
	} else {
		x, err := s.newExecCtx(ec)
		if err != nil {
			return nil, err
		}
		it, err := root.open(x)
		if err != nil {
			return nil, err
		}
		for {
			row, err := it.next()
			if err != nil {
				it.close()
				return nil, evalError(ec.Ctx, err)
			}
			if row == nil {
				break
			}
		}
		it.close()
		ex := newExplainer(ep.verbose)
		ex.analyzed = subs
		lines = ex.tree(lines, root, 0)
	}
	if ep.summary {
		lines = append(lines, ep.planningTime(),
			fmt.Sprintf("Execution Time: %.3f ms", float64(time.Since(start).Microseconds())/1000))
	}
	return textRows(lines), nil
}

func (ep *explainPlan) planningTime() string {
	return fmt.Sprintf("Planning Time: %.3f ms", float64(ep.planned.Microseconds())/1000)
}

func textRows(lines []string) Result {
	rows := make([][]types.Datum, len(lines))
	for i, l := range lines {
		rows[i] = []types.Datum{l}
	}
	return &rowsResult{rows: rows, tag: "EXPLAIN"}
}

// tree appends a node and its children at a depth (0: the root, 1: under
// a title line).
func (ex *explainer) tree(lines []string, n planNode, depth int) []string {
	pad := ""
	if depth > 0 {
		pad = "  ->  "
	}
	return ex.node(lines, n, pad)
}

// node appends a node's line, led by pad, its details, the subqueries its
// expressions run (InitPlans before its inputs, SubPlans after, as
// PostgreSQL prints them), and its inputs.
func (ex *explainer) node(lines []string, n planNode, pad string) []string {
	if w, ok := n.(*withDMLNode); ok {
		// Printed as its input, with the data-modifying queries among
		// the input's details, where PostgreSQL prints its CTEs.
		ex.ctes = append(ex.ctes, w.ctes...)
		return ex.node(lines, w.input, pad)
	}
	title, details, children := ex.describe(n)
	est := estimateOf(n)
	if a, ok := n.(*analyzeNode); ok {
		// As PostgreSQL prints it: rows per loop, rounded.
		if a.loops == 0 {
			title += fmt.Sprintf("  (rows=%.0f) (never executed)", est)
		} else {
			title += fmt.Sprintf("  (rows=%.0f) (actual rows=%.0f loops=%d)", est, float64(a.rows)/float64(a.loops), a.loops)
		}
		if a.pkLoops > 0 {
			details = append(details, fmt.Sprintf("Read Through Primary Key: %d of %d loops (more values than planned)", a.pkLoops, a.loops))
		}
	} else {
		title += fmt.Sprintf("  (rows=%.0f)", est)
	}
	lines = append(lines, pad+title)
	detailPad := strings.Repeat(" ", len(pad)+2)
	for _, d := range details {
		lines = append(lines, detailPad+d)
	}
	ctes := ex.ctes
	ex.ctes = nil
	for _, c := range ctes {
		lines = append(lines, detailPad+"CTE "+c.name)
		lines = ex.node(lines, c.plan, detailPad+"  ->  ")
	}
	subs := subqueriesOf(nodeExprs(n))
	for _, sq := range subs {
		if ex.initPlan(sq) {
			lines = append(lines, detailPad+ex.label(sq))
			lines = ex.node(lines, ex.planOf(sq), detailPad+"  ->  ")
		}
	}
	childPad := strings.Repeat(" ", len(pad)) + "  ->  "
	for _, c := range children {
		lines = ex.node(lines, c, childPad)
	}
	for _, sq := range subs {
		if !ex.initPlan(sq) {
			lines = append(lines, detailPad+ex.label(sq))
			lines = ex.node(lines, ex.planOf(sq), detailPad+"  ->  ")
		}
	}
	return lines
}

// describe names a node, its details and its children; verbose puts a
// scan's Output line first among its details, where PostgreSQL prints it.
func (ex *explainer) describe(n planNode) (string, []string, []planNode) {
	verbose := ex.verbose
	switch v := n.(type) {
	case *analyzeNode:
		return ex.describe(v.inner)
	case *scanNode:
		ix := v.layout.Indexes[v.index]
		var title string
		switch {
		case v.index == 0 && v.bounds == nil && !v.reverse:
			title = "Seq Scan on " + v.desc.Name
		default:
			title = "Index Scan using " + ix.Name + " on " + v.desc.Name
		}
		if len(v.columns) > 0 && v.columns[0].table != "" && v.columns[0].table != v.desc.Name {
			title += " " + v.columns[0].table
		}
		if v.indexOnly {
			title = strings.Replace(title, "Index Scan", "Index Only Scan", 1)
		}
		if v.reverse {
			title = strings.Replace(title, "Scan", "Scan Backward", 1)
		}
		if v.workers > 0 {
			title = "Parallel " + title
		}
		var d []string
		if verbose {
			d = append(d, "Output: "+v.outputList())
		}
		if v.workers > 0 {
			d = append(d, "Workers Planned: "+strconv.Itoa(v.workers))
		}
		if h := v.history; h != nil && h.params == nil {
			d = append(d, "History: tx "+strconv.FormatUint(h.from, 10)+" to "+strconv.FormatUint(h.to, 10))
		} else if h != nil {
			d = append(d, "History: a range given by parameters")
		}
		if a := v.asOf; a != nil {
			if a.param != nil {
				d = append(d, "As Of: $"+itoa64(int64(a.param.Index)))
			} else {
				d = append(d, "As Of: tx "+strconv.FormatUint(a.tx, 10))
			}
		}
		if v.bounds != nil {
			d = append(d, "Index Cond: "+ex.bounds(v.bounds, v.layout, &ix))
		}
		if v.filter != nil {
			d = append(d, "Filter: "+ex.expr(v.filter, v.columns))
		}
		return title, d, nil
	case *seqRelNode:
		title := "Seq Scan on " + v.desc.Name
		if len(v.columns) > 0 && v.columns[0].table != v.desc.Name {
			title += " " + v.columns[0].table
		}
		if !verbose {
			return title, nil, nil
		}
		var names []string
		for i, c := range v.columns {
			if !c.hidden {
				names = append(names, exprString(&expr.ColRef{Idx: i}, v.columns))
			}
		}
		return title, []string{"Output: " + strings.Join(names, ", ")}, nil
	case *filterNode:
		return "Filter", []string{"Filter: " + ex.expr(v.pred, v.input.cols())}, []planNode{v.input}
	case *projectNode:
		return "Result", nil, []planNode{v.input}
	case *renameNode:
		return "Subquery Scan", nil, []planNode{v.input}
	case *limitNode:
		return "Limit", nil, []planNode{v.input}
	case *lockRowsNode:
		return "LockRows", nil, []planNode{v.input}
	case *sortNode:
		title := "Sort"
		if v.limit != nil {
			title = "Top-N Sort"
		}
		return title, []string{"Sort Key: " + sortKeysString(v.keys, sortKeyColumns(v.input))}, []planNode{v.input}
	case *distinctNode:
		return "HashAggregate (DISTINCT)", nil, []planNode{v.input}
	case *aggNode:
		title := "HashAggregate"
		if len(v.groups) == 0 {
			title = "Aggregate"
		}
		var d []string
		if len(v.groups) > 0 {
			keys := make([]string, len(v.groups))
			for i, g := range v.groups {
				keys[i] = ex.expr(g, v.input.cols())
			}
			d = append(d, "Group Key: "+strings.Join(keys, ", "))
		}
		return title, d, []planNode{v.input}
	case *windowNode:
		return "WindowAgg", nil, []planNode{v.input}
	case *joinNode:
		title := "Hash " + joinNames[v.kind] + " Join"
		if len(v.leftKeys) == 0 {
			title = "Nested Loop " + joinNames[v.kind] + " Join"
		}
		var d []string
		if len(v.leftKeys) > 0 {
			conds := make([]string, len(v.leftKeys))
			for i := range v.leftKeys {
				conds[i] = ex.expr(v.leftKeys[i], v.left.cols()) + " = " + ex.expr(v.rightKeys[i], v.columns)
			}
			d = append(d, "Hash Cond: ("+strings.Join(conds, ") AND (")+")")
		}
		if v.cond != nil {
			d = append(d, "Join Filter: "+ex.expr(v.cond, v.columns))
		}
		return strings.Replace(title, "Inner ", "", 1), d, []planNode{v.left, v.right}
	case *adaptiveJoinNode:
		title, d, children := ex.describe(v.hash)
		ix := v.lookup.right.layout.Indexes[v.lookup.right.index]
		d = append(d, fmt.Sprintf("Nested Loop using %s instead when the outer side has at most %d rows", ix.Name, v.limit))
		return title, d, children
	case *lookupJoinNode:
		title := "Nested Loop " + joinNames[v.kind] + " Join"
		return strings.Replace(title, "Inner ", "", 1), nil, []planNode{v.left, v.right}
	case *setOpNode:
		names := [...]string{"Union", "Intersect", "Except"}
		title := names[v.op]
		if v.all {
			title += " All"
		}
		return title, nil, []planNode{v.left, v.right}
	case *valuesNode:
		if len(v.rows) == 1 && len(v.columns) == 0 {
			return "Result", nil, nil
		}
		return "Values Scan", nil, nil
	case *cteScanNode:
		return "CTE Scan on " + v.cte.name, nil, nil
	case *withDMLNode:
		return "", nil, []planNode{v.input}
	case *dmlCTENode:
		dp := v.cte.dml.plan
		return dp.explainTitle(), nil, []planNode{dp.source}
	case *workScanNode:
		return "WorkTable Scan", nil, nil
	case *recursiveNode:
		return "Recursive Union", nil, []planNode{v.base, v.step}
	case *seriesNode:
		return "Function Scan on generate_series", nil, nil
	case *exprSetNode:
		return "Function Scan on " + v.name, nil, nil
	case *recordFuncNode:
		return "Function Scan on " + v.fn.Name, nil, nil
	case *ordinalityNode:
		return "WithOrdinality", nil, []planNode{v.input}
	case *applyJoinNode:
		title := "Nested Loop " + joinNames[v.kind] + " Join (lateral)"
		return strings.Replace(title, "Inner ", "", 1), nil, []planNode{v.left, v.right}
	case *projectSetNode:
		return "ProjectSet", nil, append([]planNode{v.input}, v.srfs...)
	case *groupingSetsNode:
		return "GroupingSets", nil, []planNode{v.agg}
	}
	return fmt.Sprintf("%T", n), nil, nil
}

// bounds prints an index scan's bounds over the key columns.
func (ex *explainer) bounds(b *indexBounds, l *engine.Layout, ix *engine.IndexLayout) string {
	var parts []string
	for i, vals := range b.eq {
		name := l.Names[ix.Cols[i]]
		if oneValue(vals) {
			parts = append(parts, name+" = "+ex.expr(vals[0], nil))
			continue
		}
		vs := make([]string, len(vals))
		for j, v := range vals {
			vs[j] = ex.expr(v, nil)
		}
		parts = append(parts, name+" = ANY ("+strings.Join(vs, ", ")+")")
	}
	if k := len(b.eq); k < len(ix.Cols) {
		if b.lo != nil {
			op := " > "
			if b.loIncl {
				op = " >= "
			}
			parts = append(parts, ex.rangeBound(l, ix, k, b.lo, b.loRow, op))
		}
		if b.hi != nil {
			op := " < "
			if b.hiIncl {
				op = " <= "
			}
			parts = append(parts, ex.rangeBound(l, ix, k, b.hi, b.hiRow, op))
		}
	}
	return "(" + strings.Join(parts, ") AND (") + ")"
}

// rangeBound prints a range bound on key column k: "col op value", or
// for a row comparison's over the columns from k on, "ROW(..) op
// ROW(..)".
func (ex *explainer) rangeBound(l *engine.Layout, ix *engine.IndexLayout, k int, v expr.Expr, row []expr.Expr, op string) string {
	if len(row) == 0 {
		return l.Names[ix.Cols[k]] + op + ex.expr(v, nil)
	}
	names := []string{l.Names[ix.Cols[k]]}
	vals := []string{ex.expr(v, nil)}
	for j, e := range row {
		names = append(names, l.Names[ix.Cols[k+1+j]])
		vals = append(vals, ex.expr(e, nil))
	}
	return "ROW(" + strings.Join(names, ", ") + ")" + op + "ROW(" + strings.Join(vals, ", ") + ")"
}

// sortKeysString prints sort keys by column name.
func sortKeysString(keys []sortKey, cols []column) string {
	out := make([]string, len(keys))
	for i, k := range keys {
		s := "#" + itoa64(int64(k.col+1))
		if k.col < len(cols) && cols[k.col].name != "" {
			s = cols[k.col].name
		}
		if k.desc {
			s += " DESC"
		}
		if k.nullsFirst != k.desc {
			if k.nullsFirst {
				s += " NULLS FIRST"
			} else {
				s += " NULLS LAST"
			}
		}
		out[i] = s
	}
	return strings.Join(out, ", ")
}

// sortKeyColumns names a sort's input columns for its Sort Key: an ORDER
// BY item that is not in the select list is a hidden column of the
// projection below, named by its expression as PostgreSQL does.
func sortKeyColumns(in planNode) []column {
	p, ok := in.(*projectNode)
	if !ok {
		return in.cols()
	}
	cols := append([]column(nil), p.cols()...)
	for i, c := range cols {
		if c.hidden && c.name == "?column?" && i < len(p.exprs) {
			cols[i].name = exprString(p.exprs[i], p.input.cols())
		}
	}
	return cols
}

// exprString prints an expression for EXPLAIN, naming columns by cols.
func exprString(e expr.Expr, cols []column) string {
	return (*explainer)(nil).expr(e, cols)
}

// expr is exprString naming the subqueries as the plan EXPLAIN prints
// lists them; without an explainer each is "(SubPlan)".
func (ex *explainer) expr(e expr.Expr, cols []column) string {
	switch v := e.(type) {
	case *expr.ColRef:
		if v.Idx < len(cols) && cols[v.Idx].name != "" {
			if t := cols[v.Idx].table; t != "" {
				return t + "." + cols[v.Idx].name
			}
			return cols[v.Idx].name
		}
		if v.Name != "" {
			return v.Name
		}
		return "#" + itoa64(int64(v.Idx+1))
	case *expr.OuterRef:
		return "outer." + v.Name
	case *listBound:
		if v.sub != nil {
			// Inside the bound's own ANY (...).
			return strings.TrimSuffix(strings.TrimPrefix(ex.ref(v.sub), "("), ")")
		}
		return ex.expr(v.arr, nil)
	case *expr.Const:
		if v.V == nil {
			return "NULL"
		}
		fs := types.DefaultFormatSettings()
		txt := string(v.T.AppendText(nil, v.V, &fs))
		if v.T.Category == 'N' {
			return txt
		}
		return "'" + strings.ReplaceAll(txt, "'", "''") + "'::" + v.T.String()
	case *expr.Param:
		return "$" + itoa64(int64(v.Index))
	case *expr.Cast:
		return ex.expr(v.Arg, cols) + "::" + v.T.String()
	case *expr.And:
		return ex.join(v.Args, cols, " AND ")
	case *expr.Or:
		return ex.join(v.Args, cols, " OR ")
	case *expr.Not:
		return "NOT " + ex.expr(v.Arg, cols)
	case *expr.IsNull:
		if v.Not {
			return "(" + ex.expr(v.Arg, cols) + " IS NOT NULL)"
		}
		return "(" + ex.expr(v.Arg, cols) + " IS NULL)"
	case *expr.Func:
		if len(v.Args) == 2 && isOperatorName(v.Name) {
			return "(" + ex.expr(v.Args[0], cols) + " " + v.Name + " " + ex.expr(v.Args[1], cols) + ")"
		}
		return v.Name + "(" + ex.join(v.Args, cols, ", ") + ")"
	case *expr.ArrayExpr:
		return "ARRAY[" + ex.join(v.Elems, cols, ", ") + "]"
	case *expr.ScalarArrayOp:
		quant := " ALL ("
		if v.Any {
			quant = " ANY ("
		}
		return "(" + ex.expr(v.Left, cols) + " " + v.Op + quant + ex.expr(v.Array, cols) + "))"
	case *expr.RowCompare:
		return "(ROW(" + ex.join(v.Left, cols, ", ") + ") " + v.Op + " ROW(" + ex.join(v.Right, cols, ", ") + "))"
	case *subqueryExpr:
		return ex.ref(v)
	case *slotRef:
		return v.name
	}
	if p, ok := e.(expr.Parent); ok {
		return strings.TrimPrefix(fmt.Sprintf("%T", e), "*expr.") + "(" + ex.join(p.Children(), cols, ", ") + ")"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", e), "*expr.")
}

func (ex *explainer) join(es []expr.Expr, cols []column, sep string) string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = ex.expr(e, cols)
	}
	if sep != ", " {
		return "(" + strings.Join(out, sep) + ")"
	}
	return strings.Join(out, sep)
}

func isOperatorName(name string) bool {
	for _, r := range name {
		if strings.ContainsRune("+-*/<>=~!@#%^&|`?", r) {
			continue
		}
		return false
	}
	return name != ""
}
