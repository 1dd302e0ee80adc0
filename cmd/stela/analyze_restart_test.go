package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// ANALYZE's statistics survive a restart of the server: pg_stats reads
// the same, and the planner's estimates stay those of the statistics,
// not PostgreSQL's defaults.
func TestAnalyzeSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv := startServerAt(t, dir, nil)
	c := mustConn(t, srv.Addr.String(), "admin", backupPW, "defaultdb")
	mustExec(t, c,
		"CREATE TABLE ar (id int PRIMARY KEY, grp int, name text)",
		"INSERT INTO ar SELECT g, g % 4, 'n' || (g % 50) FROM generate_series(1, 5000) g",
		"ANALYZE ar")
	const statsQuery = `SELECT attname, null_frac, n_distinct, most_common_vals::text, most_common_freqs::text,
		histogram_bounds::text, correlation FROM pg_stats WHERE tablename = 'ar' ORDER BY attname`
	const planQuery = "EXPLAIN SELECT * FROM ar WHERE grp = 1 AND name < 'n3'"
	read := func(q string) []string {
		rows, err := c.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				t.Fatal(err)
			}
			s := ""
			for _, v := range vals {
				s += fmt.Sprintf(" | %v", v)
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	stats, plan := read(statsQuery), read(planQuery)
	if len(stats) != 3 {
		t.Fatalf("pg_stats before the restart: %q", stats)
	}

	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	srv = startServerAt(t, dir, nil)
	c = mustConn(t, srv.Addr.String(), "admin", backupPW, "defaultdb")
	if got := read(statsQuery); !slices.Equal(got, stats) {
		t.Errorf("pg_stats after the restart:\n%q\nwant\n%q", got, stats)
	}
	if got := read(planQuery); !slices.Equal(got, plan) {
		t.Errorf("plan after the restart:\n%q\nwant\n%q", got, plan)
	}
	var n int64
	if err := c.QueryRow(ctx, "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'ar'").Scan(&n); err != nil || n != 1 {
		t.Errorf("analyze_count after the restart: %d, %v; want 1", n, err)
	}
}
