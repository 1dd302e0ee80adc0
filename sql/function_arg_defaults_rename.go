package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// ALTER FUNCTION ... RENAME TO and SET SCHEMA follow a function into the
// argument DEFAULTs of the functions that call it (function_arg_defaults.go),
// as they follow it into table expressions (table_funcs_rename.go): each
// such default's text is built again within its binding to learn which
// of its calls are the function's, and those are rewritten to name it as
// it will be named. The default keeps calling the same function, and
// pg_get_function_arguments prints its new name, as PostgreSQL's deparse
// of the bound Oid does. checkRebound then refuses a new name that would
// make a rewritten call find another function of the binding.

// rebindDefaultCalls rewrites, in d, the DEFAULTs of function d that
// call function fn to call it as newName in schema newSchema (stored
// name sn), and notes the texts rewritten in out (checkRebound). The
// caller writes d.
func (x *execCtx) rebindDefaultCalls(d *catalog.Descriptor, fn uint32, newName string, newSchema uint32, sn string, out *[]reboundText) error {
	fd := d.Function
	for i, ids := range fd.DefaultCalls {
		// A call list without its default (a corrupted descriptor)
		// binds nothing, as argDefault ignores it.
		if !containsID(ids, fn) || i >= len(fd.Defaults) {
			continue
		}
		corrupt := pgerror.Newf(pgcode.DataCorrupted, "function \"%s\": stored default \"%s\" does not parse", d.Name, fd.Defaults[i])
		bound := ids
		sites := func(n *pg_query.Node) (map[int32]uint32, error) { return x.defaultCallSites(n, bound) }
		if err := x.rebindStoredText(&fd.Defaults[i], corrupt, sites, parser.DeparseExpr, funcRename{fn, newName, newSchema, sn}, "a default of "+x.describe(d), out); err != nil { // table_funcs_rename.go
			return err
		}
	}
	return nil
}

// defaultCallSites builds a stored argument DEFAULT within its binding
// (ids) and returns the function each user function call (by location)
// resolves to.
func (x *execCtx) defaultCallSites(n *pg_query.Node, ids []uint32) (map[int32]uint32, error) {
	b, err := boundDefaultBuilder(x.txn, x.sess, ids)
	if err != nil {
		return nil, err
	}
	calls := map[int32]uint32{}
	b.UserCalled = func(id uint32, loc int32) { calls[loc] = id }
	if _, err := b.Build(n); err != nil {
		return nil, err
	}
	return calls, nil
}
