package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
)

// How queries reach expression indexes (ddl_index_expr.go): every row
// holds each key's value in a hidden column, written with the row, so a
// computation in a scan's predicate that is the same as a key
// expression (sameExpr: same columns, constants, functions and casts)
// may read that column instead. useIndexKeys rewrites the pushed-down
// conjuncts so: lower(email) = $1 becomes a comparison of the key column,
// which access paths then bound as for any indexed column. The key
// expressions are immutable (CREATE INDEX refuses others), so the stored
// value is the value the query would compute.

// indexKeyExpr is the computation a key column stores.
type indexKeyExpr struct {
	col int
	e   expr.Expr
}

// indexKeyExprs builds the key expressions of a table over its row (cols,
// whose first columns are the table's): nil when it has none (or one
// does not build, which leaves it unused). A key calling a user function
// made other than IMMUTABLE since (CREATE OR REPLACE) is left unused too:
// its stored values may not be what the query computes now, and reading
// them would make WHERE f(a) = x and SELECT f(a) disagree on one row.
func (pl *planner) indexKeyExprs(d *catalog.Descriptor, cols []column) []indexKeyExpr {
	var out []indexKeyExpr
	var sc *scope
	for i := range d.Table.Columns {
		c := &d.Table.Columns[i]
		if !c.IndexKey || c.Dropped || i >= len(cols) {
			continue
		}
		p, err := parser.ParseExpr(c.Generated)
		if err != nil {
			continue
		}
		if sc == nil {
			sc = newScope(cols, &level{}, nil)
		}
		bind, err := bindingOfIDs(pl.txn, c.Functions)
		if err != nil || !bind.stillImmutable(c.Functions) {
			continue
		}
		e, err := boundExprBuilderOf(pl.txn, pl.s, sc, bind).Build(p) // table_funcs.go
		if err != nil || !e.Type().Equal(c.Type()) {
			continue
		}
		out = append(out, indexKeyExpr{col: i, e: e})
	}
	return out
}

// useIndexKeys returns the conjuncts with every computation of a key
// expression read from its column instead (conj itself when none is).
func (pl *planner) useIndexKeys(n *scanNode, conj []expr.Expr) []expr.Expr {
	keys := pl.indexKeyExprs(n.desc, n.columns)
	n.keyExprs = keys
	if keys == nil {
		return conj
	}
	out := make([]expr.Expr, len(conj))
	for i, c := range conj {
		out[i] = replaceKeys(c, keys, n.desc.Table.Columns)
	}
	return out
}

// replaceKeys returns e with its computations of keys replaced by
// references to their columns, copying the nodes above a replacement
// (never changing e). Nodes of other kinds are left whole.
func replaceKeys(e expr.Expr, keys []indexKeyExpr, cols []catalog.ColumnDesc) expr.Expr {
	for _, k := range keys {
		if sameExpr(e, k.e) {
			return &expr.ColRef{Idx: k.col, T: k.e.Type(), Name: cols[k.col].Generated}
		}
	}
	args := func(in []expr.Expr) ([]expr.Expr, bool) {
		var out []expr.Expr
		for i, a := range in {
			r := replaceKeys(a, keys, cols)
			if r != a && out == nil {
				out = append(make([]expr.Expr, 0, len(in)), in[:i]...)
			}
			if out != nil {
				out = append(out, r)
			}
		}
		return out, out != nil
	}
	one := func(a expr.Expr) (expr.Expr, bool) {
		r := replaceKeys(a, keys, cols)
		return r, r != a
	}
	switch v := e.(type) {
	case *expr.Func:
		if a, ok := args(v.Args); ok {
			return copyNode(v, func(c *expr.Func) { c.Args = a })
		}
	case *expr.And:
		if a, ok := args(v.Args); ok {
			return &expr.And{Args: a}
		}
	case *expr.Or:
		if a, ok := args(v.Args); ok {
			return &expr.Or{Args: a}
		}
	case *expr.Cast:
		if a, ok := one(v.Arg); ok {
			return copyNode(v, func(c *expr.Cast) { c.Arg = a })
		}
	case *expr.Not:
		if a, ok := one(v.Arg); ok {
			return copyNode(v, func(c *expr.Not) { c.Arg = a })
		}
	case *expr.IsNull:
		if a, ok := one(v.Arg); ok {
			return copyNode(v, func(c *expr.IsNull) { c.Arg = a })
		}
	case *expr.BoolTest:
		if a, ok := one(v.Arg); ok {
			return copyNode(v, func(c *expr.BoolTest) { c.Arg = a })
		}
	case *expr.ScalarArrayOp:
		if a, ok := one(v.Left); ok {
			return copyNode(v, func(c *expr.ScalarArrayOp) { c.Left = a })
		}
	}
	return e
}

// inferenceColumn is the column of the writer's row that holds an ON
// CONFLICT inference expression: the key column of the expression index
// that keys on it (-1 when none does, which leaves no index to infer).
func (pl *planner) inferenceColumn(w *tableWriter, e *expr.Builder, n *pg_query.Node) (int, error) {
	built, err := e.Build(n)
	if err != nil {
		return -1, err
	}
	for _, k := range pl.indexKeyExprs(w.desc, tableColumns(w.desc, w.desc.Name)) {
		if sameExpr(built, k.e) {
			return k.col, nil
		}
	}
	return -1, nil
}

// copyNode returns a copy of node v changed by set.
func copyNode[T any, P interface {
	*T
	expr.Expr
}](v P, set func(P)) expr.Expr {
	c := P(new(T))
	*c = *v
	set(c)
	return c
}

// keyColumnOf is the key column of the scan's row that holds e's value,
// for ORDER BY lower(email) read in the order of an index on it: -1 if
// none does.
func (n *scanNode) keyColumnOf(e expr.Expr) int {
	for _, k := range n.keyExprs {
		if sameExpr(e, k.e) {
			return k.col
		}
	}
	return -1
}

// stillImmutable reports whether every function of ids, which a key
// expression is bound to, is still there and declared IMMUTABLE.
func (b *funcBinding) stillImmutable(ids []uint32) bool {
	if len(b.descs) != len(ids) {
		return false // one is dropped
	}
	for _, d := range b.descs {
		if !declaredImmutable(d) {
			return false
		}
	}
	return true
}
