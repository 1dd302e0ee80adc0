package expr

import (
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/types"
)

// foldScope has one int4 column, c, holding 2147483647.
type foldScope struct{}

func (foldScope) Column(names []string, _ int32) (Expr, error) {
	return &ColRef{Idx: 0, T: types.Int4, Name: names[len(names)-1]}, nil
}

// buildSelectExprErr builds the expression sql over foldScope.
func buildSelectExprErr(sql string) (Expr, error) {
	tree, err := pg_query.Parse("SELECT " + sql)
	if err != nil {
		return nil, err
	}
	target := tree.Stmts[0].Stmt.GetSelectStmt().TargetList[0].GetResTarget().Val
	return (&Builder{Scope: foldScope{}}).Build(target)
}

func buildSelectExpr(t *testing.T, sql string) Expr {
	t.Helper()
	e, err := buildSelectExprErr(sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return e
}

// As in PostgreSQL 15: a strict call with a NULL constant argument is NULL
// without evaluating the others (no overflow for c * 2), unless another
// argument is a constant expression, which PostgreSQL evaluates (and
// fails on) while planning.
func TestFoldNullInput(t *testing.T) {
	cases := []struct {
		sql    string
		folded bool
		want   string // the value on the row c = 2147483647, "<NULL>" or "error"
	}{
		{"c * 2 < NULL", true, "<NULL>"},
		{"- c * 2 NOT BETWEEN NULL AND (NULL)", false, "<NULL>"}, // an OR of two folded tests
		{"abs(c * 2 + NULL)", true, "<NULL>"},
		{"c * 2 < 1", false, "error"},
		{"c + 1/0 < NULL", false, "error"},
		{"1/0 + NULL", false, "error"},
		{"NULLIF(c, NULL)", false, "2147483647"},
		{"c IS DISTINCT FROM NULL", false, "t"},
		{"concat(c, NULL)", false, "2147483647"},
		{"coalesce(c * 2 + NULL, 5)", false, "5"},
	}
	ctx := &Context{Row: []types.Datum{int64(2147483647)}}
	for _, c := range cases {
		e := buildSelectExpr(t, c.sql)
		k, isConst := e.(*Const)
		if folded := isConst && k.V == nil; folded != c.folded {
			t.Errorf("%s: folded %v, want %v (%T)", c.sql, folded, c.folded, e)
		}
		v, err := e.Eval(ctx)
		got := "<NULL>"
		switch {
		case err != nil:
			got = "error"
		case v != nil:
			fs := types.DefaultFormatSettings()
			got = string(e.Type().AppendText(nil, v, &fs))
		}
		if got != c.want {
			t.Errorf("%s = %s (%v), want %s", c.sql, got, err, c.want)
		}
	}
}
