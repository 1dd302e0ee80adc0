package sql

import (
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// DROP FUNCTION, ALTER FUNCTION (RENAME TO, OWNER TO, SET SCHEMA, and
// the attributes: volatility, STRICT) and COMMENT ON FUNCTION: each names a function by name and, optionally, argument
// types (PostgreSQL's ObjectWithArgs), which resolveFunction finds. A
// name alone must mean one function (42725 otherwise).

// resolveFunction finds the function an ObjectWithArgs names; nil
// (after a NOTICE) when there is none and missingOK allows that. Only
// the owner (or an admin) may change it.
func (x *execCtx) resolveFunction(o *pg_query.ObjectWithArgs, missingOK bool, stmt string) (*catalog.Descriptor, error) {
	schema, name, err := x.splitQualified(nodeStrings(o.Objname))
	if err != nil {
		return nil, err
	}
	full := name
	if schema != "" {
		full = schema + "." + name
		if s, err := catalog.Lookup(x.txn, 0, schema); err != nil {
			return nil, err
		} else if s == nil {
			return nil, x.missing(missingOK, pgcode.InvalidSchemaName, "schema \""+schema+"\" does not exist")
		}
	}
	var d *catalog.Descriptor
	if o.ArgsUnspecified {
		ds, err := lookupFunctions(x.txn, x.sess, schema, name)
		if err != nil {
			return nil, err
		}
		switch {
		case len(ds) == 0 && missingOK:
			return nil, x.missing(true, pgcode.UndefinedFunction, "function "+full+"() does not exist")
		case len(ds) == 0:
			return nil, pgerror.Newf(pgcode.UndefinedFunction, "could not find a function named \"%s\"", full)
		case len(ds) > 1:
			return nil, pgerror.Newf(pgcode.AmbiguousFunction, "function name \"%s\" is not unique", full).
				WithHint("Specify the argument list to select the function unambiguously.")
		}
		d = ds[0]
	} else {
		var args []*types.T
		var oids []uint32
		for _, a := range o.Objargs {
			t, err := x.typeFromName(a.GetTypeName())
			if err != nil {
				return nil, err
			}
			args = append(args, t)
			oids = append(oids, typeOid(t))
		}
		if d, err = lookupFunctionExact(x.txn, x.sess, schema, name, oids); err != nil {
			return nil, err
		}
		if d == nil {
			names := make([]string, len(args))
			for i, t := range args {
				names[i] = t.StringWithoutTypmod()
			}
			if (schema == "" || schema == "pg_catalog") && isBuiltinFunction(name, oids) {
				return nil, errBuiltinFunction(stmt, name+"("+strings.Join(names, ",")+")")
			}
			return nil, x.missing(missingOK, pgcode.UndefinedFunction, "function "+full+"("+strings.Join(names, ", ")+") does not exist")
		}
	}
	return d, x.mustOwnAs(d, "function")
}

// isBuiltinFunction reports whether pg_catalog serves a function of a
// name and argument types.
func isBuiltinFunction(name string, args []uint32) bool {
	for _, r := range servedProcs() {
		if r.name == name && slices.Equal([]uint32(r.argtypes), args) {
			return true
		}
	}
	return false
}

// builtinNamed reports whether pg_catalog serves a function of the name,
// whatever its argument types.
func builtinNamed(name string) bool {
	for _, r := range servedProcs() {
		if r.name == name {
			return true
		}
	}
	return false
}

// errBuiltinFunction refuses a statement on a built-in function, which
// is part of the server, not of the catalog: PostgreSQL's error for
// DROP, 0A000 for the others.
func errBuiltinFunction(stmt, sig string) error {
	if stmt == "DROP" {
		return pgerror.Newf(pgcode.DependentObjectsStillExist, "cannot drop function %s because it is required by the database system", sig)
	}
	return pgerror.Newf(pgcode.FeatureNotSupported, "%s FUNCTION is not supported for built-in functions", stmt)
}

// typeOid is the Oid a catalog records for a type (a function's
// signature, a column's type): a domain's own, not its base type's.
func typeOid(t *types.T) uint32 {
	if t.Domain != nil {
		return t.Domain.Oid
	}
	return t.Oid
}

// signatureText is a function as PostgreSQL's hints name it:
// name(integer,text).
func (x *execCtx) signatureText(d *catalog.Descriptor) string {
	return d.Name + "(" + x.argTypesText(d, ",") + ")"
}

// signatureTypeName is a type as a function's signature shows it: a
// domain by its own name, not its base type's.
func signatureTypeName(t *types.T) string {
	switch {
	case t.Domain != nil:
		return t.Domain.Name
	case t.Elem != nil && t.Elem.Domain != nil:
		return t.Elem.Domain.Name + "[]"
	}
	return t.StringWithoutTypmod()
}

// argTypesText is d's argument types joined with sep: "," in
// signatureText's form, ", " in PostgreSQL's messages.
func (x *execCtx) argTypesText(d *catalog.Descriptor, sep string) string {
	names := make([]string, len(d.Function.ArgOids))
	for i, oid := range d.Function.ArgOids {
		if t, err := typeByOidIn(x.txn, oid); err == nil {
			names[i] = signatureTypeName(t)
		}
	}
	return strings.Join(names, sep)
}

// dropFunctions is DROP FUNCTION. The views that call a function depend
// on it (view_funcs.go): they stop the drop (2BP01), or go with it
// under CASCADE.
func (x *execCtx) dropFunctions(n *pg_query.DropStmt) error {
	ds, err := x.dropNamed(n, func(_ *depGraph, obj *pg_query.Node) (*catalog.Descriptor, error) {
		return x.resolveFunction(obj.GetObjectWithArgs(), n.MissingOk, "DROP")
	})
	if ds == nil || err != nil {
		return err
	}
	if err := ds.apply(); err != nil {
		return err
	}
	return catalog.BumpVersion(x.txn)
}

// functionNameFree refuses (42723) to give function d the name in
// schema s when a function of that name and d's argument types is there.
func (x *execCtx) functionNameFree(d, s *catalog.Descriptor, name string) error {
	other, err := catalog.LookupFunction(x.txn, s.ID, name, d.Function.ArgOids)
	if err != nil || other == nil {
		return err
	}
	return pgerror.Newf(pgcode.DuplicateFunction, "function %s(%s) already exists in schema \"%s\"", name, x.argTypesText(d, ", "), s.Name)
}

// renameFunction is ALTER FUNCTION ... RENAME TO.
func (x *execCtx) renameFunction(n *pg_query.RenameStmt) error {
	d, err := x.resolveFunction(n.Object.GetObjectWithArgs(), false, "ALTER")
	if err != nil {
		return err
	}
	s, err := catalog.Get(x.txn, d.Schema)
	if err != nil {
		return err
	}
	if err := x.functionNameFree(d, s, n.Newname); err != nil {
		return err
	}
	oldName := x.functionName(d)
	rebound, err := x.rebindViewCalls(d, n.Newname, d.Schema) // view_funcs.go
	if err != nil {
		return err
	}
	if err := catalog.Rename(x.txn, d, n.Newname); err != nil {
		return err
	}
	if err := x.checkRebound(oldName, rebound); err != nil { // function_rename_check.go
		return err
	}
	return catalog.BumpVersion(x.txn)
}

// changeFunctionOwner is ALTER FUNCTION ... OWNER TO.
func (x *execCtx) changeFunctionOwner(n *pg_query.AlterOwnerStmt) error {
	role, err := x.sess.existingRole(n.Newowner)
	if err != nil {
		return err
	}
	d, err := x.resolveFunction(n.Object.GetObjectWithArgs(), false, "ALTER")
	if err != nil {
		return err
	}
	if ownerName(d) == role {
		return nil // as PostgreSQL: no check when nothing changes
	}
	if err := x.mayGiveTo(role); err != nil {
		return err
	}
	d.Owner = role
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	return catalog.BumpVersion(x.txn)
}

// commentFunction is COMMENT ON FUNCTION.
func (x *execCtx) commentFunction(n *pg_query.CommentStmt) error {
	d, err := x.resolveFunction(n.Object.GetObjectWithArgs(), false, "COMMENT ON")
	if err != nil {
		return err
	}
	d.Comment = n.Comment
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	return catalog.BumpVersion(x.txn)
}

// functionName names a function as PostgreSQL's getObjectDescription
// (format_procedure) does: name(integer,text), without a space, and
// qualified by its schema when a call of the bare name would not find it.
func (x *execCtx) functionName(d *catalog.Descriptor) string {
	sig := d.Name + "(" + x.argTypesText(d, ",") + ")"
	if found, err := lookupFunctionExact(x.txn, x.sess, "", d.Name, d.Function.ArgOids); err == nil && found != nil && found.ID == d.ID {
		return sig
	}
	if s, err := catalog.Get(x.txn, d.Schema); err == nil && s != nil {
		return s.Name + "." + sig
	}
	return sig
}

// setFunctionSchema is ALTER FUNCTION ... SET SCHEMA.
func (x *execCtx) setFunctionSchema(n *pg_query.AlterObjectSchemaStmt) error {
	d, err := x.resolveFunction(n.Object.GetObjectWithArgs(), n.MissingOk, "ALTER")
	if err != nil || d == nil {
		return err
	}
	if n.Newschema == catalog.TempSchemaAlias {
		return errTempMove()
	}
	s, err := x.sess.schemaFor(x.txn, n.Newschema)
	if err != nil {
		return err
	}
	// As a relation's move (ddl_set_schema.go): the mover needs CREATE
	// on the schema the function goes to.
	if err := x.sess.checkNeeds([]privNeed{{db: "C", object: "schema " + s.Name}}); err != nil {
		return err
	}
	if s.ID == d.Schema {
		return nil
	}
	if err := x.checkTempMove(d.Schema, s); err != nil {
		return err
	}
	if err := x.functionNameFree(d, s, d.Name); err != nil {
		return err
	}
	oldName := x.functionName(d)
	rebound, err := x.rebindViewCalls(d, d.Name, s.ID) // view_funcs.go
	if err != nil {
		return err
	}
	if err := catalog.SetSchema(x.txn, d, s.ID); err != nil {
		return err
	}
	if err := x.checkRebound(oldName, rebound); err != nil { // function_rename_check.go
		return err
	}
	return catalog.BumpVersion(x.txn)
}

func (pl *planner) planAlterFunction(n *pg_query.AlterFunctionStmt) (plan, error) {
	if n.Objtype != pg_query.ObjectType_OBJECT_FUNCTION {
		return nil, nil
	}
	return &ddlPlan{tag: "ALTER FUNCTION", fn: func(x *execCtx) error { return x.alterFunction(n) }}, nil
}

// alterFunction is ALTER FUNCTION ... IMMUTABLE | STABLE | VOLATILE,
// [NOT] STRICT, CALLED ON NULL INPUT, and the options that change no
// result (COST, ROWS, PARALLEL, LEAKPROOF).
func (x *execCtx) alterFunction(n *pg_query.AlterFunctionStmt) error {
	d, err := x.resolveFunction(n.Func, false, "ALTER")
	if err != nil {
		return err
	}
	for _, a := range n.Actions {
		de := a.GetDefElem()
		if de == nil {
			continue
		}
		if handled, err := funcAttr(de, &d.Function.Volatility, &d.Function.Strict); err != nil {
			return err
		} else if !handled {
			return pgerror.Newf(pgcode.FeatureNotSupported, "ALTER FUNCTION option %s is not supported", strings.ToUpper(de.Defname))
		}
	}
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	return catalog.BumpVersion(x.txn)
}
