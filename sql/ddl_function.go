package sql

import (
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// CREATE [OR REPLACE] FUNCTION ... LANGUAGE sql: a function is a
// catalog descriptor (catalog/functions.go) holding its signature, its
// attributes and its body's text, which each call site plans at its
// first call (function_call_user.go). The body is planned here too, and
// thrown away, to check it as PostgreSQL does with check_function_bodies
// on. Other languages are refused; so are OUT parameters, VARIADIC and
// functions returning records, which stela does not run. A
// set-returning function (RETURNS SETOF type, RETURNS TABLE (...)) is
// called in FROM (function_set_user.go).

func (pl *planner) planCreateFunction(n *pg_query.CreateFunctionStmt) (plan, error) {
	if n.IsProcedure {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "CREATE PROCEDURE is not supported")
	}
	return &ddlPlan{tag: "CREATE FUNCTION", fn: func(x *execCtx) error { return x.createFunction(n) }}, nil
}

// funcOptions are a CREATE FUNCTION's options.
type funcOptions struct {
	language   string
	body       string
	hasAs      bool
	volatility string
	strict     bool
}

// funcAttr applies one of the options CREATE FUNCTION and ALTER FUNCTION
// share to a function's volatility and strictness; handled is false for
// any other option.
func funcAttr(de *pg_query.DefElem, volatility *string, strict *bool) (handled bool, err error) {
	switch de.Defname {
	case "volatility":
		*volatility = de.Arg.GetString_().GetSval()[:1]
	case "strict":
		*strict = de.Arg.GetBoolean().GetBoolval()
	case "cost", "rows", "parallel", "leakproof":
		// Planner hints and markings that change no result.
	case "security":
		if de.Arg.GetBoolean().GetBoolval() {
			return true, pgerror.New(pgcode.FeatureNotSupported, "SECURITY DEFINER functions are not supported")
		}
	default:
		return false, nil
	}
	return true, nil
}

// functionOptions reads a CREATE FUNCTION's options, refusing those
// stela does not run.
func functionOptions(n *pg_query.CreateFunctionStmt) (*funcOptions, error) {
	o := &funcOptions{volatility: "v"}
	for _, opt := range n.Options {
		de := opt.GetDefElem()
		if de == nil {
			continue
		}
		if handled, err := funcAttr(de, &o.volatility, &o.strict); err != nil {
			return nil, err
		} else if handled {
			continue
		}
		switch de.Defname {
		case "language":
			o.language = de.Arg.GetString_().GetSval()
		case "as":
			items := de.Arg.GetList().GetItems()
			if len(items) != 1 {
				return nil, pgerror.New(pgcode.InvalidFunctionDefinition, "only one AS item needed for language \"sql\"")
			}
			o.body, o.hasAs = items[0].GetString_().GetSval(), true
		default:
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "CREATE FUNCTION option %s is not supported", strings.ToUpper(de.Defname))
		}
	}
	if o.language == "" && n.SqlBody != nil {
		o.language = "sql"
	}
	switch o.language {
	case "sql":
	case "":
		return nil, pgerror.New(pgcode.InvalidFunctionDefinition, "no language specified")
	case "plpgsql", "c", "internal":
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "language %s is not supported", o.language).
			WithHint("stela runs functions written in SQL (LANGUAGE sql) only.")
	default:
		return nil, pgerror.Newf(pgcode.UndefinedObject, "language \"%s\" does not exist", o.language)
	}
	if n.SqlBody == nil && !o.hasAs {
		return nil, pgerror.New(pgcode.InvalidFunctionDefinition, "no function body specified")
	}
	return o, nil
}

// funcParam is one parameter of a CREATE FUNCTION.
type funcParam struct {
	name string
	t    *types.T
	def  string // the DEFAULT's SQL text, "" none
	// defCalls are the user functions the DEFAULT calls
	// (function_arg_defaults.go).
	defCalls []uint32
}

