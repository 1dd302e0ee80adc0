package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
)

// User functions in a table's own expressions: a column's DEFAULT, a
// CHECK constraint, a generated column's expression. PostgreSQL keeps
// these as parse trees bound by Oid; stela keeps them as text, and binds
// their calls as it binds a view's (view_funcs.go):
//
//   - When the expression is set, its calls resolve by the search path
//     (hookUserCalls records which function each call resolved to); a
//     bare call of a function outside public is written with its schema,
//     and the functions' ids are kept beside the text
//     (ColumnDesc.Functions, CheckDesc.Functions).
//   - When the expression is built again to be run (each write's plan:
//     dml_defaults.go, dml_writer.go), its calls resolve only among the
//     bound functions (boundFuncsHook), never by the writer's search
//     path: a function someone makes later cannot take the call over.
//     An expression bound to none resolves no user function at all and
//     costs nothing more than before.
//   - DROP FUNCTION of a bound function is refused (2BP01) or, with
//     CASCADE, drops the default or the constraint (ddl_deps_exprs.go);
//     ALTER FUNCTION ... RENAME TO and SET SCHEMA rewrite the calls in
//     the text (rebindTableCalls), so that \d and pg_get_expr show the
//     function's new name, as PostgreSQL prints the bound Oid's.
//
// Expressions stored before bindings existed could call no user
// function (setting them failed with 42883), so none is left to resolve
// by name.

// hookUserCalls lets b resolve the user functions n calls by the search
// path, and records in calls the function each call resolved to, by
// location. An expression copied from a stored one (x.boundExprs)
// resolves its calls only among the functions the original is bound to,
// as the original does: a copy made under another search path must call
// what the original calls.
func (x *execCtx) hookUserCalls(b *expr.Builder, n *pg_query.Node, calls map[int32]uint32) error {
	b.UserFuncs = userFuncsHook(x.txn, x.sess)
	if ids, ok := x.boundExprs[n]; ok {
		if err := bindStoredCalls(b, x.txn, x.sess, ids); err != nil {
			return err
		}
	}
	b.UserCalled = func(id uint32, loc int32) { calls[loc] = id }
	return nil
}

// bindLike notes that n, copied from a stored expression bound to the
// functions ids, resolves its calls among them (hookUserCalls).
func (x *execCtx) bindLike(n *pg_query.Node, ids []uint32) {
	if len(ids) == 0 {
		return
	}
	if x.boundExprs == nil {
		x.boundExprs = map[*pg_query.Node][]uint32{}
	}
	x.boundExprs[n] = ids
}

// boundCallsOf returns n, or when it called user functions (calls) a
// copy of it with those calls qualified where a bare name would not find
// them (n itself is not changed: a prepared statement may run again),
// and the functions called.
func (x *execCtx) boundCallsOf(n *pg_query.Node, calls map[int32]uint32) (*pg_query.Node, []uint32, error) {
	if len(calls) == 0 {
		return n, nil, nil
	}
	n = proto.Clone(n).(*pg_query.Node)
	if err := x.qualifyUserCalls(n, calls); err != nil {
		return nil, nil, err
	}
	return n, boundFunctions(calls), nil
}

// boundExprBuilder is the builder of a stored table expression (a
// DEFAULT, a CHECK, a generated column's or an index key's expression)
// over scope sc, whose user-function calls resolve only among the
// functions ids it is bound to. Every place that builds one again starts
// here, so that none can forget the binding (and resolve by the search
// path, or not at all). Its user type names are not bound: a bare one
// resolves by the search path (qualifiedStored wrote the schema of one
// outside public), unlike a function argument's DEFAULT
// (storedTypeHook).
func boundExprBuilder(txn *engine.Txn, s *Session, sc *scope, ids []uint32) (*expr.Builder, error) {
	b := &expr.Builder{Params: &expr.ParamTypes{NoParams: true}, Session: s, Scope: sc, Extension: extensionHook(txn), UserType: userTypeHook(txn, s)}
	if err := bindStoredCalls(b, txn, s, ids); err != nil {
		return nil, err
	}
	return b, nil
}

// boundExprBuilderOf is boundExprBuilder for functions already loaded,
// all that the expression is bound to.
func boundExprBuilderOf(txn *engine.Txn, s *Session, sc *scope, bind *funcBinding) *expr.Builder {
	b, _ := boundExprBuilder(txn, s, sc, nil) // bound to none: reads nothing, cannot fail
	if len(bind.descs) > 0 {
		b.UserFuncs = bind.hook(txn, s)
	}
	return b
}

// bindStoredCalls makes b, a builder of a stored expression bound to the
// functions ids, resolve user-function calls among those only, and
// record none (the binding is already stored).
func bindStoredCalls(b *expr.Builder, txn *engine.Txn, s *Session, ids []uint32) error {
	fns, err := boundFuncsHook(txn, s, ids)
	if err != nil {
		return err
	}
	b.UserFuncs, b.UserCalled = fns, nil
	return nil
}

// boundFuncsHook is the user-function resolver of a stored expression
// bound to the functions ids: a call resolves only among them. nil for
// an expression bound to none, which then calls built-in functions only.
func boundFuncsHook(txn *engine.Txn, s *Session, ids []uint32) (expr.UserFuncResolver, error) {
	if len(ids) == 0 || txn == nil {
		return nil, nil
	}
	b, err := bindingOfIDs(txn, ids)
	if err != nil {
		return nil, err
	}
	return b.hook(txn, s), nil
}

// hook is the user-function resolver among b's functions.
func (b *funcBinding) hook(txn *engine.Txn, s *Session) expr.UserFuncResolver {
	return func(schema, name string) ([]*expr.UserFunc, error) {
		return b.userFuncs(txn, s, schema, name, nil)
	}
}

// tableCallsFunction reports whether a default, a CHECK or a generated
// column of table o is bound to function fn.
func tableCallsFunction(o *catalog.Descriptor, fn uint32) bool {
	if o.Kind != catalog.KindTable || o.Table == nil {
		return false
	}
	for _, c := range o.Table.Columns {
		if !c.Dropped && containsID(c.Functions, fn) {
			return true
		}
	}
	for _, ck := range o.Table.Checks {
		if containsID(ck.Functions, fn) {
			return true
		}
	}
	return false
}
