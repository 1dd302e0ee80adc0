package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The values of stored generated columns (ddl_generated.go). Every new
// row a tableWriter writes goes through validate, which first computes
// them over the row's other columns (after defaults, before NOT NULL
// and CHECK, as PostgreSQL's ExecComputeStoredGenerated): INSERT, the
// new row of UPDATE and ON CONFLICT DO UPDATE, COPY FROM, the actions of
// foreign keys. A statement may not write one: only DEFAULT is allowed
// (428C9).

// generatedExprs builds the generation expressions of a table's
// generated columns over its row, each cast to its column's type as an
// assignment.
func (pl *planner) generatedExprs(w *tableWriter) error {
	t := w.desc.Table
	var sc *scope
	for i := range t.Columns {
		c := &t.Columns[i]
		if c.Dropped || c.Generated == "" {
			continue
		}
		n, err := parser.ParseExpr(c.Generated)
		if err != nil {
			return pgerror.Newf(pgcode.DataCorrupted, "column \"%s\": stored generation expression does not parse", c.Name)
		}
		if sc == nil {
			sc = newScope(w.cols, &level{}, nil)
			w.generated = make([]expr.Expr, len(t.Columns))
		}
		b, err := boundExprBuilder(pl.txn, pl.s, sc, c.Functions) // table_funcs.go
		if err != nil {
			return err
		}
		constTableOID(b, w.desc.Name, w.desc.ID)
		e, err := b.Build(n)
		if err != nil {
			return err
		}
		if w.generated[i], err = b.Assign(e, c.Type(), c.Name, -1); err != nil {
			return err
		}
		if !c.IndexKey {
			w.genOrder = append(w.genOrder, i)
		}
	}
	for i := range t.Columns {
		if c := &t.Columns[i]; c.IndexKey && !c.Dropped {
			w.genOrder = append(w.genOrder, i)
		}
	}
	return nil
}

// computeGenerated sets the generated columns of a new row. (Those of
// the table read only its other columns; the keys of expression
// indexes, computed last, may read them too.)
func (w *tableWriter) computeGenerated(x *execCtx, row []types.Datum) error {
	for _, i := range w.genOrder {
		v, err := x.eval(w.generated[i], row)
		if err != nil {
			return err
		}
		row[i] = v
	}
	return nil
}

// newColumnValue is the value ADD COLUMN gives an existing row: its
// generated value, or its default.
func (w *tableWriter) newColumnValue(x *execCtx, col int, row []types.Datum) (types.Datum, error) {
	if w.generated != nil && w.generated[col] != nil {
		return x.eval(w.generated[col], row)
	}
	return w.defaultValue(x, col)
}

// errGeneratedInsert refuses a value for a generated column in INSERT.
func errGeneratedInsert(c *catalog.ColumnDesc) error {
	return pgerror.Newf(pgcode.GeneratedAlways, "cannot insert a non-DEFAULT value into column \"%s\"", c.Name).
		WithDetail("Column \"" + c.Name + "\" is a generated column.")
}

// errGeneratedUpdate refuses SET col = value for a generated column.
func errGeneratedUpdate(c *catalog.ColumnDesc) error {
	return pgerror.Newf(pgcode.GeneratedAlways, "column \"%s\" can only be updated to DEFAULT", c.Name).
		WithDetail("Column \"" + c.Name + "\" is a generated column.")
}