// functionParams reads a CREATE FUNCTION's parameters: the IN ones, and
// apart the columns of RETURNS TABLE.
func (x *execCtx) functionParams(n *pg_query.CreateFunctionStmt) (out, table []funcParam, err error) {
	seenDefault := false
	for _, pn := range n.Parameters {
		fp := pn.GetFunctionParameter()
		switch fp.Mode {
		case pg_query.FunctionParameterMode_FUNC_PARAM_IN, pg_query.FunctionParameterMode_FUNC_PARAM_DEFAULT:
		case pg_query.FunctionParameterMode_FUNC_PARAM_TABLE:
			t, err := x.typeFromName(fp.ArgType)
			if err != nil {
				return nil, nil, err
			}
			table = append(table, funcParam{name: fp.Name, t: t})
			continue
		case pg_query.FunctionParameterMode_FUNC_PARAM_VARIADIC:
			return nil, nil, pgerror.New(pgcode.FeatureNotSupported, "VARIADIC parameters are not supported")
		default:
			return nil, nil, pgerror.New(pgcode.FeatureNotSupported, "OUT and INOUT parameters are not supported")
		}
		t, err := x.typeFromName(fp.ArgType)
		if err != nil {
			return nil, nil, err
		}
		if fp.ArgType.Setof {
			return nil, nil, pgerror.New(pgcode.InvalidFunctionDefinition, "functions cannot accept set arguments")
		}
		p := funcParam{name: fp.Name, t: t}
		for _, q := range out {
			if p.name != "" && q.name == p.name {
				return nil, nil, pgerror.Newf(pgcode.InvalidFunctionDefinition, "parameter name \"%s\" used more than once", p.name)
			}
		}
		if fp.Defexpr != nil {
			if p.def, p.defCalls, err = x.argDefaultText(fp.Defexpr, t, fp.ArgType); err != nil {
				return nil, nil, err
			}
			seenDefault = true
		} else if seenDefault {
			return nil, nil, pgerror.New(pgcode.InvalidFunctionDefinition, "input parameters after one with a default value must also have defaults")
		}
		out = append(out, p)
	}
	return out, table, nil
}

func (x *execCtx) createFunction(n *pg_query.CreateFunctionStmt) error {
	schemaName, name, err := x.splitQualified(nodeStrings(n.Funcname))
	if err != nil {
		return err
	}
	schema, err := x.sess.schemaFor(x.txn, schemaName)
	if err != nil {
		return err
	}
	opts, err := functionOptions(n)
	if err != nil {
		return err
	}
	params, table, err := x.functionParams(n)
	if err != nil {
		return err
	}
	if n.ReturnType == nil {
		return pgerror.New(pgcode.FeatureNotSupported, "functions without a RETURNS clause (OUT parameters) are not supported")
	}
	sig := &funcSignature{}
	for _, p := range params {
		sig.args = append(sig.args, p.t)
	}
	for _, p := range table {
		sig.table = append(sig.table, p.t)
	}
	switch len(table) {
	case 0:
		// SETOF is the function's, not the type's.
		setof := n.ReturnType.Setof
		n.ReturnType.Setof = false
		sig.result, err = x.typeFromName(n.ReturnType)
		n.ReturnType.Setof = setof
		if err != nil {
			return err
		}
	case 1:
		// RETURNS TABLE (a int) returns SETOF int.
		sig.result = table[0].t
	default:
		sig.result = types.RecordType
	}
	if n.ReturnType.Setof && sig.result.Family == types.RecordFamily && len(table) == 0 {
		return pgerror.New(pgcode.FeatureNotSupported, "functions returning SETOF record or a table's row type are not supported")
	}
	if sig.result.Family == types.RecordFamily && !n.ReturnType.Setof {
		return pgerror.New(pgcode.FeatureNotSupported, "functions returning record or a table's row type are not supported")
	}
	fd := &catalog.FunctionDesc{ResultOid: typeOid(sig.result), ReturnsSet: n.ReturnType.Setof, Language: opts.language,
		Body: opts.body, Volatility: opts.volatility, Strict: opts.strict}
	for _, p := range table {
		fd.TableNames, fd.TableOids = append(fd.TableNames, p.name), append(fd.TableOids, typeOid(p.t))
	}
	named := false
	for _, p := range params {
		fd.ArgOids = append(fd.ArgOids, typeOid(p.t))
		fd.ArgNames = append(fd.ArgNames, p.name)
		named = named || p.name != ""
		if p.def != "" {
			fd.Defaults, fd.DefaultCalls = append(fd.Defaults, p.def), append(fd.DefaultCalls, p.defCalls)
			fd.BoundDefaults = true
		}
	}
	if defaultCallsOf(fd) == nil {
		fd.DefaultCalls = nil // none to record
	}
	if !named {
		fd.ArgNames = nil
	}
	if n.SqlBody != nil {
		if fd.Body, err = bodyText(n.SqlBody); err != nil {
			return err
		}
		if fd.SQLBody, err = standardBodyText(n.SqlBody); err != nil {
			return err
		}
	}
	d := &catalog.Descriptor{Kind: catalog.KindFunction, Name: name, Schema: schema.ID, Owner: x.creator(), Function: fd}
	old, err := catalog.LookupFunction(x.txn, schema.ID, name, fd.ArgOids)
	if err != nil {
		return err
	}
	if old != nil {
		if !n.Replace {
			return pgerror.Newf(pgcode.DuplicateFunction, "function \"%s\" already exists with same argument types", name)
		}
		if err := x.mustOwnAs(old, "function"); err != nil {
			return err
		}
		if err := replaceable(old, d, x.signatureText(d)); err != nil {
			return err
		}
		d.ID, d.Owner, d.Comment = old.ID, old.Owner, old.Comment
	} else if d.ID, err = catalog.NewID(x.txn); err != nil {
		return err
	}
	// A SQL-standard body is planned before the function exists, as
	// PostgreSQL parses it (a call of the function itself does not
	// resolve, but to the version it replaces), and always, whatever
	// check_function_bodies says: what it calls is recorded
	// (function_deps.go).
	if fd.SQLBody != "" {
		calls := map[int32]uint32{}
		if _, err := planFuncBodyCalls(x.sess, x.txn, d, sig, calls); err != nil {
			return err
		}
		fd.Functions = bodyCalls(d, calls)
	}
	// A string body is planned after the Put, so that one that calls
	// the function finds it.
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	// check_function_bodies off (what pg_dump's scripts set, creating
	// functions before the tables they read) skips the check.
	if check, err := x.sess.Setting("check_function_bodies"); err != nil {
		return err
	} else if check == "on" && fd.SQLBody == "" {
		if _, err := planFuncBody(x.sess, x.txn, d, sig); err != nil {
			return err
		}
	}
	return catalog.BumpVersion(x.txn)
}

