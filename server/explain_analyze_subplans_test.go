package server_test

import (
	"strings"
	"testing"
)

// EXPLAIN ANALYZE counts the rows and loops of subquery plans as of the
// main plan's nodes, prints rows per loop as PostgreSQL does, and marks
// a plan that never ran. Run twice, the counts are the run's own: the
// prepared plan is not changed.
func TestExplainAnalyzeSubplans(t *testing.T) {
	c, exec := connectExec(t)
	exec("CREATE TABLE es (id int PRIMARY KEY, v int)")
	exec("INSERT INTO es SELECT g, g % 10 FROM generate_series(1, 100) g")

	for _, tc := range []struct {
		sql  string
		want []string // in order, each after the one before
	}{{
		// Correlated: one loop per outer row; 0+1+2+3 rows over 4 loops.
		sql: "EXPLAIN ANALYZE SELECT id, (SELECT max(v) FROM es b WHERE b.id < a.id) FROM es a WHERE id < 5",
		want: []string{"SubPlan 1", "Aggregate  (rows=1) (actual rows=1 loops=4)",
			"Index Scan using es_pkey on es b  (rows=33) (actual rows=2 loops=4)"},
	}, {
		sql: "EXPLAIN ANALYZE SELECT id FROM es WHERE v IN (SELECT v FROM es WHERE id < 3)",
		want: []string{"(actual rows=20 loops=1)", "hashed SubPlan 1", "SubPlan 1",
			"Index Scan using es_pkey on es  (rows=33) (actual rows=2 loops=1)"},
	}, {
		// An InitPlan inside an InitPlan.
		sql: "EXPLAIN ANALYZE SELECT id FROM es WHERE id = (SELECT min(id) FROM es WHERE v = (SELECT max(v) FROM es))",
		want: []string{"InitPlan 1 (returns $0)", "(actual rows=1 loops=1)", "InitPlan 2 (returns $1)",
			"Seq Scan on es  (rows=100) (actual rows=100 loops=1)"},
	}, {
		sql:  "EXPLAIN ANALYZE SELECT CASE WHEN id > 1000 THEN (SELECT v FROM es b WHERE b.id = a.id) END FROM es a",
		want: []string{"SubPlan 1", "(never executed)"},
	}, {
		sql:  "EXPLAIN ANALYZE UPDATE es SET v = v + 1 WHERE id IN (SELECT id FROM es WHERE id < 3)",
		want: []string{"Update on es", "SubPlan 1", "(actual rows=2 loops=1)"},
	}} {
		for run := 0; run < 2; run++ {
			p := planText(t, c, tc.sql)
			rest := p
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("run %d of %s:\n%s\nwant %q (after the lines before it)", run+1, tc.sql, p, w)
				}
				rest = rest[i+len(w):]
			}
		}
	}
}
