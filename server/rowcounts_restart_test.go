package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// A table's row count, once known, is the planner's at once after a
// clean restart: the first plan shows the exact count, not a guess from
// the table's size on disk while a background count runs.
func TestRowCountKnownAfterCleanRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	const rows = 30_000 // past the size counted at the first plan
	want := fmt.Sprintf("Seq Scan on t  (rows=%d)", rows)

	srv := startAt(t, dir)
	c := mustConnect(t, dsnOf(srv))
	if _, err := c.Exec(ctx, fmt.Sprintf(`CREATE TABLE t (id int PRIMARY KEY, v text);
		INSERT INTO t SELECT g, 'value ' || g FROM generate_series(1, %d) g`, rows)); err != nil {
		t.Fatal(err)
	}
	// A prepared statement keeps its plan: each try is a new text.
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; ; i++ {
		plan := planText(t, c, fmt.Sprintf("EXPLAIN SELECT * FROM t -- %d", i))
		if strings.Contains(plan, want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the count never became exact:\n%s", plan)
		}
		time.Sleep(20 * time.Millisecond)
	}
	c = restarted(t, dir, srv, c)
	if plan := planText(t, c, "EXPLAIN SELECT * FROM t"); !strings.Contains(plan, want) {
		t.Fatalf("first plan after the restart:\n%s\nwant %q", plan, want)
	}
	c.Close(ctx)
}
