package expr

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// A call of one argument whose function name is a type's name is a cast
// when no function of that name takes exactly the argument's type, and
// either the argument is a literal of unknown type (int4('12'),
// text('abc'), date('2024-01-01'), an enum's name applied to a label)
// or the conversion goes through text (text(5), int4('7'::varchar)):
// PostgreSQL's func_get_detail, which makes these coercions rather
// than function calls. Other conversions (int4(7::bigint)) are calls of
// the cast functions pg_cast names (funcs_cast.go).

// funcAsCast returns the cast a call of name with one argument is, or
// nil when it is a function call.
func (b *Builder) funcAsCast(f *pg_query.FuncCall, name string, schema string, cands []*overload, arg Expr) (Expr, error) {
	from := arg.Type()
	for _, o := range cands {
		if len(o.args) == 1 && o.variadic == nil && (o.args[0].Oid == from.Oid || o.args[0] == AnyType) {
			return nil, nil // sameTypes, for one argument
		}
	}
	literal := from.Family == types.UnknownFamily && f.Args[0].GetAConst() != nil
	// A user-defined type is looked for (in the catalog) only when no
	// built-in function has the name: a type named like one (lower)
	// would make lower('X') a cast, as in PostgreSQL, but would cost
	// every such call a catalog read.
	user := len(cands) == 0 && (literal || from.Family == types.StringFamily)
	to, err := b.typeNamedLike(schema, name, user)
	if to == nil || err != nil {
		return nil, err
	}
	if !literal && !CastByIO(from, to) {
		return nil, nil
	}
	if from.Family == types.RecordFamily && to.Family == types.StringFamily {
		return nil, nil // text(row(1)) is no cast in PostgreSQL either
	}
	return b.CastExplicit(arg, to, f.Location)
}

// typeNamedLike returns the type a function name names: a built-in one
// by its catalog name (int4, not integer, which pg_type does not have),
// or, when user (the lookup reads the catalog), a user-defined one. A
// PostgreSQL type stela lacks (inet) is its 0A000: the call is a cast
// stela cannot do, not a missing function.
func (b *Builder) typeNamedLike(schema, name string, user bool) (*types.T, error) {
	t, err := types.ByName(name, nil)
	switch {
	case err == nil && t.Name == name:
		return t, nil
	case err != nil && pgerror.HasCode(err, pgcode.FeatureNotSupported):
		return nil, err
	}
	if !user || b.UserType == nil || schema != "" {
		return nil, nil
	}
	t, ok, err := b.UserType("", name)
	if err != nil || !ok {
		return nil, nil
	}
	return t, nil
}
