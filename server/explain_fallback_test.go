package server_test

import (
	"strings"
	"testing"
)

// TestExplainAnalyzeShowsPrimaryKeyFallback: when far more values reach
// a secondary index's list than planned, the scan reads the table
// through its primary key instead (sql/scan.go, fetchesWhole), and
// EXPLAIN ANALYZE says so under the scan that named the index. A list
// of the planned size does not.
func TestExplainAnalyzeShowsPrimaryKeyFallback(t *testing.T) {
	c, exec := connectExec(t)
	exec("CREATE TABLE fb (id int PRIMARY KEY, big bigint, pad text)")
	exec("INSERT INTO fb SELECT g, g * 10, repeat('x', 30) FROM generate_series(1, 20000) g")
	exec("CREATE INDEX fb_big ON fb (big)")
	exec("ANALYZE fb")
	plan := func(sql string) string { return planText(t, c, sql) }
	const line = "Read Through Primary Key: 1 of 1 loops"
	// id % 7 = id % 7 is planned as rare and is always true: 20,000
	// values where the plan expected a hundred.
	p := plan("EXPLAIN ANALYZE SELECT sum(length(pad)) FROM fb WHERE big IN (SELECT id * 10 FROM fb WHERE id % 7 = id % 7)")
	if !strings.Contains(p, "Index Scan using fb_big on fb") || !strings.Contains(p, line) {
		t.Errorf("a list far longer than planned:\n%s\nwant the scan on fb_big and %q", p, line)
	}
	p = plan("EXPLAIN ANALYZE SELECT sum(length(pad)) FROM fb WHERE big IN (SELECT id * 10 FROM fb WHERE id < 5)")
	if !strings.Contains(p, "Index Scan using fb_big on fb") || strings.Contains(p, "Read Through Primary Key") {
		t.Errorf("a short list:\n%s\nwant the scan on fb_big and no fallback", p)
	}
}
