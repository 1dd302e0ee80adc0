package parser

import (
	"strings"
	"testing"

	"github.com/stela-db/stela/sql/pgerror"
)

// TestDeepStatements checks that statements deep enough to overflow the
// C parser's stack are refused with 54001 before they reach it, and that
// wide but shallow ones (long lists, long AND chains, operators in
// strings and comments) are not.
func TestDeepStatements(t *testing.T) {
	refused := []string{
		"SELECT 1" + strings.Repeat(" + 1", 100000),
		"SELECT " + strings.Repeat("(", 20000) + "1" + strings.Repeat(")", 20000),
		"SELECT " + strings.Repeat("- ", 100000) + "1",
		"SELECT " + strings.Repeat("coalesce(", 20000) + "1" + strings.Repeat(")", 20000),
	}
	for _, q := range refused {
		_, err := Parse(q)
		if pe, ok := err.(*pgerror.Error); !ok || pe.Code != "54001" {
			t.Errorf("%.40s...: got %v, want 54001", q, err)
		}
	}
	allowed := []string{
		"SELECT " + strings.Repeat("1 + 1, ", 50000) + "1",
		"SELECT 1 WHERE " + strings.Repeat("true AND ", 50000) + "true",
		"SELECT '" + strings.Repeat("+", 100000) + "'",
		"SELECT 1 /* " + strings.Repeat("-", 100000) + " */",
		"SELECT $$" + strings.Repeat("((+", 100000) + "$$",
		"INSERT INTO t VALUES " + strings.Repeat("(1, -2, 'x'), ", 20000) + "(1, -2, 'x')",
		"SELECT " + strings.Repeat("(", 1000) + "1" + strings.Repeat(")", 1000),
	}
	for _, q := range allowed {
		if _, err := Parse(q); err != nil {
			t.Errorf("%.40s...: %v", q, err)
		}
	}
}
