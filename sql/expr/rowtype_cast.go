package expr

import (
	"strconv"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Casts to a relation's row type (types/rowtype.go): ROW(...)::t
// converts each field to the column's type in the cast's context, as
// PostgreSQL's coerce_record_to_complex does; text and untyped literals
// go through record_in (castValue). A value of a row type passes where
// an anonymous record is expected (row_to_json(x::t)) unchanged, as
// every composite type is binary-coercible to record.

// isRowType reports whether t is a named composite type.
func isRowType(t *types.T) bool { return t.Family == types.RecordFamily && t.Row != nil }

// coerceRecord handles the casts between record types that coerce
// leaves to it; ok is false for the others.
func (b *Builder) coerceRecord(e Expr, to *types.T, c castContext, loc int32) (Expr, bool, error) {
	from := e.Type()
	switch {
	case from.Family == types.RecordFamily && to.Oid == types.RecordType.Oid:
		return e, true, nil
	case isRowType(to) && from.Oid == types.RecordType.Oid:
		row, ok := e.(*RowBuild)
		if c, isConst := e.(*Const); isConst {
			// ROW(...) of constants folded before it met its target
			// (INSERT's VALUES): the same conversion, from its fields.
			if c.V == nil {
				return &Const{T: to, Loc: c.Loc}, true, nil
			}
			row, ok = constRowBuild(c)
		}
		if !ok {
			return nil, true, atErr(errCannotCast(from, to), loc)
		}
		out, err := b.rowToComposite(row, to, c, loc)
		return out, true, err
	}
	return nil, false, nil
}

// constRowBuild is a folded record constant as the ROW(...) of its
// fields' constants; ok is false for a value that is not a record.
func constRowBuild(c *Const) (*RowBuild, bool) {
	r, ok := c.V.(*types.Record)
	if !ok {
		return nil, false
	}
	t := r.TypeIn(c.T)
	args := make([]Expr, len(r.Values))
	for i, v := range r.Values {
		args[i] = &Const{T: types.FieldType(t, i), V: v, Loc: c.Loc}
	}
	return &RowBuild{Args: args, T: t}, true
}

// rowToComposite converts ROW(...) to the row type to, field by field.
func (b *Builder) rowToComposite(row *RowBuild, to *types.T, c castContext, loc int32) (Expr, error) {
	fail := func(detail string) error {
		return at(pgerror.Newf(pgcode.CannotCoerce, "cannot cast type %s to %s", types.RecordType, to).WithDetail(detail), loc)
	}
	if len(row.Args) < len(to.Fields) {
		return nil, fail("Input has too few columns.")
	}
	if len(row.Args) > len(to.Fields) {
		return nil, fail("Input has too many columns.")
	}
	args := make([]Expr, len(row.Args))
	for i, a := range row.Args {
		ft := to.Fields[i].T
		if c, ok := a.(*Const); ok && i < len(row.Untyped) && row.Untyped[i] {
			a = &Const{T: types.Unknown, V: c.V, Loc: c.Loc}
		}
		out, err := b.coerce(a, ft, c, loc)
		if err != nil {
			if pgerror.HasCode(err, pgcode.CannotCoerce) {
				return nil, fail("Cannot cast type " + a.Type().String() + " to " + ft.WithTypmod(-1).String() + " in column " + strconv.Itoa(i+1) + ".")
			}
			return nil, err
		}
		args[i] = out
	}
	return &RowBuild{Args: args, T: to, Witness: row.Witness}, nil
}
