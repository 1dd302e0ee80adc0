package expr

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// FieldSelect is (e).field on a record: PostgreSQL's FieldSelect. A NULL
// record gives NULL.
type FieldSelect struct {
	Arg Expr
	Idx int
	T   *types.T
}

func (f *FieldSelect) Type() *types.T { return f.T }

func (f *FieldSelect) Eval(ctx *Context) (types.Datum, error) {
	v, err := f.Arg.Eval(ctx)
	if err != nil || v == nil {
		return nil, err
	}
	return v.(*types.Record).Values[f.Idx], nil
}

// fieldSelect builds (arg).name (ParseFuncOrColumn's column projection
// of a composite).
func fieldSelect(arg Expr, name string, loc int32) (Expr, error) {
	t := arg.Type()
	if t.Family != types.RecordFamily {
		return nil, at(pgerror.Newf(pgcode.WrongObjectType, "column notation .%s applied to type %s, which is not a composite type", name, t), loc)
	}
	i := t.FieldIndex(name)
	if i < 0 {
		return nil, at(pgerror.Newf(pgcode.UndefinedColumn, "could not identify column \"%s\" in record data type", name), loc)
	}
	return &FieldSelect{Arg: arg, Idx: i, T: t.Fields[i].T}, nil
}
