package sql

import (
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// The user types (enums, ddl_enum.go) in pg_type and pg_enum, and the
// lookups of a type by OID that must find them as well as the built-in
// types: format_type, regtype, pg_type_is_visible.

// enumIOFuncs are the type functions of enums, with PostgreSQL 15's
// OIDs (pg_proc): no built-in type stela has uses them, so pgTypeFuncs
// lacks them. Array types use the built-in arrays' ones.
var enumIOFuncs = map[uint32]string{3504: "enum_in", 3505: "enum_out", 3532: "enum_recv", 3533: "enum_send"}

// enumFunc is a regproc column of an enum's or its array's pg_type row.
func enumFunc(oid uint32) types.Datum {
	if name, ok := enumIOFuncs[oid]; ok {
		return dReg(oid, name)
	}
	return typeFunc(oid)
}

// userTypeRows are pg_type's rows of the database's enums and their
// array types, as PostgreSQL 15 fills them in.
func userTypeRows(c *vctx) ([][]types.Datum, error) {
	if _, err := c.all(); err != nil {
		return nil, err
	}
	composite := map[uint32]bool{}
	for _, d := range c.userTypes {
		if d.IsComposite() {
			composite[d.ID] = true
		}
	}
	var out [][]types.Datum
	for _, d := range c.userTypes {
		if composite[d.ID] || composite[d.Type.ArrayOf] {
			continue // rowTypeRows has them, with the relations' row types
		}
		owner := dOid(ownerOID(d))
		if row, ok, err := c.domainRow(d); err != nil {
			return nil, err
		} else if ok {
			out = append(out, row)
			continue
		}
		if d.Type.ArrayOf == 0 {
			out = append(out, []types.Datum{
				dOid(d.ID), d.Name, dOid(d.Schema), owner, int64(4),
				true, dChar('e'), dChar('E'), false, true,
				dChar(','), dOid(0), enumFunc(0), dOid(0), dOid(d.Type.ArrayOid),
				enumFunc(3504), enumFunc(3505), enumFunc(3532), enumFunc(3533),
				enumFunc(0), enumFunc(0), enumFunc(0), dChar('i'),
				dChar('p'), false, dOid(0), dInt(-1), dInt(0), dOid(0), nil, nil, nil,
			})
			continue
		}
		out = append(out, []types.Datum{
			dOid(d.ID), d.Name, dOid(d.Schema), owner, int64(-1),
			false, dChar('b'), dChar('A'), false, true,
			dChar(','), dOid(0), enumFunc(6179), dOid(d.Type.ArrayOf), dOid(0),
			enumFunc(750), enumFunc(751), enumFunc(2400), enumFunc(2401),
			enumFunc(0), enumFunc(0), enumFunc(3816), dChar('i'),
			dChar('x'), false, dOid(0), dInt(-1), dInt(0), dOid(0), nil, nil, nil,
		})
	}
	return out, nil
}

// pgEnumRows is pg_enum: every label of every enum.
func pgEnumRows(c *vctx) ([][]types.Datum, error) {
	if _, err := c.all(); err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range c.userTypes {
		for _, l := range d.Type.Enum {
			out = append(out, []types.Datum{dOid(l.Oid), dOid(d.ID), l.Sort, l.Label})
		}
	}
	return out, nil
}

// typeByOID finds a type by OID, built-in or the database's own.
func (x *execCtx) typeByOID(oid uint32) (*types.T, bool, error) {
	if t, ok := types.ByOid(oid); ok {
		return t, true, nil
	}
	if oid < catalog.FirstUserID || x == nil || x.txn == nil {
		return nil, false, nil
	}
	return catalog.TypeByOid(x.txn, oid)
}

// userTypeName is format_type's name of a user type (an enum, a domain,
// or an array of one): qualified by its schema when a search for the
// bare name would not find it first.
func (x *execCtx) userTypeName(t *types.T) string {
	e, suffix := t, ""
	if t.Domain == nil && t.Elem != nil {
		e, suffix = t.Elem, "[]"
	}
	var oid, schema uint32
	var bare string
	switch {
	case e.Domain != nil:
		oid, schema, bare = e.Domain.Oid, e.Domain.Schema, e.Domain.Name
	case e.Enum != nil:
		oid, schema, bare = e.Oid, e.Enum.Schema, e.Name
	case e.Row != nil:
		// Visible when the search path finds this type by its name.
		name := expr.QuoteIdent(e.Name) + suffix
		if t, ok, err := userTypeHook(x.txn, x.sess)("", e.Name); err == nil && ok && t.Oid == e.Oid {
			return name
		}
		return x.schemaPrefix(e.Row.Schema) + name
	default:
		return expr.QuoteIdent(e.Name) + suffix
	}
	name := expr.QuoteIdent(bare) + suffix
	if d, err := lookupUserType(x.txn, x.sess, "", bare); err == nil && d != nil && d.ID == oid {
		return name
	}
	return x.schemaPrefix(schema) + name
}

// isUserType reports whether t is one of the database's own types.
func isUserType(t *types.T) bool {
	return t.Oid >= catalog.FirstUserID || t.Domain != nil || (t.Elem != nil && t.Elem.Domain != nil)
}

// userTypeByText finds a user type by its text name ('mood'::regtype,
// 'public.mood[]'::regtype).
func (x *execCtx) userTypeByText(s string) (*types.T, bool, error) {
	array := strings.HasSuffix(s, "[]")
	parts, err := splitQualifiedName(strings.TrimSpace(strings.TrimSuffix(s, "[]")))
	if err != nil || len(parts) == 0 || len(parts) > 2 {
		return nil, false, nil
	}
	schema := ""
	if len(parts) == 2 {
		schema = parts[0]
	}
	d, err := lookupUserType(x.txn, x.sess, schema, parts[len(parts)-1])
	if err != nil {
		return nil, false, nil
	}
	if d == nil {
		// A relation's row type (rowtypes.go).
		t, d, err := rowTypeNamed(x.txn, x.sess, schema, parts[len(parts)-1])
		if err != nil || d == nil {
			return nil, false, nil
		}
		ok := true
		if array {
			t, ok = types.ArrayOf(t)
		}
		return t, ok, nil
	}
	t, ok, err := catalog.TypeByOid(x.txn, d.ID)
	if err != nil || !ok || !array {
		return t, ok, err
	}
	a, ok := types.ArrayOf(t)
	return a, ok, nil
}
