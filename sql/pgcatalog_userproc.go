package sql

import (
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The functions users created (CREATE FUNCTION, ddl_function.go) in
// pg_proc and in the functions that describe one (pg_get_functiondef,
// pg_get_function_arguments, regproc and regprocedure...): each
// descriptor is made into the pg_proc row PostgreSQL would have for it,
// so that the code that serves the built-in rows serves it too.

// sqlLanguageOID is pg_language's sql.
const sqlLanguageOID = 14

// userProc is a user function and its pg_proc row.
type userProc struct {
	d   *catalog.Descriptor
	row *pgProcRow
}

// datums is the function's pg_proc tuple.
func (p *userProc) datums() []types.Datum {
	return procDatumsAs(p.row, p.d.ID, p.d.Schema, ownerOID(p.d))
}

// userProcs are the functions users created in the database txn reads.
func userProcs(txn *engine.Txn) ([]*userProc, error) {
	ds, err := catalog.All(txn)
	if err != nil {
		return nil, err
	}
	var out []*userProc
	for _, d := range ds {
		if d.Kind != catalog.KindFunction {
			continue
		}
		out = append(out, &userProc{d: d, row: userProcRow(txn, d)})
	}
	return out, nil
}

// userProcByOID is the user function with an OID, nil if none.
func userProcByOID(txn *engine.Txn, oid uint32) (*userProc, error) {
	if oid < catalog.FirstUserID || txn == nil {
		return nil, nil
	}
	d, err := catalog.Get(txn, oid)
	if err != nil || d == nil || d.Kind != catalog.KindFunction {
		return nil, err
	}
	return &userProc{d: d, row: userProcRow(txn, d)}, nil
}

// userProcOf is userProcByOID in the statement's transaction (nil when
// the call has no statement to read the catalog of).
func userProcOf(c *expr.Context, oid uint32) (*userProc, error) {
	if oid < catalog.FirstUserID {
		return nil, nil
	}
	x, ok := c.Exec.(*execCtx)
	if !ok || x == nil {
		return nil, nil
	}
	return userProcByOID(x.txn, oid)
}

// userProcRow is a function descriptor's pg_proc row.
func userProcRow(txn *engine.Txn, d *catalog.Descriptor) *pgProcRow {
	f := d.Function
	r := &pgProcRow{oid: d.ID, name: d.Name, lang: sqlLanguageOID, cost: 100, kind: 'f', strict: f.Strict,
		retset: f.ReturnsSet, volatile: f.Volatility[0], parallel: 'u', nargdefaults: len(f.Defaults),
		rettype: f.ResultOid, argtypes: oids(f.ArgOids), argnames: f.ArgNames, src: f.Body, desc: d.Comment}
	if f.SQLBody != "" {
		r.src, r.sqlBody = "", f.SQLBody
	}
	r.result = userTypeText(txn, f.ResultOid)
	if f.ReturnsSet {
		r.result = "SETOF " + r.result
	}
	if len(f.TableOids) > 0 {
		// RETURNS TABLE: its columns are arguments of mode 't'.
		var cols []string
		modes := strings.Repeat("i", len(f.ArgOids))
		all := append(oids(nil), f.ArgOids...)
		names := make([]string, len(f.ArgOids))
		copy(names, f.ArgNames)
		for i, oid := range f.TableOids {
			cols = append(cols, expr.QuoteIdent(f.TableNames[i])+" "+userTypeText(txn, oid))
			modes += "t"
			all = append(all, oid)
			names = append(names, f.TableNames[i])
		}
		r.result = "TABLE(" + strings.Join(cols, ", ") + ")"
		r.allargtypes, r.argmodes, r.argnames = all, modes, names
	}
	var args, ident []string
	firstDefault := len(f.ArgOids) - len(f.Defaults)
	for i, oid := range f.ArgOids {
		a := userTypeText(txn, oid)
		if i < len(f.ArgNames) && f.ArgNames[i] != "" {
			a = expr.QuoteIdent(f.ArgNames[i]) + " " + a
		}
		ident = append(ident, a)
		if i >= firstDefault {
			a += " DEFAULT " + f.Defaults[i-firstDefault]
		}
		args = append(args, a)
	}
	r.arguments, r.identityArgs = strings.Join(args, ", "), strings.Join(ident, ", ")
	return r
}

// userTypeText is format_type for a function's argument or result type:
// a built-in or a user type as txn sees it.
func userTypeText(txn *engine.Txn, oid uint32) string {
	if t, ok := types.ByOid(oid); ok {
		return formatType(t, false)
	}
	if t, ok, err := catalog.TypeByOid(txn, oid); err == nil && ok {
		return formatType(t, false)
	}
	return typeNameOf(oid)
}

// visible is pg_function_is_visible for a user function: its schema is
// on the search path, no built-in function has its signature, and no
// schema before its own has a function of its name and argument types.
func (p *userProc) visible(x *execCtx) (bool, error) {
	if isBuiltinFunction(p.d.Name, p.d.Function.ArgOids) {
		return false, nil
	}
	d, err := lookupFunctionExact(x.txn, x.sess, "", p.d.Name, p.d.Function.ArgOids)
	if err != nil || d == nil {
		return false, err
	}
	return d.ID == p.d.ID, nil
}

// userProcOIDByName is regprocin for a user function's name: 42883 when
// none has it, 42725 when several do.
func userProcOIDByName(x *execCtx, parts []string) (uint32, bool, error) {
	if len(parts) > 2 {
		return 0, false, nil
	}
	schema := ""
	if len(parts) == 2 {
		schema = parts[0]
	}
	ds, err := lookupFunctions(x.txn, x.sess, schema, parts[len(parts)-1])
	if err != nil || len(ds) == 0 {
		return 0, false, nil
	}
	if len(ds) > 1 {
		return 0, true, pgerror.Newf(pgcode.AmbiguousFunction, "more than one function named \"%s\"", strings.Join(parts, "."))
	}
	return ds[0].ID, true, nil
}

// userProcOIDBySignature is regprocedurein for a user function's
// 'name(type, ...)'.
func userProcOIDBySignature(x *execCtx, s string) (uint32, bool, error) {
	open, close, err := signatureParens(s)
	if err != nil {
		return 0, false, nil
	}
	parts, err := splitQualifiedName(s[:open])
	if err != nil || len(parts) > 2 {
		return 0, false, nil
	}
	var want []uint32
	if list := strings.TrimSpace(s[open+1 : close]); list != "" {
		for _, a := range strings.Split(list, ",") {
			t, err := x.userTypeFromText(strings.TrimSpace(a))
			if err != nil {
				return 0, false, nil
			}
			want = append(want, typeOid(t))
		}
	}
	schema := ""
	if len(parts) == 2 {
		schema = parts[0]
	}
	d, err := lookupFunctionExact(x.txn, x.sess, schema, parts[len(parts)-1], want)
	if err != nil {
		return 0, false, err
	}
	if d == nil {
		// Every type is known (a user type among them, which the
		// built-in lookup reports missing): the function is missing.
		return 0, false, pgerror.Newf(pgcode.UndefinedFunction, "function \"%s\" does not exist", s)
	}
	return d.ID, true, nil
}

// userTypeFromText reads a type's name as a statement's text gives it.
func (x *execCtx) userTypeFromText(name string) (*types.T, error) {
	t, err := types.ByName(stripTypmod(name), nil)
	if err == nil {
		return t, nil
	}
	ut, ok, uerr := x.userTypeByText(name)
	if uerr != nil || !ok {
		return nil, err
	}
	return ut, nil
}

// userProcSignature is regprocedureout for a user function:
// name(type,type).
func userProcSignature(txn *engine.Txn, d *catalog.Descriptor) string {
	args := make([]string, len(d.Function.ArgOids))
	for i, oid := range d.Function.ArgOids {
		args[i] = userTypeText(txn, oid)
	}
	return expr.QuoteIdent(d.Name) + "(" + strings.Join(args, ",") + ")"
}
