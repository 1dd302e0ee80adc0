package sql

import (
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// tableWriter writes the rows of one table for INSERT, UPDATE and DELETE
// and enforces its constraints: NOT NULL and CHECK on every new row,
// unique keys in the engine, and foreign keys both ways (fk.go). Rows are
// whole table rows in row-encoding order (dropped columns NULL, the
// hidden row id included). Nothing is overwritten: an update or delete
// writes a new version of the row's key in the log.
type tableWriter struct {
	desc   *catalog.Descriptor
	layout *engine.Layout
	cols   []column
	checks []checkExpr
	// domains check the values of the columns of a domain type (or an
	// array of one), by column; nil for the other columns.
	domains []*expr.DomainChecker
	// fks are this table's foreign keys; refs those of tables (this one
	// included) that reference it.
	fks  []*fkRef
	refs []*fkRef
	// defaults are the columns' default values (dml_defaults.go);
	// generated the generated columns' expressions (dml_generated.go).
	defaults, generated []expr.Expr
	// genOrder are the positions of the generated columns in the order
	// they are computed: the keys of expression indexes last, since
	// they may read a stored generated column.
	genOrder []int
	// guarded is the transaction the table's definition is locked in
	// (guard).
	guarded *engine.Txn
	// written are the columns the statement's INSERT and UPDATE write
	// (privileges_details.go).
	written []*columnUse
}

type checkExpr struct {
	name string
	e    expr.Expr
}

// writer returns the writer of a table, built once per statement (the
// writers of tables a cascade reaches refer to each other).
func (pl *planner) writer(d *catalog.Descriptor) (*tableWriter, error) {
	if w, ok := pl.writers[d.ID]; ok {
		return w, nil
	}
	if pl.writers == nil {
		pl.writers = map[uint32]*tableWriter{}
	}
	l, err := writeLayout(pl.s, pl.txn, d)
	if err != nil {
		return nil, err
	}
	w := &tableWriter{desc: d, layout: l, cols: tableColumns(d, d.Name)}
	pl.writers[d.ID] = w
	sc := newScope(w.cols, &level{}, nil)
	for _, c := range d.Table.Checks {
		n, err := parser.ParseExpr(c.Expr)
		if err != nil {
			return nil, pgerror.Newf(pgcode.DataCorrupted, "check constraint \"%s\": stored expression does not parse", c.Name)
		}
		b, err := boundExprBuilder(pl.txn, pl.s, sc, c.Functions) // table_funcs.go
		if err != nil {
			return nil, err
		}
		constTableOID(b, d.Name, d.ID)
		e, err := b.BuildAs(n, types.Bool, "check constraint")
		if err != nil {
			return nil, err
		}
		w.checks = append(w.checks, checkExpr{name: c.Name, e: e})
	}
	if err := pl.domainCheckers(w); err != nil {
		return nil, err
	}
	if err := pl.defaultExprs(w); err != nil {
		return nil, err
	}
	if err := pl.foreignKeys(w); err != nil {
		return nil, err
	}
	return w, nil
}

// validate computes the generated columns of a new row, then checks the
// constraints of its columns' domains, NOT NULL and CHECK constraints on
// it.
func (w *tableWriter) validate(x *execCtx, row []types.Datum) error {
	return w.validateChange(x, row, nil)
}

// validateChange is validate for a row that replaces old (nil: a new
// row). Only the columns an update changes are checked against their
// domains, as PostgreSQL coerces only the values it assigns: a row
// written before a domain's NOT VALID constraint can still be updated
// in its other columns.
func (w *tableWriter) validateChange(x *execCtx, row, old []types.Datum) error {
	if err := w.computeGenerated(x, row); err != nil {
		return err
	}
	if err := w.checkDomains(x, row, old); err != nil {
		return err
	}
	t := w.desc.Table
	for i := range t.Columns {
		c := &t.Columns[i]
		if c.NotNull && !c.Dropped && row[i] == nil {
			return x.aboutTable(pgerror.Newf(pgcode.NotNullViolation, "null value in column \"%s\" of relation \"%s\" violates not-null constraint", c.Name, w.desc.Name).
				WithColumn(c.Name).WithDetail(w.failingRowDetail(x, row)), w.desc)
		}
	}
	for _, c := range w.checks {
		v, err := x.eval(c.e, row)
		if err != nil {
			return err
		}
		if v == false {
			return x.aboutTable(pgerror.Newf(pgcode.CheckViolation, "new row for relation \"%s\" violates check constraint \"%s\"", w.desc.Name, c.name).
				WithConstraint(c.name).WithDetail(w.failingRowDetail(x, row)), w.desc)
		}
	}
	return nil
}

// failingRow is the detail of a constraint violation: the row's visible
// columns, as PostgreSQL prints them.
func (w *tableWriter) failingRow(x *execCtx, row []types.Datum) string {
	var sb strings.Builder
	sb.WriteString("Failing row contains (")
	first := true
	fs := x.sess.FormatSettings()
	for i, c := range w.cols {
		if c.hidden {
			continue
		}
		if !first {
			sb.WriteString(", ")
		}
		first = false
		if row[i] == nil {
			sb.WriteString("null")
		} else {
			sb.Write(c.typ.AppendText(nil, row[i], fs))
		}
	}
	sb.WriteString(").")
	return sb.String()
}

// insert writes a new row.
func (w *tableWriter) insert(x *execCtx, row []types.Datum) error {
	if err := w.validate(x, row); err != nil {
		return err
	}
	return w.insertValid(x, row)
}

// guard makes the transaction's commit fail with 40001 if another
// transaction changed the table's shape after its snapshot: rows
// written with the columns this writer was planned with must not land
// beside rows another transaction meanwhile rewrote for other types
// (ALTER COLUMN ... TYPE) or checked against a new rule (SET NOT NULL,
// CHECK, a unique index). Those statements lock the table's rows in
// turn (lockTableRows), for the writer that commits first. Once per
// transaction: one key.
func (w *tableWriter) guard(x *execCtx) {
	if w.guarded != x.txn {
		catalog.LockShape(x.txn, w.desc.ID)
		w.guarded = x.txn
	}
}

// insertValid writes a new row that passed validate.
func (w *tableWriter) insertValid(x *execCtx, row []types.Datum) error {
	w.guard(x)
	if err := w.layout.Insert(x.txn, row); err != nil {
		return w.keyError(x, err)
	}
	w.queueParentChecks(x, row, nil)
	return x.noteChange(w, row)
}

// update replaces old by new, applying the actions of the foreign keys
// that reference a changed key.
func (w *tableWriter) update(x *execCtx, old, new []types.Datum) error {
	if err := w.validateChange(x, new, old); err != nil {
		return err
	}
	if err := x.checkUnchanged(w, old); err != nil {
		return err
	}
	if err := w.awaitRowLocks(x, old, new); err != nil {
		return err
	}
	w.guard(x)
	if err := w.layout.Update(x.txn, old, new); err != nil {
		return w.keyError(x, err)
	}
	if err := x.noteChange(w, old); err != nil {
		return err
	}
	if err := x.noteChange(w, new); err != nil {
		return err
	}
	w.queueParentChecks(x, new, old)
	for _, r := range w.refs {
		if !keyChanged(w.layout.Types, old, new, r.parentCols) {
			continue
		}
		if err := r.parentChanged(x, old, new); err != nil {
			return err
		}
	}
	return nil
}

// delete removes a row, applying the actions of the foreign keys that
// reference it.
func (w *tableWriter) delete(x *execCtx, row []types.Datum) error {
	if err := x.checkUnchanged(w, row); err != nil {
		return err
	}
	if err := w.awaitRowLocks(x, row, nil); err != nil {
		return err
	}
	w.guard(x)
	if err := w.layout.Delete(x.txn, row); err != nil {
		return err
	}
	if err := x.noteChange(w, row); err != nil {
		return err
	}
	for _, r := range w.refs {
		if err := r.parentChanged(x, row, nil); err != nil {
			return err
		}
	}
	return nil
}

// keyChanged reports whether any of cols differs between two rows.
func keyChanged(typs []*types.T, old, new []types.Datum, cols []int) bool {
	for _, c := range cols {
		if (old[c] == nil) != (new[c] == nil) {
			return true
		}
		if old[c] != nil && types.Compare(typs[c], old[c], new[c]) != 0 {
			return true
		}
	}
	return false
}
