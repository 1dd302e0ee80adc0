package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// dmlPlan runs INSERT, UPDATE, DELETE or MERGE to completion in the session's
// transaction, then returns the RETURNING rows (if any) and the tag.
type dmlPlan struct {
	verb  string // "INSERT", "UPDATE", "DELETE", "MERGE"
	table string
	// source produces the rows to insert, or the rows to change (the
	// target's row first; for MERGE, the source's row joined to the
	// target's).
	source planNode
	// exec applies the statement to the rows of src, calling emit with
	// each changed row (the new row; the old one for DELETE); it returns
	// the count.
	exec func(x *execCtx, src planNode, emit func(row []types.Datum) error) (int64, error)
	ret  *returning
}

// explainTitle is EXPLAIN's top line for the statement.
func (p *dmlPlan) explainTitle() string {
	switch p.verb {
	case "INSERT":
		return "Insert on " + p.table
	case "UPDATE":
		return "Update on " + p.table
	case "MERGE":
		return "Merge on " + p.table
	}
	return "Delete on " + p.table
}

func (p *dmlPlan) run(s *Session, ec *expr.Context) (Result, error) {
	x, err := s.newExecCtx(ec)
	if err != nil {
		return nil, err
	}
	if x.txn.ReadOnly() {
		return nil, pgerror.Newf(pgcode.ReadOnlySQLTransaction, "cannot execute %s in a read-only transaction", p.verb)
	}
	defer x.releaseReads()
	rows, n, err := p.execute(x)
	if err != nil {
		return nil, evalError(x.ctx, err)
	}
	if err := x.runFKChecks(); err != nil {
		return nil, evalError(x.ctx, err)
	}
	return &rowsResult{rows: rows, tag: dmlTag(p.verb, n)}, nil
}

// execute applies the statement and returns its RETURNING rows (if
// any) and the count of rows changed; the foreign-key checks it queued
// are left to the end of the whole statement.
func (p *dmlPlan) execute(x *execCtx) ([][]types.Datum, int64, error) {
	var rows [][]types.Datum
	emit := func([]types.Datum) error { return nil }
	if p.ret != nil {
		emit = func(row []types.Datum) error {
			out, err := p.ret.eval(x, row)
			if err != nil {
				return err
			}
			if err := x.mem.grow(rowSize(out)); err != nil {
				return err
			}
			rows = append(rows, out)
			return nil
		}
	}
	n, err := p.exec(x, p.source, emit)
	return rows, n, err
}

// dmlTag is the command tag of a DML statement that changed n rows.
func dmlTag(verb string, n int64) string {
	switch verb {
	case "INSERT":
		return insertTags.tag(n)
	case "UPDATE":
		return updateTags.tag(n)
	case "DELETE":
		return deleteTags.tag(n)
	case "MERGE":
		return mergeTags.tag(n)
	}
	return verb + " " + itoa64(n)
}

// returning is a RETURNING list over a changed row.
type returning struct {
	exprs   []expr.Expr
	columns []column
	// rel, when not 0, is the OID of the table written, appended to the
	// row at width (after the scope's columns) for the system column
	// tableoid.
	rel   uint32
	width int
}

