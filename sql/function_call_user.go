package sql

import (
	"strconv"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Calls of the functions users create (CREATE FUNCTION ... LANGUAGE sql,
// ddl_function.go). The expression builder resolves a call among the
// built-in functions and these (expr/userfuncs.go); the call is an
// expr.Func whose Fn runs the body's statements, in the caller's
// transaction, with the arguments as their parameters ($1, or the
// argument's name). The statements are planned at the call's first
// run, once per call site, and the plan kept with the call: a
// recursive function plans its body again one level deeper at each
// level it reaches, which is what lets recursion stop where the
// arguments say (a body planned at the call site's own planning would
// recurse without end). The function's value is the first column of
// the last statement's first row, NULL if it has none.

// maxFuncDepth bounds how deep calls of user functions nest (each level
// runs statements of its own), standing in for PostgreSQL's
// max_stack_depth: past it a call fails with 54001 rather than exhaust
// the server's memory.
const maxFuncDepth = 1000

// maxFuncPlans bounds the bodies one outermost call plans. A body is
// planned once per call site, and each plan has call sites of its own,
// so a recursion that branches (f(n-1) + f(n-2)) plans one body per
// call path: without a bound, exponentially many, all kept until the
// statement ends.
const maxFuncPlans = 10000

// errStackDepth is PostgreSQL's error of too deep a recursion.
func errStackDepth() error {
	return pgerror.New(pgcode.StatementTooComplex, "stack depth limit exceeded").
		WithHint(`Increase the configuration parameter "max_stack_depth" (currently 2048kB), after ensuring the platform's stack depth limit is adequate.`)
}

// userFuncsHook finds the user functions a call may mean, for the
// expression builder.
func userFuncsHook(txn *engine.Txn, s *Session) expr.UserFuncResolver {
	return userFuncsHookSets(txn, s, nil)
}

// userFuncsHookSets is userFuncsHook noting in sets the calls of
// set-returning functions it builds, for FROM to run as row sources
// (function_set_user.go).
func userFuncsHookSets(txn *engine.Txn, s *Session, sets map[*expr.Func]*funcBody) expr.UserFuncResolver {
	return func(schema, name string) ([]*expr.UserFunc, error) {
		if txn == nil {
			return nil, nil
		}
		ds, err := callableFunctions(txn, s, schema, name)
		if err != nil {
			return nil, err
		}
		return userFuncsOf(txn, s, ds, sets)
	}
}

// userFuncsOf describes function descriptors for the expression builder.
func userFuncsOf(txn *engine.Txn, s *Session, ds []*catalog.Descriptor, sets map[*expr.Func]*funcBody) ([]*expr.UserFunc, error) {
	out := make([]*expr.UserFunc, 0, len(ds))
	for _, d := range ds {
		u, err := userFunc(txn, s, d, sets)
		if pgerror.HasCode(err, pgcode.UndefinedObject) {
			// A type of its signature was dropped: the function
			// cannot be called, and must not stop calls of others
			// (or of the built-ins) of its name.
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// lookupFunctions returns the functions named name: those of the named
// schema, or for schema "" those of every schema on the search path, in
// its order. A named schema that does not exist is 3F000.
func lookupFunctions(txn *engine.Txn, s *Session, schema, name string) ([]*catalog.Descriptor, error) {
	var out []*catalog.Descriptor
	err := eachFunctionSchema(txn, s, schema, func(id uint32) (bool, error) {
		ds, err := catalog.Functions(txn, id, name)
		out = append(out, ds...)
		return false, err
	})
	return out, err
}

// lookupFunctionExact finds the function of a name and argument types:
// in the named schema, or the first on the search path that has one.
func lookupFunctionExact(txn *engine.Txn, s *Session, schema, name string, oids []uint32) (*catalog.Descriptor, error) {
	var found *catalog.Descriptor
	err := eachFunctionSchema(txn, s, schema, func(id uint32) (bool, error) {
		d, err := catalog.LookupFunction(txn, id, name, oids)
		found = d
		return d != nil, err
	})
	return found, err
}

// eachFunctionSchema calls fn with the id of the named schema (3F000
// when it does not exist), or for schema "" with those of the search
// path's schemas that exist, in order, until fn reports it is done.
// The temp schema is not among them: PostgreSQL never looks a function
// up there by an unqualified name, so that a temporary object cannot
// stand in for another session's or a view's function.
func eachFunctionSchema(txn *engine.Txn, s *Session, schema string, fn func(id uint32) (done bool, err error)) error {
	if schema != "" {
		sd, err := catalog.Schema(txn, schema)
		if err != nil {
			return err
		}
		_, err = fn(sd.ID)
		return err
	}
	for _, sn := range s.searchPath() {
		if catalog.IsTempSchema(sn) {
			continue
		}
		sd, err := catalog.Lookup(txn, 0, sn)
		if err != nil {
			return err
		}
		if sd == nil || sd.Kind != catalog.KindSchema {
			continue
		}
		if done, err := fn(sd.ID); err != nil || done {
			return err
		}
	}
	return nil
}

// callableFunctions is lookupFunctions for a call being planned: an
// unqualified name that no function of the database has, which is
// every call of a built-in in a database without a user function of
// its name, is answered from the catalog version's cache
// (relation_cache.go) without reading the search path's schemas.
func callableFunctions(txn *engine.Txn, s *Session, schema, name string) ([]*catalog.Descriptor, error) {
	if schema == "" && !s.db.functionNamed(txn, name) {
		return nil, nil
	}
	return lookupFunctions(txn, s, schema, name)
}

// funcSignature is a user function's argument and result types, as the
// transaction sees them (a user type's from its descriptor).
type funcSignature struct {
	args   []*types.T
	result *types.T
	// table are the columns of RETURNS TABLE (...), nil for another
	// function.
	table []*types.T
}

// signatureOf resolves a function descriptor's types.
func signatureOf(txn *engine.Txn, d *catalog.Descriptor) (*funcSignature, error) {
	sig := &funcSignature{}
	for _, oid := range d.Function.ArgOids {
		t, err := typeByOidIn(txn, oid)
		if err != nil {
			return nil, err
		}
		sig.args = append(sig.args, t)
	}
	t, err := typeByOidIn(txn, d.Function.ResultOid)
	if err != nil {
		return nil, err
	}
	sig.result = t
	for _, oid := range d.Function.TableOids {
		t, err := typeByOidIn(txn, oid)
		if err != nil {
			return nil, err
		}
		sig.table = append(sig.table, t)
	}
	return sig, nil
}

// typeByOidIn returns a built-in type (record included: a RETURNS
// TABLE function's result), or a user type as txn sees it.
func typeByOidIn(txn *engine.Txn, oid uint32) (*types.T, error) {
	if t, ok := types.ByOid(oid); ok {
		return t, nil
	}
	if oid == types.RecordType.Oid {
		return types.RecordType, nil
	}
	t, ok, err := catalog.TypeByOid(txn, oid)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, pgerror.Newf(pgcode.UndefinedObject, "type with OID %d does not exist", oid)
	}
	return t, nil
}

// userFunc describes a function descriptor for the expression builder.
func userFunc(txn *engine.Txn, s *Session, d *catalog.Descriptor, sets map[*expr.Func]*funcBody) (*expr.UserFunc, error) {
	sig, err := signatureOf(txn, d)
	if err != nil {
		return nil, err
	}
	fd := d.Function
	u := &expr.UserFunc{Args: sig.args, Names: fd.ArgNames, Defaults: len(fd.Defaults), Result: sig.result, ID: d.ID}
	u.Call = func(args []expr.Expr) (expr.Expr, error) {
		for i, a := range args {
			if a != nil {
				continue
			}
			def, err := argDefault(txn, s, fd, i-(len(args)-len(fd.Defaults)), sig.args[i]) // function_arg_defaults.go
			if err != nil {
				return nil, err
			}
			args[i] = def
		}
		body := &funcBody{d: d, sig: sig}
		f := &expr.Func{Name: d.Name, Args: args, Result: sig.result, Strict: fd.Strict, Fn: body.call,
			Volatile: true, Restricted: true, UserFunc: d.ID}
		if fd.ReturnsSet && sets != nil {
			sets[f] = body
		}
		return f, nil
	}
	u.Set = fd.ReturnsSet
	return u, nil
}

// funcBody is a user function's body at one call site, planned at the
// first call.
type funcBody struct {
	d       *catalog.Descriptor
	sig     *funcSignature
	planned *plannedBody
}

// funcStmt is one planned statement of a body.
type funcStmt struct {
	plan  plan
	needs []privNeed
}

// call runs the body with the call's arguments (Fn of the call's
// expr.Func) and returns the function's value.
func (f *funcBody) call(ctx *expr.Context, args []types.Datum) (types.Datum, error) {
	if f.d.Function.ReturnsSet {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "set-valued function called in context that cannot accept a set")
	}
	var out types.Datum
	err := f.run(ctx, args, func(row []types.Datum) (bool, error) {
		if len(row) > 0 {
			out = row[0]
		}
		return false, nil
	})
	if err != nil || f.planned.values == nil {
		// RETURNS void: NULL whatever the last statement gave, as
		// PostgreSQL's SQL functions return.
		return nil, err
	}
	return out, nil
}

// run runs the body's statements with the arguments as their
// parameters, giving fn the last statement's rows, converted to the
// result's types, while it returns true. The rows are fn's only until
// it returns.
func (f *funcBody) run(ctx *expr.Context, args []types.Datum, fn func(row []types.Datum) (bool, error)) error {
	x, ok := ctx.Exec.(*execCtx)
	if !ok {
		return pgerror.Newf(pgcode.FeatureNotSupported, "function %s cannot be called here", f.d.Name)
	}
	s := x.sess
	if s.funcDepth >= maxFuncDepth {
		return errStackDepth()
	}
	if s.funcDepth == 0 {
		s.funcPlans = 0
	}
	s.funcDepth++
	defer func() { s.funcDepth-- }()
	if f.planned == nil {
		if s.funcPlans++; s.funcPlans > maxFuncPlans {
			return pgerror.Newf(pgcode.ProgramLimitExceeded, "SQL function \"%s\" would plan more than %d bodies in one call", f.d.Name, maxFuncPlans).
				WithHint("A body is planned once per call path: a recursion that calls itself more than once per level has exponentially many.")
		}
		stmts, err := parser.Parse(f.d.Function.Body)
		if err != nil {
			return err
		}
		if err := refuseWritesInNonVolatile(f.d, stmts); err != nil { // function_readonly.go
			return err
		}
		pb, err := planParsedBody(s, x.txn, f.d, f.sig, stmts, nil)
		if err != nil {
			return err
		}
		f.planned = pb
	}
	// The arguments are the statements' parameters; Fn's slice is not
	// ours to keep.
	params := append([]types.Datum(nil), args...)
	stmts := f.planned.stmts
	for i, st := range stmts {
		emit := func([]types.Datum) (bool, error) { return true, nil }
		if i == len(stmts)-1 {
			emit = func(row []types.Datum) (bool, error) {
				if len(row) < len(f.planned.values) {
					return true, nil
				}
				if err := f.planned.convert(ctx, row); err != nil {
					return false, err
				}
				return fn(row)
			}
		}
		if err := f.runStmt(ctx, s, st, params, emit); err != nil {
			return withFuncContext(err, f.d.Name, i+1)
		}
	}
	return nil
}

// runStmt runs one statement of the body, giving emit its rows while it
// returns true; a statement emit stops still ends as its Result closes
// (a data change has then done all of its work: it runs before its
// first row is returned).
func (f *funcBody) runStmt(ctx *expr.Context, s *Session, st *funcStmt, params []types.Datum, emit func([]types.Datum) (bool, error)) error {
	if err := s.checkNeeds(st.needs); err != nil {
		return err
	}
	ec := &expr.Context{Ctx: ctx.Ctx, Session: s, Params: params, StatementTime: ctx.StatementTime, TxTime: ctx.TxTime, Args: ctx.Args}
	r, err := st.plan.run(s, ec)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		row, err := r.Next(ctx.Ctx)
		if err != nil || row == nil {
			return err
		}
		more, err := emit(row)
		if err != nil || !more {
			return err
		}
	}
}

// withFuncContext marks an error of a body's statement with PostgreSQL's
// context line, and drops its position: it points into the body, not
// the statement the client sent.
func withFuncContext(err error, name string, stmt int) error {
	pe, ok := withoutPosition(err).(*pgerror.Error)
	if !ok {
		return err
	}
	c := *pe
	if c.Where == "" {
		c.Where = "SQL function \"" + name + "\" statement " + strconv.Itoa(stmt)
	}
	return &c
}
