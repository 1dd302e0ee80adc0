package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// insertPlan is INSERT: rows from a source fill target columns; the
// others take their defaults.
type insertPlan struct {
	w      *tableWriter
	source planNode
	// targets are the table positions the source's columns fill.
	targets  []int
	conflict *onConflict
	// scans is set when the statement reads a table (in its source, ON
	// CONFLICT or RETURNING): its reads are then fixed before its first
	// write, since a source without a scan of its own (VALUES with a
	// subquery) may run its first read after it.
	scans bool
}

// onConflict is ON CONFLICT: the unique indexes that arbitrate, and for
// DO UPDATE the assignments and filter over the existing row followed by
// the proposed one (EXCLUDED).
type onConflict struct {
	arbiters []*engine.IndexLayout
	update   bool
	set      []assignment
	where    expr.Expr
	// rel, when not 0, is the target's OID, appended to the existing row
	// and EXCLUDED for the system column tableoid of SET and WHERE.
	rel uint32
}

func (pl *planner) planInsert(p *Prepared, n *pg_query.InsertStmt) (plan, error) {
	var dml []*cte
	if n.WithClause != nil {
		pop, ctes, err := pl.withClause(n.WithClause, nil, &level{})
		if err != nil {
			return nil, err
		}
		defer pop()
		dml = ctes
	}
	d, inserted, err := pl.targetTable(n.Relation, "INSERT")
	if err != nil {
		return nil, err
	}
	w, err := pl.writer(d)
	if err != nil {
		return nil, err
	}
	w.noteWritten(inserted)
	ip := &insertPlan{w: w}
	if ip.targets, err = insertTargets(w, n.Cols); err != nil {
		return nil, err
	}
	if ip.source, err = pl.insertSource(ip, n); err != nil {
		return nil, err
	}
	for _, t := range ip.targets {
		inserted.mark(w.cols[t].attNum)
	}
	alias := d.Name
	if n.Relation.Alias != nil {
		alias = n.Relation.Alias.Aliasname
	}
	// RETURNING and ON CONFLICT read the row: SELECT on what they read
	// (an INSERT without them needs none, and checks none as it runs).
	rowCols := tableColumns(d, alias)
	if len(n.ReturningList) > 0 || n.OnConflictClause != nil {
		rowCols = withUse(rowCols, pl.needColumns("r", d, true))
	}
	if n.OnConflictClause != nil {
		if ip.conflict, err = pl.planOnConflict(w, n.OnConflictClause, rowCols, alias); err != nil {
			return nil, err
		}
	}
	dp := &dmlPlan{verb: "INSERT", table: d.Name, source: ip.source, exec: ip.exec}
	if dp.ret, err = pl.planReturning(n.ReturningList, newScope(rowCols, &level{}, nil), d, n.Relation); err != nil {
		return nil, err
	}
	ip.scans = pl.scansTables
	dp.source = withDML(dp.source, dml)
	return finishDML(p, dp), nil
}

// insertTargets resolves the column list (all visible columns if none).
func insertTargets(w *tableWriter, cols []*pg_query.Node) ([]int, error) {
	var out []int
	if len(cols) == 0 {
		for i, c := range w.cols {
			if !c.hidden {
				out = append(out, i)
			}
		}
		return out, nil
	}
	seen := map[int]bool{}
	for _, n := range cols {
		rt := n.GetResTarget()
		i := w.columnByName(rt.Name)
		if i < 0 {
			return nil, pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", rt.Name, w.desc.Name).WithPosition(int(rt.Location) + 1)
		}
		if len(rt.Indirection) > 0 {
			return nil, pgerror.New(pgcode.FeatureNotSupported, "assignment to a field or array element is not supported").WithPosition(int(rt.Location) + 1)
		}
		if seen[i] {
			return nil, pgerror.Newf(pgcode.DuplicateColumn, "column \"%s\" specified more than once", rt.Name).WithPosition(int(rt.Location) + 1)
		}
		seen[i] = true
		out = append(out, i)
	}
	return out, nil
}

