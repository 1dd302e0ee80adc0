package parser

import (
	"testing"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

func TestParseSplits(t *testing.T) {
	stmts, err := Parse("SELECT 1; SELECT 'a;b' ;\n SET x = 1")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"SELECT 1", "SELECT 'a;b'", "SET x = 1"}
	if len(stmts) != len(want) {
		t.Fatalf("%d statements", len(stmts))
	}
	for i, s := range stmts {
		if s.SQL != want[i] {
			t.Errorf("statement %d = %q, want %q", i, s.SQL, want[i])
		}
	}
	if empty, err := Parse("  -- nothing\n ; ;"); err != nil || len(empty) != 0 {
		t.Fatalf("empty query: %d statements, %v", len(empty), err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		code pgcode.Code
		pos  int
		msg  string
	}{
		{"SELEC 1", pgcode.Syntax, 1, `syntax error at or near "SELEC"`},
		{"SELECT 1 +", pgcode.Syntax, 11, "syntax error at end of input"},
		{"SELECT 'abc", pgcode.Syntax, 8, `unterminated quoted string at or near "'abc"`},
		{"SELECT 'é' ,, 1", pgcode.Syntax, 13, `syntax error at or near ","`},
		{"SELECT '\xff'", pgcode.CharacterNotInRepertoire, 0, `invalid byte sequence for encoding "UTF8": 0xff`},
		// The grammar's own codes (pg_query reports only the message).
		{"SELECT sum(x) OVER (ROWS BETWEEN UNBOUNDED FOLLOWING AND CURRENT ROW) FROM t", pgcode.WindowingError, 34, "frame start cannot be UNBOUNDED FOLLOWING"},
		{"ALTER TABLE t OWNER TO none", pgcode.ReservedName, 24, `role name "none" is reserved`},
		{"CREATE ROLE public", pgcode.ReservedName, 13, `role name "public" is reserved`},
		{"CREATE ROLE current_user", pgcode.ReservedName, 13, "CURRENT_USER cannot be used as a role name here"},
	} {
		_, err := Parse(tc.sql)
		e := pgerror.Flatten(err)
		if e == nil || e.Code != tc.code || e.Position != tc.pos || e.Message != tc.msg {
			t.Errorf("Parse(%q) = %+v; want %s at %d %q", tc.sql, e, tc.code, tc.pos, tc.msg)
		}
	}
}
