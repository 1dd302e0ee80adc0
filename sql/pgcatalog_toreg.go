package sql

import (
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The to_reg* functions: a name to the OID of the object it denotes, as
// the reg* casts, but NULL where the cast would fail because no such
// object exists. Migration tools and ORMs ask "does this table exist?"
// with to_regclass('public.t') IS NOT NULL. As in PostgreSQL 15 they
// take the text as a name only (a number is a name, not an OID), and a
// malformed name is still an error.

// missingCodes are, per reg* type, the codes of its input function's
// "no such object" errors, which to_reg* turns into NULL: a missing
// schema, and the missing relation, type, function or role in it (or,
// for to_regproc, more than one function of the name). Every other error
// (a malformed name, an unknown argument type in a signature) stays an
// error, as in PostgreSQL 15.
var missingCodes = map[uint32][]pgcode.Code{
	types.Regclass.Oid:     {pgcode.UndefinedTable, pgcode.InvalidSchemaName},
	types.Regtype.Oid:      {pgcode.UndefinedObject, pgcode.InvalidSchemaName},
	types.Regproc.Oid:      {pgcode.UndefinedFunction, pgcode.AmbiguousFunction, pgcode.InvalidSchemaName},
	types.Regprocedure.Oid: {pgcode.UndefinedFunction, pgcode.InvalidSchemaName},
	types.Regoperator.Oid:  {pgcode.UndefinedFunction, pgcode.InvalidSchemaName},
	types.Regnamespace.Oid: {pgcode.InvalidSchemaName},
	types.Regrole.Oid:      {pgcode.UndefinedObject},
}

func init() {
	for name, t := range map[string]*types.T{
		"to_regclass": types.Regclass, "to_regtype": types.Regtype, "to_regnamespace": types.Regnamespace,
		"to_regrole": types.Regrole, "to_regproc": types.Regproc, "to_regprocedure": types.Regprocedure,
		"to_regoperator": types.Regoperator,
	} {
		expr.AddFunc(name, []*types.T{types.Text}, t, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
			return toReg(c, t, a[0].(string))
		})
	}
}

// toReg looks name up as a value of the reg* type t; NULL when nothing
// has the name.
func toReg(c *expr.Context, t *types.T, name string) (types.Datum, error) {
	var cat regCatalog
	oid, err := cat.RegIn(c, t, name)
	if err != nil {
		for _, code := range missingCodes[t.Oid] {
			if pgerror.HasCode(err, code) {
				return nil, nil
			}
		}
		return nil, err
	}
	out, err := cat.RegOut(c, t, oid)
	if err != nil {
		return nil, err
	}
	return types.Reg{Oid: oid, Name: out}, nil
}
