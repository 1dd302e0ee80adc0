package expr

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// FieldStore is PostgreSQL's FieldStore: the value of a composite Arg
// with field Idx replaced by Val, which UPDATE t SET p.a = v assigns to
// the column p. A NULL Arg counts as a record of NULL fields, as in
// PostgreSQL, so the assignment makes a row whose other fields are NULL.
type FieldStore struct {
	Arg Expr
	Idx int
	Val Expr
	T   *types.T
}

func (f *FieldStore) Type() *types.T { return f.T }

// Children lets Walk reach the record and the new value.
func (f *FieldStore) Children() []Expr { return []Expr{f.Arg, f.Val} }

func (f *FieldStore) Eval(ctx *Context) (types.Datum, error) {
	v, err := f.Arg.Eval(ctx)
	if err != nil {
		return nil, err
	}
	nv, err := f.Val.Eval(ctx)
	if err != nil {
		return nil, err
	}
	vals := make([]types.Datum, len(f.T.Fields))
	if r, ok := v.(*types.Record); ok {
		copy(vals, r.Values)
	}
	vals[f.Idx] = nv
	return &types.Record{Values: vals, T: f.T}, nil
}

// AssignField builds the value column (of type t, read by col) takes
// when SET column.f1.f2... = val assigns to one of its fields, nested
// fields through the records that hold them. loc is the target's
// position for errors.
func (b *Builder) AssignField(col Expr, column string, fields []string, val Expr, valLoc, loc int32) (Expr, error) {
	t := col.Type()
	name := fields[0]
	if t.Family != types.RecordFamily || t.Row == nil {
		return nil, at(pgerror.Newf(pgcode.DatatypeMismatch, "cannot assign to field \"%s\" of column \"%s\" because its type %s is not a composite type", name, column, t), loc)
	}
	i := t.FieldIndex(name)
	if i < 0 {
		return nil, at(pgerror.Newf(pgcode.UndefinedColumn, "cannot assign to field \"%s\" of column \"%s\" because there is no such column in data type %s", name, column, t), loc)
	}
	ft := t.Fields[i].T
	var err error
	if len(fields) > 1 {
		inner := &FieldSelect{Arg: col, Idx: i, T: ft}
		val, err = b.AssignField(inner, name, fields[1:], val, valLoc, loc)
	} else {
		from := val.Type()
		val, err = b.coerce(val, ft, castAssignment, valLoc)
		if err != nil && pgerror.HasCode(err, pgcode.CannotCoerce) {
			err = at(pgerror.Newf(pgcode.DatatypeMismatch, "subfield \"%s\" is of type %s but expression is of type %s", name, ft.WithTypmod(-1), from).
				WithHint("You will need to rewrite or cast the expression."), valLoc)
		}
	}
	if err != nil {
		return nil, err
	}
	return &FieldStore{Arg: col, Idx: i, Val: val, T: t}, nil
}