func (r *returning) eval(x *execCtx, row []types.Datum) ([]types.Datum, error) {
	if r.rel != 0 {
		row = append(row[:r.width:r.width], dOid(r.rel))
	}
	out := make([]types.Datum, len(r.exprs))
	for i, e := range r.exprs {
		v, err := x.eval(e, row)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// planReturning builds a RETURNING list over the rows of a scope, which
// begin with the row of table d, written as target. The list may read
// the table's system column tableoid; _tx and _ts are not served, as the
// row written has no committed version yet. (The scope of an UPDATE or
// DELETE that names a system column has the target's already, from its
// scan: its _tx and _ts are hidden here. An INSERT's has none: tableoid
// is appended.)
func (pl *planner) planReturning(list []*pg_query.Node, sc *scope, d *catalog.Descriptor, target *pg_query.RangeVar) (*returning, error) {
	if len(list) == 0 {
		return nil, nil
	}
	r := &returning{}
	if pl.sysCols {
		table := target.Relname
		if target.Alias != nil {
			table = target.Alias.Aliasname
		}
		cols := append([]column(nil), sc.cols...)
		scanned := false
		for i, c := range cols {
			if !c.hidden || c.table != table {
				continue
			}
			switch c.name {
			case "_tx", "_ts":
				cols[i].name = ""
			case tableOIDColumn:
				scanned = true
			}
		}
		if !scanned && returnsTableOID(list) {
			r.rel, r.width = d.ID, len(cols)
			cols = append(cols, tableOIDCol(table))
		}
		sc = newScope(cols, sc.level, sc.outer)
	}
	targets, err := expandTargets(list, sc, true)
	if err != nil {
		return nil, err
	}
	b := pl.builder(sc, "RETURNING")
	for _, t := range targets {
		if t.node == nil {
			c := sc.cols[t.starCol]
			r.exprs = append(r.exprs, &expr.ColRef{Idx: t.starCol, T: c.typ, Name: c.name})
			r.columns = append(r.columns, c)
			continue
		}
		e, err := b.Build(t.node)
		if err != nil {
			return nil, err
		}
		if e, err = b.Finish(e); err != nil {
			return nil, err
		}
		col := column{name: t.name, typ: e.Type()}
		if ref, ok := e.(*expr.ColRef); ok {
			src := sc.cols[ref.Idx]
			col.tableOID, col.attNum = src.tableOID, src.attNum
		}
		r.exprs = append(r.exprs, e)
		r.columns = append(r.columns, col)
	}
	return r, nil
}

// returnsTableOID reports whether a RETURNING list reads tableoid.
func returnsTableOID(list []*pg_query.Node) bool {
	for _, n := range list {
		if namesColumn(n, func(name string) bool { return name == tableOIDColumn }) {
			return true
		}
	}
	return false
}

// finishDML sets a prepared statement's plan and result columns.
func finishDML(p *Prepared, dp *dmlPlan) plan {
	if dp.ret != nil {
		p.Columns = resultColumns(dp.ret.columns)
	}
	return dp
}

// targetTable resolves the table a data-changing statement writes. An
// INSERT or UPDATE may write columns it holds the privilege on: the
// columns it writes are to be marked in the use returned (nil for a
// DELETE).
func (pl *planner) targetTable(rv *pg_query.RangeVar, verb string) (*catalog.Descriptor, *columnUse, error) {
	if err := refuseSystemCatalog(pl.txn, pl.s.searchPath(), rv.Schemaname, rv.Relname); err != nil {
		return nil, nil, err
	}
	d, err := pl.relation(rv.Schemaname, rv.Relname)
	if err != nil {
		if pe, ok := err.(*pgerror.Error); ok && pe.Position == 0 {
			return nil, nil, pe.WithPosition(int(rv.Location) + 1)
		}
		return nil, nil, err
	}
	var use *columnUse
	if verb == "DELETE" {
		pl.needTable("d", d)
	} else {
		use = pl.needColumns(map[string]string{"INSERT": "a", "UPDATE": "w"}[verb], d, false)
	}
	if d.IsMatView() {
		return nil, nil, pgerror.Newf(pgcode.WrongObjectType, "cannot change materialized view \"%s\"", d.Name)
	}
	switch d.Kind {
	case catalog.KindTable:
		return d, use, nil
	case catalog.KindView:
		return nil, nil, pgerror.Newf(pgcode.FeatureNotSupported, "cannot %s view \"%s\"", verbPhrase(verb), d.Name).
			WithDetail("Views are read-only in stela.")
	}
	return nil, nil, pgerror.Newf(pgcode.WrongObjectType, "cannot change %s \"%s\"", d.Kind, d.Name)
}

func verbPhrase(verb string) string {
	switch verb {
	case "INSERT":
		return "insert into"
	case "UPDATE":
		return "update"
	}
	return "delete from"
}

// assignment is one column of a SET clause: e is nil for DEFAULT. pre
// are the subqueries of SET (a, b) = (SELECT ...) items whose values
// the SET list's expressions read: apply runs every assignment's pre
// before it evaluates any e, because an e may read the values of a
// later item's subquery (SET p.a = 1, (p.b, x) = (SELECT ...) folds the
// p.b field store into the first assignment of p), as PostgreSQL
// evaluates its MULTIEXPR subplans first.
type assignment struct {
	col int
	e   expr.Expr
	pre []expr.Expr
}

// planSetClause builds UPDATE's (and ON CONFLICT DO UPDATE's) SET list
// over the rows of a scope.
func (pl *planner) planSetClause(w *tableWriter, list []*pg_query.Node, sc *scope, updated *columnUse) ([]assignment, error) {
	b := pl.builder(sc, "UPDATE")
	var out []assignment
	seen := map[int]bool{}
	fieldAssigned := map[int]int{} // column -> its field assignment in out
	var multi *subqueryExpr        // the sub-SELECT of the current (a, b) = item
	for _, item := range list {
		rt := item.GetResTarget()
		col := w.columnByName(rt.Name)
		if col < 0 && isPGSystemColumn(rt.Name) {
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "cannot assign to system column \"%s\"", rt.Name).WithPosition(int(rt.Location) + 1)
		}
		if col < 0 {
			return nil, pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", rt.Name, w.desc.Name).WithPosition(int(rt.Location) + 1)
		}
		fields, err := fieldIndirection(rt)
		if err != nil {
			return nil, err
		}
		// SET p.a = 1, p.b = 2 assigns two fields of p, one over the
		// other, as PostgreSQL's FieldStore chain does.
		prev, chained := fieldAssigned[col]
		if seen[col] && !(chained && fields != nil) {
			return nil, pgerror.Newf(pgcode.Syntax, "multiple assignments to same column \"%s\"", rt.Name).WithPosition(int(rt.Location) + 1)
		}
		seen[col] = true
		updated.mark(int16(col + 1))
		c := &w.desc.Table.Columns[col]
		val := rt.Val
		var pre []expr.Expr
		var subVal expr.Expr
		valLoc := expr.Location(val)
		if m := val.GetMultiAssignRef(); m != nil {
			if m.Colno == 1 {
				var err error
				if multi, err = pl.multiAssignSource(sc, m); err != nil {
					return nil, err
				}
				if multi != nil {
					pre = []expr.Expr{multi}
				}
			}
			if row := m.Source.GetRowExpr(); row != nil {
				if len(row.Args) != int(m.Ncolumns) {
					return nil, pgerror.New(pgcode.Syntax, "number of columns does not match number of values").WithPosition(int(rt.Location) + 1)
				}
				val = row.Args[m.Colno-1]
				valLoc = expr.Location(val)
			} else {
				subVal, valLoc = multi.outs[m.Colno-1], expr.Location(m.Source)
			}
		}
		if val.GetSetToDefault() != nil {
			if fields != nil {
				return nil, pgerror.New(pgcode.FeatureNotSupported, "assigning DEFAULT to a field is not supported").WithPosition(int(rt.Location) + 1)
			}
			out = append(out, assignment{col: col})
			continue
		}
		if c.Generated != "" {
			return nil, errGeneratedUpdate(c)
		}
		if c.Identity == "a" {
			return nil, pgerror.Newf(pgcode.GeneratedAlways, "column \"%s\" can only be updated to DEFAULT", c.Name).
				WithDetail("Column \"" + c.Name + "\" is an identity column defined as GENERATED ALWAYS.")
		}
		e := subVal
		if e == nil {
			var err error
			if e, err = b.Build(val); err != nil {
				return nil, err
			}
		}
		if fields != nil {
			// The column's old value, or the fields assigned before.
			var base expr.Expr = &expr.ColRef{Idx: col, T: c.Type(), Name: c.Name}
			if chained {
				base = out[prev].e
			}
			if e, err = b.AssignField(base, c.Name, fields, e, valLoc, rt.Location); err != nil {
				return nil, err
			}
			if chained {
				out[prev].e = e
				out[prev].pre = append(out[prev].pre, pre...)
				continue
			}
			fieldAssigned[col] = len(out)
		} else if e, err = b.Assign(e, c.Type(), c.Name, valLoc); err != nil {
			return nil, err
		}
		if e, err = b.Finish(e); err != nil {
			return nil, err
		}
		out = append(out, assignment{col: col, e: e, pre: pre})
	}
	return out, nil
}

// fieldIndirection is the field path of a SET target column.f1.f2
// (nil for a plain column); an array element target stays refused.
func fieldIndirection(rt *pg_query.ResTarget) ([]string, error) {
	var fields []string
	for _, n := range rt.Indirection {
		s := n.GetString_()
		if s == nil {
			return nil, pgerror.New(pgcode.FeatureNotSupported, "assignment to a field or array element is not supported").WithPosition(int(rt.Location) + 1)
		}
		fields = append(fields, s.Sval)
	}
	return fields, nil
}

// apply computes the new row of an assignment list over a source row
// (whose first columns are the table row).
func (w *tableWriter) apply(x *execCtx, set []assignment, src []types.Datum) ([]types.Datum, error) {
	n := len(w.cols)
	row := append(make([]types.Datum, 0, n), src[:n]...)
	vals := make([]types.Datum, len(set))
	for _, a := range set {
		for _, pre := range a.pre {
			if _, err := x.eval(pre, src); err != nil {
				return nil, err
			}
		}
	}
	for i, a := range set {
		var err error
		if a.e == nil {
			vals[i], err = w.defaultValue(x, a.col)
		} else {
			vals[i], err = x.eval(a.e, src)
		}
		if err != nil {
			return nil, err
		}
	}
	for i, a := range set {
		row[a.col] = vals[i]
	}
	return row, nil
}

// columnByName returns a live, visible column's position, -1 if none.
func (w *tableWriter) columnByName(name string) int {
	for i, c := range w.cols {
		if c.name == name && !c.hidden {
			return i
		}
	}
	return -1
}
