package expr

import "testing"

// The functions that read the session or the catalog are restricted
// (Func.Restricted): a parallel scan's workers, which have neither, must
// not run them. Pure functions and operators are not.
func TestRestrictedFunctions(t *testing.T) {
	cases := []struct {
		sql, fn    string
		restricted bool
	}{
		{"current_setting('TimeZone')", "current_setting", true},
		{"current_setting('TimeZone', true)", "current_setting", true},
		{"set_config('x.y', 'z', false)", "set_config", true},
		{"current_user", "current_user", true},
		{"session_user", "session_user", true},
		{"current_database()", "current_database", true},
		{"pg_backend_pid()", "pg_backend_pid", true},
		{"pg_typeof(c)", "pg_typeof", true},
		{"random()", "random", true},
		{"setseed(0.5)", "setseed", true},
		{"length('abc' || c)", "length", false},
		{"c + 1", "+", false},
		{"'x' LIKE 'y%'", "~~", false},
		{"now()", "now", false},
	}
	for _, c := range cases {
		var found *Func
		Walk(buildSelectExpr(t, c.sql), func(x Expr) bool {
			if f, ok := x.(*Func); ok && f.Name == c.fn {
				found = f
			}
			return found == nil
		})
		if found == nil {
			t.Errorf("%s: no call of %s", c.sql, c.fn)
			continue
		}
		if found.Restricted != c.restricted {
			t.Errorf("%s: restricted %v, want %v", c.sql, found.Restricted, c.restricted)
		}
	}
}
