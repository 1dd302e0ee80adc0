package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/parser"
)

// How pg_get_indexdef prints a partial index's predicate: PostgreSQL
// deparses the analyzed tree, so literals carry their casts
// ('x'::text); its plain form puts every operator and boolean expression
// in parentheses, its pretty form (psql's \d) leaves out those
// isSimpleNode finds needless: around the whole, and around a
// comparison, IS [NOT] NULL or NOT under AND or OR, and an AND under
// OR. pgDeparser prints the plain form of the shapes CHECKs have; the
// pretty one is derived from it here for the same shapes (inner
// arithmetic keeps all its parentheses, which PostgreSQL's pretty form
// thins a little further). A shape pgDeparser does not know is printed
// as stored.

// predicateDef prints a partial index's predicate as pg_get_indexdef
// does, pretty or plain.
func predicateDef(t *catalog.TableDesc, text string, pretty bool) string {
	if !pretty {
		p := pgDeparser{table: t}
		if r, ok := p.parse(text); ok && r.typ != nil {
			return r.text
		}
		return "(" + text + ")"
	}
	if s, ok := prettyPredicate(t, text); ok {
		return s
	}
	return text
}

// prettyPredicate is the pretty form of a predicate; ok false when
// pgDeparser does not know its shape.
func prettyPredicate(t *catalog.TableDesc, text string) (s string, ok bool) {
	n, err := parser.ParseExpr(text)
	if err != nil {
		return "", false
	}
	defer func() {
		if e := recover(); e != nil {
			if _, shape := e.(errShape); !shape {
				panic(e)
			}
			ok = false
		}
	}()
	p := &pgDeparser{table: t}
	if r := p.node(n); r.typ == nil {
		return "", false // an untyped literal: printed as stored
	}
	return p.pretty(n, nil), true
}

// pretty prints n under its parent (nil at the top) as PostgreSQL's
// pretty deparse does, for the shapes the comment above lists.
func (p *pgDeparser) pretty(n *pg_query.Node, parent *pg_query.BoolExpr) string {
	if b := n.GetBoolExpr(); b != nil {
		var parts []string
		for _, a := range b.Args {
			parts = append(parts, p.pretty(a, b))
		}
		var s string
		switch b.Boolop {
		case pg_query.BoolExprType_AND_EXPR:
			s = strings.Join(parts, " AND ")
		case pg_query.BoolExprType_OR_EXPR:
			s = strings.Join(parts, " OR ")
		default:
			s = "NOT " + parts[0]
		}
		// An OR under AND or NOT, and anything under NOT but a
		// comparison or test, keeps its parentheses.
		if parent != nil && (b.Boolop == pg_query.BoolExprType_OR_EXPR && parent.Boolop != pg_query.BoolExprType_OR_EXPR ||
			parent.Boolop == pg_query.BoolExprType_NOT_EXPR) {
			s = "(" + s + ")"
		}
		return s
	}
	s := p.node(n).text
	if n.GetAExpr() != nil || n.GetNullTest() != nil {
		s = strings.TrimSuffix(strings.TrimPrefix(s, "("), ")")
	}
	return s
}
