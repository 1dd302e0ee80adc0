package expr

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// rowComparison builds (a, b) = (c, d) and (a, b) <> (c, d) as PostgreSQL
// rewrites them: a = c AND b = d, a <> c OR b <> d. It returns nil when
// the operands are not both row constructors. The ordering comparisons
// (<, <=, >, >=) compare lexicographically and are not supported yet.
func (b *Builder) rowComparison(e *pg_query.A_Expr, name string) (Expr, error) {
	l, r := e.Lexpr.GetRowExpr(), e.Rexpr.GetRowExpr()
	if l == nil || r == nil {
		return nil, nil
	}
	if len(l.Args) != len(r.Args) {
		return nil, at(pgerror.New(pgcode.Syntax, "unequal number of entries in row expressions"), e.Location)
	}
	if name != "=" && name != "<>" {
		return nil, at(pgerror.Newf(pgcode.FeatureNotSupported, "row comparison with %s is not supported yet", name), e.Location)
	}
	tests := make([]Expr, len(l.Args))
	for i := range l.Args {
		x, err := b.Build(l.Args[i])
		if err != nil {
			return nil, err
		}
		y, err := b.Build(r.Args[i])
		if err != nil {
			return nil, err
		}
		if tests[i], err = b.operator(name, []Expr{x, y}, e.Location); err != nil {
			return nil, err
		}
		if tests[i].Type().Family != types.Bool.Family {
			return nil, at(pgerror.Newf(pgcode.DatatypeMismatch, "row comparison operator must yield type boolean, not type %s", tests[i].Type()), e.Location)
		}
	}
	if len(tests) == 1 {
		return tests[0], nil
	}
	if name == "<>" {
		return &Or{Args: tests}, nil
	}
	return &And{Args: tests}, nil
}
