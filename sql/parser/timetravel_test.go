package parser

import (
	"strings"
	"testing"
)

func TestCutTimeTravel(t *testing.T) {
	for _, tc := range []struct {
		sql     string
		clauses []TimeTravel
	}{
		{"SELECT * FROM t AS OF TX 42", []TimeTravel{{Pos: 16, Value: "42"}}},
		{"SELECT * FROM t as of tx $2 x", []TimeTravel{{Pos: 16, Param: 2}}},
		{"SELECT * FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '2026-01-01 00:00'", []TimeTravel{{Pos: 16, Timestamp: true, Value: "2026-01-01 00:00"}}},
		{"SELECT * FROM t FOR SYSTEM_TIME AS OF 'it''s'", []TimeTravel{{Pos: 16, Timestamp: true, Value: "it's"}}},
		{"SELECT * FROM t FOR SYSTEM_TIME AS OF 7 JOIN u AS OF TX -1 ON true", []TimeTravel{{Pos: 16, Value: "7"}, {Pos: 47, Value: "-1"}}},
		// Not clauses: a string, an alias named "of".
		{"SELECT 'AS OF TX 5' FROM t", nil},
		{"SELECT a AS of FROM t", nil},
		{"SELECT 1", nil},
	} {
		cut, got, err := cutTimeTravel(tc.sql)
		if err != nil {
			t.Fatalf("%q: %v", tc.sql, err)
		}
		if len(cut) != len(tc.sql) {
			t.Fatalf("%q: the cut text has another length", tc.sql)
		}
		if len(got) != len(tc.clauses) {
			t.Fatalf("%q: %+v, want %+v", tc.sql, got, tc.clauses)
		}
		for i := range got {
			if got[i] != tc.clauses[i] {
				t.Fatalf("%q: clause %d = %+v, want %+v", tc.sql, i, got[i], tc.clauses[i])
			}
			if strings.Contains(strings.ToUpper(cut), " OF ") && len(tc.clauses) > 0 {
				t.Fatalf("%q: clause left in %q", tc.sql, cut)
			}
		}
	}
	for _, tc := range []struct {
		sql      string
		from, to Bound
	}{
		{"SELECT * FROM t FOR SYSTEM_TIME ALL", Bound{}, Bound{}},
		{"SELECT * FROM t FOR SYSTEM_TIME BETWEEN TX 2 AND 5", Bound{Set: true, Value: "2", Inclusive: true}, Bound{Set: true, Value: "5", Inclusive: true}},
		{"SELECT * FROM t FOR SYSTEM_TIME FROM '2026-01-01' TO TIMESTAMP '2026-02-01'", Bound{Set: true, Timestamp: true, Value: "2026-01-01", Inclusive: true}, Bound{Set: true, Timestamp: true, Value: "2026-02-01"}},
		{"SELECT * FROM t SINCE TX 3 BEFORE TX 9", Bound{Set: true, Value: "3", Inclusive: true}, Bound{Set: true, Value: "9"}},
		{"SELECT * FROM t x AFTER TX 3", Bound{Set: true, Value: "3"}, Bound{}},
	} {
		cut, got, err := cutTimeTravel(tc.sql)
		if err != nil || len(got) != 1 || got[0].History == nil {
			t.Fatalf("%q: %+v, %v", tc.sql, got, err)
		}
		if h := got[0].History; h.From != tc.from || h.To != tc.to {
			t.Fatalf("%q: %+v, want from %+v to %+v", tc.sql, *h, tc.from, tc.to)
		}
		if strings.Contains(strings.ToUpper(cut), "TX") || strings.Contains(strings.ToUpper(cut), "SYSTEM_TIME") {
			t.Fatalf("%q: clause left in %q", tc.sql, cut)
		}
	}
	for _, bad := range []string{"SELECT * FROM t FOR SYSTEM_TIME BETWEEN TX 1", "SELECT * FROM t AFTER TX 'x'", "SELECT * FROM t AS OF TX 'x'", "SELECT * FROM t AS OF TIMESTAMP 5", "SELECT * FROM t SINCE TX 1 SINCE TX 2"} {
		if _, _, err := cutTimeTravel(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
