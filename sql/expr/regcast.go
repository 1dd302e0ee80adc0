package expr

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Catalog resolves object names for the reg* types (regclass, regtype,
// regproc, regnamespace, regrole), whose input and output functions read
// the catalog. The SQL layer implements it over the transaction the
// statement runs in.
type Catalog interface {
	// RegIn returns the OID of the object a name denotes ('t'::regclass),
	// with PostgreSQL's error when there is none.
	RegIn(ctx *Context, t *types.T, name string) (uint32, error)
	// RegOut returns the text a reg* value prints as: the name, qualified
	// when not visible on the search path; "" when no object has the OID.
	RegOut(ctx *Context, t *types.T, oid uint32) (string, error)
}

// RegCast converts to a reg* type: a name (text, unknown) is looked up, a
// number (oid, int) gets the name its output prints. Both read the
// catalog, at evaluation.
type RegCast struct {
	Arg Expr
	T   *types.T
}

func (c *RegCast) Type() *types.T { return c.T }

func (c *RegCast) Eval(ctx *Context) (types.Datum, error) {
	v, err := c.Arg.Eval(ctx)
	if err != nil || v == nil {
		return nil, err
	}
	return ToReg(ctx, v, c.Arg.Type(), c.T)
}

// ToReg converts a non-NULL value of type from to the reg* type to.
func ToReg(ctx *Context, v types.Datum, from, to *types.T) (types.Datum, error) {
	if ctx.Catalog == nil {
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s values cannot be computed here", to.Name)
	}
	var oid uint32
	switch x := v.(type) {
	case string:
		if from.Oid == types.Bpchar.Oid {
			x = trimRightSpaces(x)
		}
		if r, err := to.ParseText(x, nil); err == nil {
			oid = r.(types.Reg).Oid // a number: regclassin takes it as is
		} else {
			if oid, err = ctx.Catalog.RegIn(ctx, to, x); err != nil {
				return nil, err
			}
		}
	case int64:
		if x < -2147483648 || x > 4294967295 {
			return nil, pgerror.New(pgcode.NumericValueOutOfRange, "OID out of range")
		}
		oid = uint32(x)
	case types.Reg:
		oid = x.Oid
	default:
		return nil, errCannotCast(from, to)
	}
	if oid == 0 {
		return types.Reg{}, nil
	}
	name, err := ctx.Catalog.RegOut(ctx, to, oid)
	if err != nil {
		return nil, err
	}
	return types.Reg{Oid: oid, Name: name}, nil
}

func trimRightSpaces(s string) string {
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}

// The casts of the reg* types, as pg_cast has them: binary-coercible to
// and from oid (both implicit), from int4 and int8 implicitly (and to
// them by assignment), from text and varchar to regclass implicitly
// (regclass(text)), regproc to and from regprocedure implicitly (the
// same OID, named the other way: psql's \dAp+ casts pg_amproc.amproc).
// Everything else goes through text I/O.
func init() {
	i, a := castImplicit, castAssignment
	add := func(from, to *types.T, c castContext) { casts[castKey{from.Oid, to.Oid}] = c }
	for _, r := range []*types.T{types.Regproc, types.Regclass, types.Regtype, types.Regnamespace, types.Regrole, types.Regprocedure, types.Regoperator} {
		add(types.OidType, r, i)
		add(r, types.OidType, i)
		add(types.Int4, r, i)
		add(types.Int8, r, i)
		add(types.Int2, r, i)
		add(r, types.Int4, a)
		add(r, types.Int8, a)
	}
	add(types.Regproc, types.Regprocedure, i)
	add(types.Regprocedure, types.Regproc, i)
	add(types.Text, types.Regclass, i)
	add(types.Varchar, types.Regclass, i)
	// "char" converts to text implicitly, to varchar and bpchar and from
	// the three by assignment, to and from integer explicitly by the
	// character's code (charCode); pg_node_tree is binary-coercible to
	// text.
	for _, s := range []*types.T{types.Text, types.Varchar, types.Bpchar} {
		add(types.Char, s, a)
		add(s, types.Char, a)
	}
	add(types.Char, types.Text, i)
	add(types.Int4, types.Char, castExplicit)
	add(types.Char, types.Int4, castExplicit)
	add(types.PgNodeTree, types.Text, i)
	addCompare(types.Char, types.Char, cmpStrings)
	addCompare(types.Xid, types.Xid, cmpInts)
}
