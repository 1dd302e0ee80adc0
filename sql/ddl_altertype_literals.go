package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/types"
)

// A CHECK or a partial index's predicate is kept as the text it was
// written in, and built again over the table's columns as they are. An
// untyped literal in it takes its type from what it is compared with,
// so a column's new type would change what the literal means: p > '5'
// on an integer column compares numbers, and once p is text, strings
// ('10' > '5' is false). PostgreSQL keeps the analyzed expression, in
// which the literal is an integer: the constraint no longer resolves
// over the new type (42883) and the ALTER fails. So before a column's
// type changes, the untyped literals of the expressions over it are
// given the types they have now (p > '5'::integer).

// pinColumnLiterals pins the literals of the CHECKs and partial-index
// predicates of table d that read column c; d must still have c's old
// type.
func (x *execCtx) pinColumnLiterals(d *catalog.Descriptor, c *catalog.ColumnDesc) error {
	t := d.Table
	for i := range t.Checks {
		ck := &t.Checks[i]
		if !exprUsesColumn(ck.Expr, c.Name) {
			continue
		}
		pinned, err := x.pinLiterals(x.sess, d, ck.Expr, ck.Functions)
		if err != nil {
			return err
		}
		ck.Expr = pinned
	}
	for _, ix := range t.AllIndexes() {
		if ix.Predicate == "" || !exprUsesColumn(ix.Predicate, c.Name) {
			continue
		}
		// A predicate calls no user function (index_predicate.go).
		pinned, err := x.pinLiterals(withSettings(x.sess, ix.PredicateSettings), d, ix.Predicate, nil)
		if err != nil {
			return err
		}
		ix.Predicate = pinned
	}
	return nil
}

// pinLiterals returns text, an expression over d's columns, with each
// string literal that is not already cast cast to the type it takes in
// the expression. An expression that does not build is returned as it
// is: building it again after the change reports its error. ids are
// the user functions the expression is bound to; s gives the settings it
// is built with.
func (x *execCtx) pinLiterals(s expr.Session, d *catalog.Descriptor, text string, ids []uint32) (string, error) {
	n, err := parser.ParseExpr(text)
	if err != nil {
		return text, nil
	}
	b, err := boundExprBuilder(x.txn, x.sess, newScope(tableColumns(d, d.Name), &level{}, nil), ids) // table_funcs.go
	if err != nil {
		return "", err
	}
	b.Session = s
	e, err := b.Build(n)
	if err != nil {
		return text, nil
	}
	typed := map[int32]*types.T{}
	expr.Walk(e, func(e expr.Expr) bool {
		if k, ok := e.(*expr.Const); ok && k.Loc >= 0 && k.T != nil && k.T.Family != types.UnknownFamily {
			typed[int32(k.Loc)] = k.T
		}
		return true
	})
	cast := map[*pg_query.Node]bool{} // the literals already cast
	var pin []*pg_query.Node
	walk(n, func(m *pg_query.Node) bool {
		if tc := m.GetTypeCast(); tc != nil {
			cast[tc.Arg] = true
		}
		if k := m.GetAConst(); k != nil && k.GetSval() != nil && !cast[m] && typed[k.Location] != nil {
			pin = append(pin, m)
		}
		return true
	})
	if len(pin) == 0 {
		return text, nil
	}
	for _, m := range pin {
		tn, err := typeNameFor(typed[m.GetAConst().Location])
		if err != nil {
			return text, nil
		}
		lit := &pg_query.Node{Node: m.Node}
		m.Node = &pg_query.Node_TypeCast{TypeCast: &pg_query.TypeCast{Arg: lit, TypeName: tn, Location: -1}}
	}
	return parser.DeparseExpr(n)
}

// typeNameFor is the parse tree of type t's name.
func typeNameFor(t *types.T) (*pg_query.TypeName, error) {
	n, err := parser.ParseExpr("NULL::" + t.String())
	if err != nil {
		return nil, err
	}
	return n.GetTypeCast().GetTypeName(), nil
}