// replaceable refuses the changes CREATE OR REPLACE may not make, as
// PostgreSQL does: the result type, and the names of the parameters.
func replaceable(old, d *catalog.Descriptor, sig string) error {
	if old.Function.ResultOid != d.Function.ResultOid || old.Function.ReturnsSet != d.Function.ReturnsSet {
		return pgerror.New(pgcode.InvalidFunctionDefinition, "cannot change return type of existing function").
			WithHint("Use DROP FUNCTION " + sig + " first.")
	}
	// A row of several RETURNS TABLE columns must keep their names and
	// types (one column is the function's result type, checked above).
	if len(old.Function.TableOids) > 1 && (!slices.Equal(old.Function.TableOids, d.Function.TableOids) ||
		!slices.Equal(old.Function.TableNames, d.Function.TableNames)) {
		return pgerror.New(pgcode.InvalidFunctionDefinition, "cannot change return type of existing function").
			WithDetail("Row type defined by OUT parameters is different.").
			WithHint("Use DROP FUNCTION " + sig + " first.")
	}
	for i, n := range old.Function.ArgNames {
		if n != "" && (i >= len(d.Function.ArgNames) || d.Function.ArgNames[i] != n) {
			return pgerror.Newf(pgcode.InvalidFunctionDefinition, "cannot change name of input parameter \"%s\"", n).
				WithHint("Use DROP FUNCTION " + sig + " first.")
		}
	}
	if len(d.Function.Defaults) < len(old.Function.Defaults) {
		return pgerror.New(pgcode.InvalidFunctionDefinition, "cannot remove parameter defaults from existing function").
			WithHint("Use DROP FUNCTION " + sig + " first.")
	}
	return nil
}

// standardBodyText is a SQL-standard body as pg_get_functiondef shows
// it: RETURN expr, or BEGIN ATOMIC with one statement a line.
func standardBodyText(n *pg_query.Node) (string, error) {
	if r := n.GetReturnStmt(); r != nil {
		e, err := parser.DeparseExpr(r.Returnval)
		if err != nil {
			return "", err
		}
		return "RETURN " + e, nil
	}
	var b strings.Builder
	b.WriteString("BEGIN ATOMIC\n")
	for _, l := range n.GetList().GetItems() {
		for _, st := range l.GetList().GetItems() {
			t, err := parser.DeparseStatement(st)
			if err != nil {
				return "", err
			}
			b.WriteString(" " + t + ";\n")
		}
	}
	b.WriteString("END")
	return b.String(), nil
}
