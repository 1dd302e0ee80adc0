package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Expression indexes (CREATE INDEX ON t (lower(email))). Each key
// expression gets a column of its own in the table: hidden, nameless,
// marked IndexKey, with the expression as its Generated text. Writers
// compute it on every INSERT, UPDATE and COPY as they compute stored
// generated columns (dml_generated.go), so the engine indexes it like
// any other column, and the planner reads a query's computation of the
// same expression as a reference to it (index_expr_match.go): the
// index's bounds, ordering and uniqueness are then those of a column
// index.
//
// What that costs, as against PostgreSQL, which computes the key for
// the index alone: rows store the value, and CREATE INDEX writes every
// row whose key is not NULL again (a new version, as ADD COLUMN with a
// default does). The column goes with its index: DROP INDEX, and DROP
// COLUMN of a column it reads, drop it (dropOrphanKeys).

// indexKeyColumn adds to d's table the column that holds the value of an
// index key expression, filled in the table's rows, and returns it.
func (x *execCtx) indexKeyColumn(d *catalog.Descriptor, n *pg_query.Node) (*catalog.ColumnDesc, error) {
	t := d.Table
	pl := &planner{s: x.sess, txn: x.txn, params: &expr.ParamTypes{NoParams: true}}
	b := pl.storedExprBuilder(d, "index expressions", "index expression")
	calls := map[int32]uint32{}
	immutable, err := x.hookImmutableUserCalls(b, n, calls) // table_funcs_immutable.go
	if err != nil {
		return nil, err
	}
	if err := indexSystemColumn(t, n); err != nil {
		return nil, err
	}
	e, err := b.Build(n)
	if err != nil {
		return nil, err
	}
	if isMutableBut(e, immutable) {
		return nil, pgerror.New(pgcode.InvalidObjectDefinition, "functions in index expression must be marked IMMUTABLE")
	}
	typ := e.Type()
	if typ.Oid == types.Unknown.Oid {
		// PostgreSQL leaves a bare literal's type unresolved here.
		return nil, pgerror.New(pgcode.UndefinedObject, "data type unknown has no default operator class for access method \"btree\"").
			WithHint("You must specify an operator class for the index or define a default operator class for the data type.")
	}
	n, fns, err := x.boundCallsOf(n, calls) // table_funcs.go
	if err != nil {
		return nil, err
	}
	text, err := x.storedExprText(n)
	if err != nil {
		return nil, err
	}
	if len(t.Columns) >= 1600 {
		return nil, pgerror.New(pgcode.TooManyColumns, "tables can have at most 1600 columns")
	}
	key := catalog.ColumnDesc{ID: t.NextColumnID, Generated: text, Functions: fns, Hidden: true, IndexKey: true}
	key.SetType(typ)
	if err := checkKeyColumn(&key); err != nil {
		return nil, err
	}
	t.Columns = append(t.Columns, key)
	t.NextColumnID++
	col := &t.Columns[len(t.Columns)-1]
	if err := catalog.Put(x.txn, d); err != nil {
		return nil, err
	}
	if err := x.fillNewColumn(d, col, false); err != nil {
		return nil, err
	}
	return col, nil
}

// indexSystemColumn refuses, as PostgreSQL does, a key expression over
// a system column (or the hidden row id).
func indexSystemColumn(t *catalog.TableDesc, n *pg_query.Node) error {
	if firstSystemColumn(t, n) != nil {
		return pgerror.New(pgcode.FeatureNotSupported, "index creation on system columns is not supported")
	}
	return nil
}

// plainColumnElem is the column an index element's expression is no more
// than, as PostgreSQL indexes ((a)) as a: "" when it is more.
func plainColumnElem(n *pg_query.Node) string {
	cr := n.GetColumnRef()
	if cr == nil {
		return ""
	}
	return lastFieldName(cr)
}

// indexColname is PostgreSQL's FigureIndexColname: the name an index key
// expression gives its index's column and the index's default name
// (t_lower_idx): a function's name, what a cast casts, or "expr".
func indexColname(n *pg_query.Node) string {
	switch {
	case n.GetFuncCall() != nil:
		names := n.GetFuncCall().Funcname
		return names[len(names)-1].GetString_().GetSval()
	case n.GetTypeCast() != nil:
		tc := n.GetTypeCast()
		if s := indexColname(tc.Arg); s != "expr" {
			return s
		}
		if names := tc.TypeName.GetNames(); len(names) > 0 {
			return names[len(names)-1].GetString_().GetSval()
		}
	case n.GetColumnRef() != nil:
		if s := lastFieldName(n.GetColumnRef()); s != "" {
			return s
		}
	case n.GetCaseExpr() != nil:
		return "case"
	case n.GetCoalesceExpr() != nil:
		return "coalesce"
	case n.GetMinMaxExpr() != nil:
		if n.GetMinMaxExpr().Op == pg_query.MinMaxOp_IS_GREATEST {
			return "greatest"
		}
		return "least"
	}
	return "expr"
}

// indexKeyColname is indexColname of a stored key expression.
func indexKeyColname(c *catalog.ColumnDesc) string {
	n, err := parser.ParseExpr(c.Generated)
	if err != nil {
		return "expr"
	}
	return indexColname(n)
}

// dropOrphanKeys drops the key columns of expression indexes that no
// index of the table reads any more (DROP INDEX, DROP COLUMN). Like any
// dropped column, rows keep the values they stored.
func dropOrphanKeys(t *catalog.TableDesc) {
	used := map[uint32]bool{}
	for _, ix := range t.AllIndexes() {
		for _, ic := range ix.Columns {
			used[ic.ColumnID] = true
		}
	}
	for i := range t.Columns {
		c := &t.Columns[i]
		if c.IndexKey && !c.Dropped && !used[c.ID] {
			c.Dropped, c.Generated, c.Functions = true, "", nil
		}
	}
}

// indexKeyDef prints an index key as pg_get_indexdef does: a column's
// quoted name, or the key expression, pretty or plain; asKey puts an
// expression that does not look like a function call in parentheses, as
// pg_get_indexdef does (indexprs does not).
func indexKeyDef(t *catalog.TableDesc, c *catalog.ColumnDesc, pretty, asKey bool) string {
	if !c.IndexKey {
		return expr.QuoteIdent(c.Name)
	}
	s := c.Generated // a shape pgDeparser does not know: as stored
	if pretty {
		if p, ok := prettyPredicate(t, c.Generated); ok {
			s = p
		}
	} else if r, ok := (&pgDeparser{table: t}).parse(c.Generated); ok && r.typ != nil {
		s = r.text
	}
	if n, err := parser.ParseExpr(c.Generated); err == nil && asKey && !looksLikeFunction(n) {
		s = "(" + s + ")"
	}
	return s
}

// looksLikeFunction is PostgreSQL's looks_like_function: the forms that
// print as a call and need no parentheses of their own.
func looksLikeFunction(n *pg_query.Node) bool {
	return n.GetFuncCall() != nil || n.GetCoalesceExpr() != nil || n.GetMinMaxExpr() != nil ||
		n.GetSqlvalueFunction() != nil || n.GetAExpr() != nil && n.GetAExpr().Kind == pg_query.A_Expr_Kind_AEXPR_NULLIF
}
