package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/types"
)

// A function's argument DEFAULTs (CREATE FUNCTION f(a int DEFAULT g()))
// are bound when the function is made, as PostgreSQL stores them parsed,
// with Oids: a call that leaves the argument out runs what the creator
// meant, whatever the caller's search_path finds first. stela keeps a
// default as text (FunctionDesc.Defaults, which pg_get_function_arguments
// prints) and binds its calls as it binds a column's DEFAULT's
// (table_funcs.go), its type names more strictly than a column's (whose
// bare names still resolve by the writer's search_path, userTypeHook in
// boundExprBuilder):
//
//   - CREATE FUNCTION records the user functions each default calls
//     (FunctionDesc.DefaultCalls), and writes the schema of one outside
//     public, and of a user type outside public, into the text.
//   - A call builds the default again with its calls resolving only
//     among those functions (boundFuncsHook), and a bare type name only
//     in the session's temp schema, then public (storedTypeHook): a
//     function or a type someone makes later in a schema earlier on a
//     caller's path cannot take it over.
//     Built-in functions and operators win over user functions of the
//     same name anyway, as pg_catalog comes first on PostgreSQL's path.
//   - DROP FUNCTION of a function a default calls is refused (2BP01) or
//     cascades to the function whose default it is (callsFunction);
//     ALTER FUNCTION ... RENAME TO and SET SCHEMA rewrite the calls in
//     the text (rebindDefaultCalls), so that the default still calls it
//     and prints its new name.
//
// A descriptor written before the binding (BoundDefaults unset) keeps
// resolving its defaults by the caller's search_path, as it was made to:
// its text may name functions and types a bound build would not find.

// argDefaultText checks that a parameter's DEFAULT (n) converts to its
// type t (written argType) and reads no column, and returns its stored
// text and the user functions it calls.
func (x *execCtx) argDefaultText(n *pg_query.Node, t *types.T, argType *pg_query.TypeName) (string, []uint32, error) {
	b := &expr.Builder{Params: &expr.ParamTypes{NoParams: true}, Session: x.sess, Clause: "DEFAULT expressions",
		Extension: extensionHook(x.txn), UserType: userTypeHook(x.txn, x.sess)}
	calls := map[int32]uint32{}
	if err := x.hookUserCalls(b, n, calls); err != nil { // table_funcs.go
		return "", nil, err
	}
	e, err := b.Build(n)
	if err != nil {
		return "", nil, err
	}
	if _, err := b.Assign(e, t, "", -1); err != nil {
		return "", nil, err
	}
	n, fns, err := x.boundCallsOf(n, calls)
	if err != nil {
		return "", nil, err
	}
	// A quoted literal's type is the parameter's, which PostgreSQL's
	// text of the DEFAULT shows: a built-in type as format_type prints
	// it, a user type as written, its schema qualified below.
	suffix := ""
	if c := n.GetAConst(); c != nil && c.GetSval() != nil {
		if _, builtin := types.ByOid(typeOid(t)); builtin {
			suffix = "::" + formatType(t, false)
		} else {
			// argType itself: qualifiedStored writes in a copy.
			cast := &pg_query.TypeCast{Arg: n, TypeName: argType}
			n = &pg_query.Node{Node: &pg_query.Node_TypeCast{TypeCast: cast}}
		}
	}
	if n, err = x.qualifiedStored(n, false, nil); err != nil {
		return "", nil, err
	}
	text, err := parser.DeparseExpr(n)
	return text + suffix, fns, err
}

// argDefault builds default i of function fd, coerced to its type t as
// CREATE FUNCTION checked it could be.
func argDefault(txn *engine.Txn, s *Session, fd *catalog.FunctionDesc, i int, t *types.T) (expr.Expr, error) {
	// A default may call a function whose default calls back: the
	// building nests as a call would (and on the Go stack, which must
	// not overflow).
	if s.funcDepth >= maxFuncDepth {
		return nil, errStackDepth()
	}
	s.funcDepth++
	defer func() { s.funcDepth-- }()
	n, err := parser.ParseExpr(fd.Defaults[i])
	if err != nil {
		return nil, err
	}
	// A descriptor written before the binding falls back to the
	// caller's search_path (its text was stored as written).
	b := &expr.Builder{Params: &expr.ParamTypes{NoParams: true}, Session: s, Extension: extensionHook(txn),
		UserType: userTypeHook(txn, s), UserFuncs: userFuncsHook(txn, s)}
	if fd.BoundDefaults {
		var ids []uint32
		if i < len(fd.DefaultCalls) {
			ids = fd.DefaultCalls[i]
		}
		if b, err = boundDefaultBuilder(txn, s, ids); err != nil {
			return nil, err
		}
	}
	e, err := b.Build(n)
	if err != nil {
		return nil, err
	}
	if e, err = b.Assign(e, t, "", -1); err != nil {
		return nil, err
	}
	return b.Finish(e)
}

// boundDefaultBuilder is the builder of a bound argument DEFAULT: its
// calls resolve among the functions ids only (table_funcs.go), its bare
// type names by storedTypeHook. Both a call and a rename start here.
func boundDefaultBuilder(txn *engine.Txn, s *Session, ids []uint32) (*expr.Builder, error) {
	b, err := boundExprBuilder(txn, s, nil, ids)
	if err != nil {
		return nil, err
	}
	b.UserType = storedTypeHook(txn, s)
	return b, nil
}

// storedTypeHook resolves the user type names of a text bound when it
// was stored: a bare name is a type of the session's temp schema, then
// of public (qualifiedStored wrote the schema of any other), never what
// the reader's search_path finds first. The temp schema comes first as
// PostgreSQL searches pg_temp first for types whatever search_path
// says: a default naming a temporary table's row type was made by this
// session, and a type of public that a temp type of the same name
// hides was written qualified (qualifyTypeName).
func storedTypeHook(txn *engine.Txn, s *Session) expr.TypeResolver {
	byName := userTypeHook(txn, s)
	return func(schema, name string) (*types.T, bool, error) {
		if schema != "" || txn == nil {
			return byName(schema, name)
		}
		if s.temp.used {
			sd, err := catalog.Lookup(txn, 0, s.tempSchemaName())
			if err != nil {
				return nil, false, err
			}
			if sd != nil {
				if t, ok, err := byName(sd.Name, name); err != nil || ok {
					return t, ok, err
				}
			}
		}
		return byName("public", name)
	}
}

// defaultCallsOf are the user functions the defaults of function fd
// call, each once.
func defaultCallsOf(fd *catalog.FunctionDesc) []uint32 {
	var out []uint32
	for _, ids := range fd.DefaultCalls {
		for _, id := range ids {
			if !containsID(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// defaultsCall reports whether a default of function fd calls function
// id.
func defaultsCall(fd *catalog.FunctionDesc, id uint32) bool {
	for _, ids := range fd.DefaultCalls {
		if containsID(ids, id) {
			return true
		}
	}
	return false
}
