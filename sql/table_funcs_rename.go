package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// ALTER FUNCTION ... RENAME TO and SET SCHEMA follow a function into the
// table expressions bound to it (table_funcs.go), as they follow it into
// views (rebindViewCalls): each expression's text is built again within
// its binding to learn which calls are the function's, and those are
// rewritten to name it as it will be named. The text still resolves to
// the same functions afterwards, and prints the new name.

// rebindTableCalls rewrites the defaults, generated columns and CHECK
// constraints of table d bound to function fn to call it as newName in
// schema newSchema (stored name sn), and notes the texts rewritten in
// out (checkRebound).
func (x *execCtx) rebindTableCalls(d *catalog.Descriptor, fn uint32, newName string, newSchema uint32, sn string, out *[]reboundText) error {
	t := d.Table
	for i := range t.Columns {
		c := &t.Columns[i]
		if c.Dropped || !containsID(c.Functions, fn) {
			continue
		}
		text, what := &c.Default, "default value for column "+c.Name+" of "+x.describe(d)
		switch {
		case c.IndexKey:
			text, what = &c.Generated, "an index of "+x.describe(d)
			for _, ix := range t.AllIndexes() {
				if indexReadsColumn(ix, c.ID) {
					what = "index " + x.indexName(d, ix.Name)
				}
			}
		case c.Generated != "":
			text, what = &c.Generated, "column "+c.Name+" of "+x.describe(d)
		}
		if err := x.rebindExprText(d, text, c.Functions, fn, newName, newSchema, sn, what, out); err != nil {
			return err
		}
	}
	for i := range t.Checks {
		ck := &t.Checks[i]
		if !containsID(ck.Functions, fn) {
			continue
		}
		what := "constraint " + ck.Name + " on " + x.describe(d)
		if err := x.rebindExprText(d, &ck.Expr, ck.Functions, fn, newName, newSchema, sn, what, out); err != nil {
			return err
		}
	}
	return catalog.Put(x.txn, d)
}

// rebindExprText rewrites one stored expression of table d, bound to
// ids, in place, and notes it in out as what.
func (x *execCtx) rebindExprText(d *catalog.Descriptor, text *string, ids []uint32, fn uint32, newName string, newSchema uint32, sn string, what string, out *[]reboundText) error {
	corrupt := pgerror.Newf(pgcode.DataCorrupted, "table \"%s\": stored expression \"%s\" does not parse", d.Name, *text)
	sites := func(n *pg_query.Node) (map[int32]uint32, error) { return x.exprCallSites(d, n, ids) }
	return x.rebindStoredText(text, corrupt, sites, unqualifiedText, funcRename{fn, newName, newSchema, sn}, what, out)
}

// funcRename is a function's new name and schema (sn: its name as stored
// texts write it) as ALTER FUNCTION gives them.
type funcRename struct {
	fn        uint32
	newName   string
	newSchema uint32
	sn        string
}

// rebindStoredText rewrites a stored expression's text in place so that
// its calls of r.fn name it as r gives, and notes it in out as what
// (checkRebound). sites builds the text within its binding and returns
// the function each call resolves to; deparse writes the text back;
// corrupt is the error for a text that does not parse.
func (x *execCtx) rebindStoredText(text *string, corrupt error, sites func(*pg_query.Node) (map[int32]uint32, error),
	deparse func(*pg_query.Node) (string, error), r funcRename, what string, out *[]reboundText) error {
	n, err := parser.ParseExpr(*text)
	if err != nil {
		return corrupt
	}
	calls, err := sites(n)
	if err != nil {
		return err
	}
	// The calls are written as the text is stored, qualified only
	// outside public (or for a built-in's name), whatever they were
	// before: PostgreSQL prints a bound call by where the function is
	// now, not as it was written.
	walk(n, func(m *pg_query.Node) bool {
		if f := m.GetFuncCall(); f != nil && calls[f.Location] == r.fn {
			f.Funcname = f.Funcname[len(f.Funcname)-1:]
		}
		return true
	})
	if err := x.renameCalls(n, calls, r.fn, r.newName, r.newSchema, r.sn); err != nil { // view_funcs.go
		return err
	}
	if *text, err = deparse(n); err != nil {
		return err
	}
	rewritten := *text
	*out = append(*out, reboundText{what: what, before: callOrder(calls), again: func() (map[int32]uint32, error) {
		n, err := parser.ParseExpr(rewritten)
		if err != nil {
			return nil, err
		}
		return sites(n)
	}})
	return nil
}

// exprCallSites builds a stored expression of table d within its
// binding (ids) and returns the function each user function call (by
// location) resolves to.
func (x *execCtx) exprCallSites(d *catalog.Descriptor, n *pg_query.Node, ids []uint32) (map[int32]uint32, error) {
	b, err := boundExprBuilder(x.txn, x.sess, newScope(tableColumns(d, d.Name), &level{}, nil), ids) // table_funcs.go
	if err != nil {
		return nil, err
	}
	pl := &planner{s: x.sess, txn: x.txn, params: b.Params}
	b.Special = func(f *pg_query.FuncCall, name string) (expr.Expr, error) { return pl.specialFunc(b, f, name) }
	b.CheckReg = pl.checkReg
	constTableOID(b, d.Name, d.ID)
	calls := map[int32]uint32{}
	b.UserCalled = func(id uint32, loc int32) { calls[loc] = id }
	if _, err := b.Build(n); err != nil {
		return nil, err
	}
	return calls, nil
}