// insertSource plans the rows to insert, each value coerced to its
// column's type as an assignment.
func (pl *planner) insertSource(ip *insertPlan, n *pg_query.InsertStmt) (planNode, error) {
	w := ip.w
	if n.SelectStmt == nil { // DEFAULT VALUES
		ip.targets = nil
		return oneRow(), nil
	}
	sel := n.SelectStmt.GetSelectStmt()
	// Without a column list, fewer values than columns fill the first
	// columns (PostgreSQL's rule); the others take their defaults.
	implicit := len(n.Cols) == 0
	fit := func(items int) {
		if implicit && items < len(ip.targets) {
			ip.targets = ip.targets[:items]
		}
	}
	countError := func(items int, loc int32) error { return insertCountError(items, len(ip.targets), loc) }
	if len(sel.ValuesLists) > 0 && sel.Op == pg_query.SetOperation_SETOP_NONE && len(sel.SortClause) == 0 && sel.LimitCount == nil && sel.LimitOffset == nil && sel.WithClause == nil {
		b := pl.builder(newScope(nil, &level{}, nil), "VALUES")
		fit(len(sel.ValuesLists[0].GetList().Items))
		node := &valuesNode{}
		for _, t := range ip.targets {
			node.columns = append(node.columns, column{name: w.cols[t].name, typ: w.cols[t].typ})
		}
		for _, l := range sel.ValuesLists {
			items := l.GetList().Items
			if len(items) != len(ip.targets) {
				loc := expr.Location(l)
				if len(items) > len(ip.targets) {
					loc = expr.Location(items[len(ip.targets)])
				}
				return nil, countError(len(items), loc)
			}
			row := make([]expr.Expr, len(items))
			for i, it := range items {
				var err error
				if row[i], err = w.insertValue(b, ip.targets[i], it, n.Override); err != nil {
					return nil, err
				}
			}
			node.rows = append(node.rows, row)
		}
		return node, nil
	}
	// As PostgreSQL's transformInsertStmt, the select list's untyped
	// literals stay untyped: INSERT INTO t SELECT 1, NULL assigns the NULL
	// to the column's type, not text.
	pl.keepUnknown = true
	src, err := pl.planQuery(sel, nil, &level{})
	pl.keepUnknown = false
	if err != nil {
		return nil, err
	}
	cols := visibleColumns(src.cols())
	fit(len(cols))
	if len(cols) != len(ip.targets) {
		return nil, countError(len(cols), expr.Location(n.SelectStmt))
	}
	b := pl.builder(newScope(src.cols(), &level{}, nil), "INSERT")
	proj := &projectNode{input: src}
	k := 0
	for i, sc := range src.cols() {
		if sc.hidden {
			continue
		}
		col := ip.targets[k]
		k++
		c := &w.desc.Table.Columns[col]
		ignore, err := w.identityIgnored(col, n.Override)
		if err != nil {
			return nil, err
		}
		e, err := b.Assign(&expr.ColRef{Idx: i, T: sc.typ, Name: sc.name}, c.Type(), c.Name, -1)
		if err != nil {
			return nil, err
		}
		if ignore {
			e = w.defaultOrNull(col)
		}
		proj.exprs = append(proj.exprs, e)
		proj.columns = append(proj.columns, column{name: c.Name, typ: c.Type()})
	}
	return proj, nil
}

// insertCountError is the error of a row of items values for targets
// columns, at loc.
func insertCountError(items, targets int, loc int32) error {
	if items > targets {
		return pgerror.New(pgcode.Syntax, "INSERT has more expressions than target columns").WithPosition(int(loc) + 1)
	}
	return pgerror.New(pgcode.Syntax, "INSERT has more target columns than expressions").WithPosition(int(loc) + 1)
}

