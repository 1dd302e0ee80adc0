package expr

import (
	"testing"

	"github.com/stela-db/stela/sql/types"
)

// PostgreSQL 15's answers for c = 5, 10, 15, 20, 25 and NULL.
func TestBetweenSymmetric(t *testing.T) {
	cases := []struct {
		sql  string
		want [6]string
	}{
		{"c BETWEEN SYMMETRIC 20 AND 10", [6]string{"f", "t", "t", "t", "f", "<NULL>"}},
		{"c NOT BETWEEN SYMMETRIC 20 AND 10", [6]string{"t", "f", "f", "f", "t", "<NULL>"}},
		{"c BETWEEN 20 AND 10", [6]string{"f", "f", "f", "f", "f", "<NULL>"}},
		{"c BETWEEN SYMMETRIC NULL AND 10", [6]string{"<NULL>", "<NULL>", "<NULL>", "<NULL>", "<NULL>", "<NULL>"}},
		{"c NOT BETWEEN 10 AND 20", [6]string{"t", "f", "f", "f", "t", "<NULL>"}},
	}
	fs := types.DefaultFormatSettings()
	for _, c := range cases {
		e := buildSelectExpr(t, c.sql)
		for i, in := range []types.Datum{int64(5), int64(10), int64(15), int64(20), int64(25), nil} {
			v, err := e.Eval(&Context{Row: []types.Datum{in}})
			got := "<NULL>"
			switch {
			case err != nil:
				got = err.Error()
			case v != nil:
				got = string(e.Type().AppendText(nil, v, &fs))
			}
			if got != c.want[i] {
				t.Errorf("%s for c = %v: %s, want %s", c.sql, in, got, c.want[i])
			}
		}
	}
}

// CASE with an untyped subject compares as text, as in PostgreSQL.
func TestCaseUnknownSubject(t *testing.T) {
	tree := "CASE NULL WHEN 1 THEN 'a' END"
	if _, err := buildSelectExprErr(tree); err == nil || err.Error() != "operator does not exist: text = integer" {
		t.Errorf("%s: %v", tree, err)
	}
	e := buildSelectExpr(t, "CASE 'a' WHEN 'a' THEN 1 END")
	if v, err := e.Eval(&Context{}); err != nil || v != int64(1) {
		t.Errorf("CASE 'a' WHEN 'a': %v, %v", v, err)
	}
}
