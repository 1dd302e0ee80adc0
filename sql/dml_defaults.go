package sql

import (
	"errors"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// defaultExprs builds the value each column takes when a row does not
// give one: its DEFAULT, the next value of its sequence (serial and
// identity columns), a new row id for the hidden key; nil means NULL.
// It builds the generated columns' expressions too.
func (pl *planner) defaultExprs(w *tableWriter) error {
	t := w.desc.Table
	w.defaults = make([]expr.Expr, len(t.Columns))
	for i := range t.Columns {
		c := &t.Columns[i]
		switch {
		case c.Dropped, c.IndexKey:
		case c.Hidden:
			w.defaults[i] = &rowIDExpr{layout: w.layout}
		case c.Sequence != 0:
			d, err := pl.descriptor(c.Sequence)
			if err != nil {
				return err
			}
			if d == nil || d.Kind != catalog.KindSequence {
				return pgerror.Newf(pgcode.DataCorrupted, "column \"%s\": its sequence %d is missing", c.Name, c.Sequence)
			}
			// nextval is bigint: a serial column whose type was changed
			// (ALTER COLUMN ... TYPE) takes it by assignment, as
			// PostgreSQL's nextval(...) default does (22003 past a
			// smallint's range, text of the number for a text column).
			next := expr.Expr(&seqNext{desc: d, t: types.Int8})
			if !c.Type().Equal(types.Int8) {
				b := pl.builder(nil, "DEFAULT expressions")
				if next, err = b.Assign(next, c.Type(), c.Name, -1); err != nil {
					return err
				}
			}
			w.defaults[i] = next
		case c.Default != "" || (c.Generated == "" && c.Type().Domain != nil && c.Type().Domain.Default != ""):
			text := c.Default
			if text == "" {
				// A column of a domain without a default of its own
				// takes the domain's (PostgreSQL's build_column_default).
				text = c.Type().Domain.Default
			}
			n, err := parser.ParseExpr(text)
			if err != nil {
				return pgerror.Newf(pgcode.DataCorrupted, "column \"%s\": stored default does not parse", c.Name)
			}
			b := pl.builder(nil, "DEFAULT expressions")
			// Its calls resolve to the functions it is bound to only
			// (table_funcs.go); a domain's default is bound to none.
			fns := c.Functions
			if c.Default == "" {
				fns = nil
			}
			if err := bindStoredCalls(b, pl.txn, pl.s, fns); err != nil { // table_funcs.go
				return err
			}
			e, err := b.Build(n)
			if err != nil {
				return err
			}
			if w.defaults[i], err = b.Assign(e, c.Type(), c.Name, -1); err != nil {
				if pgerror.GetCode(err).Class() != "22" {
					return err
				}
				// A constant the column's type cannot hold (its type was
				// changed since: ALTER COLUMN ... TYPE checks only that
				// the types assign, as PostgreSQL does): the rows that
				// take the default fail, not every write to the table.
				// The error's position is in the default's text, not
				// in the statement's.
				if pe := (*pgerror.Error)(nil); errors.As(err, &pe) {
					err = pe.WithPosition(0)
				}
				w.defaults[i] = &failingDefault{t: c.Type(), err: err}
			}
		}
	}
	return pl.generatedExprs(w)
}

// defaultValue evaluates a column's default (SET DEFAULT actions).
func (w *tableWriter) defaultValue(x *execCtx, col int) (types.Datum, error) {
	if w.defaults[col] == nil {
		return nil, nil
	}
	return x.eval(w.defaults[col], nil)
}

// failingDefault is a default whose value cannot be computed: each use
// fails with err.
type failingDefault struct {
	t   *types.T
	err error
}

func (e *failingDefault) Type() *types.T                          { return e.t }
func (e *failingDefault) Eval(*expr.Context) (types.Datum, error) { return nil, e.err }
func (e *failingDefault) IsVolatile() bool                        { return true }
func (e *failingDefault) String() string                          { return "DEFAULT" }

// rowIDExpr hands out the hidden key of a row of a table declared
// without a primary key.
type rowIDExpr struct{ layout *engine.Layout }

func (e *rowIDExpr) Type() *types.T   { return types.Int8 }
func (e *rowIDExpr) IsVolatile() bool { return true }
func (e *rowIDExpr) String() string   { return "unique_rowid()" }

func (e *rowIDExpr) Eval(ctx *expr.Context) (types.Datum, error) {
	x := ctx.Exec.(*execCtx)
	return x.sess.db.DB.NewRowID(x.txn, e.layout)
}

// seqNext is nextval of a serial or identity column's sequence.
type seqNext struct {
	desc *catalog.Descriptor
	t    *types.T
}

func (e *seqNext) Type() *types.T   { return e.t }
func (e *seqNext) IsVolatile() bool { return true }
func (e *seqNext) String() string   { return "nextval('" + e.desc.Name + "')" }

func (e *seqNext) Eval(ctx *expr.Context) (types.Datum, error) {
	x := ctx.Exec.(*execCtx)
	v, err := x.sess.db.DB.NextVal(x.ctx, seqParams(e.desc))
	if err != nil {
		return nil, err
	}
	x.sess.noteSeq(e.desc.ID, v)
	return v, nil
}