// identityIgnored reports whether a value given for column col is
// replaced by the column's default (an identity column under OVERRIDING
// USER VALUE), and refuses a value for a generated column or a GENERATED
// ALWAYS identity column.
func (w *tableWriter) identityIgnored(col int, override pg_query.OverridingKind) (bool, error) {
	c := &w.desc.Table.Columns[col]
	switch {
	case c.Generated != "":
		return false, errGeneratedInsert(c) // whatever OVERRIDING says
	case c.Identity == "" || override == pg_query.OverridingKind_OVERRIDING_SYSTEM_VALUE:
		return false, nil
	case override == pg_query.OverridingKind_OVERRIDING_USER_VALUE:
		return true, nil // the given value is ignored
	case c.Identity == "a":
		return false, pgerror.Newf(pgcode.GeneratedAlways, "cannot insert a non-DEFAULT value into column \"%s\"", c.Name).
			WithDetail("Column \"" + c.Name + "\" is an identity column defined as GENERATED ALWAYS.").
			WithHint("Use OVERRIDING SYSTEM VALUE to override.")
	}
	return false, nil
}

// insertValue builds the value a VALUES item gives column col: the
// column's default for DEFAULT, else the item assigned to the column's
// type (INSERT's VALUES lists, MERGE's INSERT action).
func (w *tableWriter) insertValue(b *expr.Builder, col int, item *pg_query.Node, override pg_query.OverridingKind) (expr.Expr, error) {
	if item.GetSetToDefault() != nil {
		return w.defaultOrNull(col), nil
	}
	c := &w.desc.Table.Columns[col]
	ignore, err := w.identityIgnored(col, override)
	if err != nil {
		return nil, err
	}
	e, err := b.Build(item)
	if err != nil {
		return nil, err
	}
	if e, err = b.Assign(e, c.Type(), c.Name, expr.Location(item)); err != nil {
		return nil, err
	}
	if e, err = b.Finish(e); err != nil {
		return nil, err
	}
	if ignore {
		return w.defaultOrNull(col), nil
	}
	return e, nil
}

// defaultOrNull is the expression of a column's default.
func (w *tableWriter) defaultOrNull(col int) expr.Expr {
	if e := w.defaults[col]; e != nil {
		return e
	}
	return &expr.Const{T: w.cols[col].typ, Loc: -1}
}

func (ip *insertPlan) exec(x *execCtx, src planNode, emit func([]types.Datum) error) (int64, error) {
	if ip.scans {
		x.stmtReads()
	}
	it, err := src.open(x)
	if err != nil {
		return 0, err
	}
	defer it.close()
	w := ip.w
	isTarget := make([]bool, len(w.cols))
	for _, t := range ip.targets {
		isTarget[t] = true
	}
	var touched map[string]bool
	if ip.conflict != nil && ip.conflict.update {
		touched = map[string]bool{}
	}
	var n int64
	for {
		src, err := it.next()
		if err != nil {
			return n, err
		}
		if src == nil {
			return n, nil
		}
		row := make([]types.Datum, len(w.cols))
		for i, t := range ip.targets {
			row[t] = src[i]
		}
		for i := range row {
			if !isTarget[i] && w.defaults[i] != nil {
				if row[i], err = x.eval(w.defaults[i], nil); err != nil {
					return n, err
				}
			}
		}
		// As PostgreSQL, NOT NULL and CHECK hold for a proposed row even
		// when it conflicts.
		if err := w.validate(x, row); err != nil {
			return n, err
		}
		if ip.conflict != nil {
			handled, changed, err := ip.onConflict(x, row, touched, emit)
			if err != nil {
				return n, err
			}
			if handled {
				if changed {
					n++
				}
				continue
			}
		}
		if err := w.insertValid(x, row); err != nil {
			return n, err
		}
		if touched != nil {
			key, err := w.layout.RowKey(row)
			if err != nil {
				return n, err
			}
			touched[string(key)] = true
		}
		if err := emit(row); err != nil {
			return n, err
		}
		n++
	}
}
