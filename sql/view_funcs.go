package sql

import (
	"sort"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// The user functions a view (or materialized view) calls are bound when
// it is made, as PostgreSQL binds them by Oid in the view's rule:
//
//   - ViewDesc.Functions records their ids. DROP FUNCTION finds the
//     views that call a function there (ddl_deps.go), refusing with 2BP01
//     or, with CASCADE, dropping them.
//   - The stored query names each such call as the rest of the text names
//     relations (stored_names.go): bare for a function of public, with its
//     schema otherwise. ALTER FUNCTION ... RENAME TO and SET SCHEMA rewrite
//     the calls of the function in the text (rebindViewCalls), so that it
//     keeps naming it, and pg_get_viewdef shows the new name.
//   - When the query is planned again (a read, a REFRESH), a call resolves
//     only among the bound functions that the name in the text denotes
//     (funcBinding), never by the reader's search_path: a function that a
//     reader, or anyone with CREATE on a schema, makes later cannot take
//     the call over, nor a call that went to a built-in function.
//
// Keeping ids beside readable text, rather than ids in the text, leaves
// pg_get_viewdef and pg_views as PostgreSQL prints them in the common
// case (a function of public, called bare). Views made before bindings
// existed (ViewDesc.BoundCalls unset) resolve their calls by name as
// they always did.

// funcBinding is the user functions a view's query was bound to.
type funcBinding struct {
	descs []*catalog.Descriptor
	// then is set for a view read as of a past tx (view_asof.go): its
	// stored text of then names the functions as they were named then,
	// so descs are the functions of then, and their names are read in
	// then (a snapshot of the catalog at that tx); the calls run today's
	// functions of the same ids, held in today.
	then  *engine.Txn
	today map[uint32]*catalog.Descriptor
}

// bindingOf loads the functions a view is bound to; nil for a view made
// before bindings (its calls resolve by name).
func bindingOf(txn *engine.Txn, v *catalog.ViewDesc) (*funcBinding, error) {
	if v == nil || !v.BoundCalls {
		return nil, nil
	}
	return bindingOfIDs(txn, v.Functions)
}

// bindingAsOf loads the functions a view read as of a past tx (then) is
// bound to: named as then, run as today (txn). A function dropped since
// is no longer there to run: its calls find nothing (42883).
func bindingAsOf(txn, then *engine.Txn, v *catalog.ViewDesc) (*funcBinding, error) {
	b, err := bindingOf(then, v)
	if b == nil || err != nil {
		return b, err
	}
	b.then, b.today = then, make(map[uint32]*catalog.Descriptor, len(b.descs))
	for _, d := range b.descs {
		now, err := catalog.Get(txn, d.ID)
		if err != nil {
			return nil, err
		}
		if now != nil && now.Kind == catalog.KindFunction {
			b.today[d.ID] = now
		}
	}
	return b, nil
}

// bindingOfIDs loads the functions of ids that still exist.
func bindingOfIDs(txn *engine.Txn, ids []uint32) (*funcBinding, error) {
	b := &funcBinding{}
	for _, id := range ids {
		d, err := catalog.Get(txn, id)
		if err != nil {
			return nil, err
		}
		if d != nil && d.Kind == catalog.KindFunction {
			b.descs = append(b.descs, d)
		}
	}
	return b, nil
}

// candidates are the bound functions a call of schema.name in the stored
// text denotes: for a bare name those of public (or a temporary schema,
// written bare too), for a qualified one those of that schema.
func (b *funcBinding) candidates(x *execCtx, schema, name string) ([]*catalog.Descriptor, error) {
	var want uint32
	if schema != "" {
		sd, err := catalog.Schema(x.txn, schema)
		if err != nil {
			return nil, err
		}
		want = sd.ID
	}
	var out []*catalog.Descriptor
	for _, d := range b.descs {
		if d.Name != name {
			continue
		}
		if schema != "" {
			if d.Schema == want {
				out = append(out, d)
			}
			continue
		}
		if sn, err := x.storedSchemaName(d.Schema); err != nil {
			return nil, err
		} else if sn == "" {
			out = append(out, d)
		}
	}
	return out, nil
}

// userFuncs is the planner's resolver of user function calls: by the
// search path, or within the binding of the view being planned.
func (pl *planner) userFuncs() expr.UserFuncResolver {
	byName := userFuncsHookSets(pl.txn, pl.s, pl.userSetCalls())
	return func(schema, name string) ([]*expr.UserFunc, error) {
		if pl.bound == nil || pl.txn == nil {
			return byName(schema, name)
		}
		return pl.bound.userFuncs(pl.txn, pl.s, schema, name, pl.userSetCalls())
	}
}

// userFuncs describes the functions of the binding a call of name
// (qualified by schema, or not) may mean.
func (b *funcBinding) userFuncs(txn *engine.Txn, s *Session, schema, name string, sets map[*expr.Func]*funcBody) ([]*expr.UserFunc, error) {
	names := txn
	if b.then != nil {
		names = b.then
	}
	ds, err := b.candidates(&execCtx{sess: s, txn: names}, schema, name)
	if err != nil {
		return nil, err
	}
	if b.then != nil {
		now := ds[:0:0]
		for _, d := range ds {
			if t := b.today[d.ID]; t != nil {
				now = append(now, t)
			}
		}
		ds = now
	}
	return userFuncsOf(txn, s, ds, sets)
}

// noteUserCall records, while a view's own query is planned to be bound
// (not the views it reads, planned deeper), the function a call at a
// location of its text resolved to.
func (pl *planner) noteUserCall(id uint32, loc int32) {
	if pl.calls != nil && pl.depth == 0 {
		pl.calls[loc] = id
	}
}

// boundFunctions are the distinct ids of calls, in id order.
func boundFunctions(calls map[int32]uint32) []uint32 {
	seen := map[uint32]bool{}
	var out []uint32
	for _, id := range calls {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// bindUserCalls binds view v to the user functions its planning
// resolved the calls of stored query q to (calls, by location): the
// calls are qualified where a bare name would not find them, and the
// functions recorded.
func (x *execCtx) bindUserCalls(q *pg_query.Node, calls map[int32]uint32, v *catalog.ViewDesc) error {
	if err := x.qualifyUserCalls(q, calls); err != nil {
		return err
	}
	v.Functions, v.BoundCalls = boundFunctions(calls), true
	return nil
}

// qualifyUserCalls writes the schema into the bare calls of q (by their
// location in calls) that resolved to a function outside public, as
// qualifiedStored does for relations.
func (x *execCtx) qualifyUserCalls(q *pg_query.Node, calls map[int32]uint32) error {
	var err error
	walk(q, func(n *pg_query.Node) bool {
		f := n.GetFuncCall()
		if err != nil || f == nil || len(f.Funcname) != 1 {
			return err == nil
		}
		id, ok := calls[f.Location]
		if !ok {
			return true
		}
		var d *catalog.Descriptor
		if d, err = catalog.Get(x.txn, id); err != nil || d == nil {
			return err == nil
		}
		var sn string
		if sn, err = x.storedSchemaName(d.Schema); sn != "" {
			f.Funcname = append([]*pg_query.Node{pg_query.MakeStrNode(sn)}, f.Funcname...)
		}
		return true
	})
	return err
}

// callsFunction reports whether o is a view or materialized view bound
// to function d, or a function whose SQL-standard body (function_deps.go)
// or an argument's DEFAULT (function_arg_defaults.go) calls it.
func callsFunction(o, d *catalog.Descriptor) bool {
	if d.Kind != catalog.KindFunction || o.ID == d.ID {
		return false
	}
	if o.Kind == catalog.KindFunction {
		return containsID(o.Function.Functions, d.ID) || defaultsCall(o.Function, d.ID)
	}
	return o.View != nil && (o.Kind == catalog.KindView || o.IsMatView()) && containsID(o.View.Functions, d.ID)
}

// rebindViewCalls rewrites, in the stored query of every view bound to
// fn, the calls of fn to name it as newName in schema newSchema: run by
// ALTER FUNCTION ... RENAME TO and SET SCHEMA before the change, while
// the text still resolves. It returns the texts rewritten, for
// checkRebound once the change is made. fn's own defaults may call it:
// they are rewritten in fn itself, which the caller's change writes.
func (x *execCtx) rebindViewCalls(fn *catalog.Descriptor, newName string, newSchema uint32) ([]reboundText, error) {
	all, err := catalog.All(x.txn)
	if err != nil {
		return nil, err
	}
	sn, err := x.storedSchemaName(newSchema)
	if err != nil {
		return nil, err
	}
	var out []reboundText
	for _, v := range all {
		if tableCallsFunction(v, fn.ID) {
			if err := x.rebindTableCalls(v, fn.ID, newName, newSchema, sn, &out); err != nil { // table_funcs.go
				return nil, err
			}
			continue
		}
		if v.ID == fn.ID {
			// Its own default may call it (made so by CREATE OR
			// REPLACE): that call follows it too, rewritten in the
			// caller's fn, which the caller then writes renamed.
			if fn.Kind == catalog.KindFunction && defaultsCall(fn.Function, fn.ID) {
				if err := x.rebindDefaultCalls(fn, fn.ID, newName, newSchema, sn, &out); err != nil {
					return nil, err
				}
			}
			continue
		}
		if !callsFunction(v, fn) {
			continue
		}
		if v.Kind == catalog.KindFunction {
			if containsID(v.Function.Functions, fn.ID) {
				// A SQL-standard body keeps its text and calls by
				// name: PostgreSQL would follow the change by the
				// function's OID, stela cannot yet, and must not
				// leave the body calling a name another function
				// could take.
				return nil, pgerror.Newf(pgcode.FeatureNotSupported, "cannot rename or move function %s: the body of function %s calls it",
					x.functionName(fn), x.functionName(v)).
					WithHint("Drop function " + v.Name + " first, and create it again after the change.")
			}
			// Its argument DEFAULTs call fn (function_arg_defaults.go).
			if err := x.rebindDefaultCalls(v, fn.ID, newName, newSchema, sn, &out); err != nil {
				return nil, err
			}
			if err := catalog.Put(x.txn, v); err != nil {
				return nil, err
			}
			continue
		}
		root, travel, calls, err := x.viewCallSites(v)
		if err != nil {
			return nil, err
		}
		if err := x.renameCalls(root, calls, fn.ID, newName, newSchema, sn); err != nil {
			return nil, err
		}
		if v.View.Query, err = x.deparseWithTimeTravel(root, travel); err != nil {
			return nil, err
		}
		if err := catalog.Put(x.txn, v); err != nil {
			return nil, err
		}
		id := v.ID
		out = append(out, reboundText{what: x.describe(v), before: callOrder(calls), again: func() (map[int32]uint32, error) {
			v, err := catalog.Get(x.txn, id)
			if err != nil || v == nil {
				return nil, err
			}
			_, _, calls, err := x.viewCallSites(v)
			return calls, err
		}})
	}
	return out, nil
}

// renameCalls rewrites the calls under root that resolved to function
// fn (calls, by location) to name it as newName in schema newSchema,
// whose stored name (storedSchemaName) is sn.
func (x *execCtx) renameCalls(root *pg_query.Node, calls map[int32]uint32, fn uint32, newName string, newSchema uint32, sn string) error {
	var err error
	walk(root, func(n *pg_query.Node) bool {
		f := n.GetFuncCall()
		if err != nil || f == nil || calls[f.Location] != fn {
			return err == nil
		}
		name := []*pg_query.Node{pg_query.MakeStrNode(newName)}
		switch {
		case len(f.Funcname) > 1 || builtinNamed(newName):
			// Written qualified: it stays so, with the new schema.
			// A bare name a built-in has would call the built-in
			// (which wins unqualified): it is qualified too.
			s, e := catalog.Get(x.txn, newSchema)
			if e != nil || s == nil {
				err = e
				return false
			}
			name = append([]*pg_query.Node{pg_query.MakeStrNode(s.Name)}, name...)
		case sn != "":
			name = append([]*pg_query.Node{pg_query.MakeStrNode(sn)}, name...)
		}
		f.Funcname = name
		return true
	})
	return err
}

// viewCallSites plans a view's stored query within its binding and
// returns its parse tree, AS OF clauses and the function each user
// function call (by location) resolves to.
func (x *execCtx) viewCallSites(v *catalog.Descriptor) (*pg_query.Node, map[int32]*parser.TimeTravel, map[int32]uint32, error) {
	stmt, pl, err := x.storedViewPlanner(v) // view_stored_plan.go
	if err != nil {
		return nil, nil, nil, err
	}
	pl.calls = map[int32]uint32{}
	if _, err := pl.planQuery(stmt.AST.GetSelectStmt(), nil, &level{}); err != nil {
		return nil, nil, nil, err
	}
	return stmt.AST, travelOf(stmt), pl.calls, nil
}
