package server_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
)

// BenchmarkSQL measures the relational engine on a table of
// STELA_BENCH_ROWS rows (default 1,000,000), side by side with
// PostgreSQL when STELA_BENCH_PG holds a connection string: point selects
// by primary key and by secondary index, a 1,000-row range scan, COUNT(*)
// over an indexed range, the same COUNT(*) by full scan (the indexed
// lookup's speedup), a two-table indexed join, single-row autocommit
// INSERTs with 1 and 8 connections, and 100-row INSERT transactions.
// Both servers get the same schema and rows, loaded once per run in one
// transaction each.
//
//	STELA_BENCH_PG='postgres://postgres@127.0.0.1:54315/bench' go test ./server/ -run '^$' -bench BenchmarkSQL -benchtime 3s -count 3 -timeout 60m
func BenchmarkSQL(b *testing.B) {
	rows := 1_000_000
	if v := os.Getenv("STELA_BENCH_ROWS"); v != "" {
		rows, _ = strconv.Atoi(v)
	}
	targets := [][2]string{{"stela", startStelaProcess(b)}}
	if pg := os.Getenv("STELA_BENCH_PG"); pg != "" {
		targets = append(targets, [2]string{"postgres", pg})
	}
	for _, tg := range targets {
		target, dsn := tg[0], tg[1]
		loadBenchTables(b, dsn, rows)
		run := func(name string, conns int, sql string, args func(r *rand.Rand) []any) {
			b.Run(fmt.Sprintf("target=%s/op=%s", target, name), func(b *testing.B) {
				benchStatements(b, dsn, conns, sql, args)
			})
		}
		key := func(r *rand.Rand) []any { return []any{r.Intn(rows) + 1} }
		run("point-pk", 1, "SELECT id, k, v FROM bench WHERE id = $1", key)
		run("point-index", 1, "SELECT id, k, v FROM bench WHERE k = $1", key)
		run("range-1000", 1, "SELECT id, v FROM bench WHERE id BETWEEN $1 AND $1 + 999", func(r *rand.Rand) []any { return []any{r.Intn(rows-1000) + 1} })
		run("count-indexed", 1, "SELECT count(*) FROM bench WHERE k BETWEEN $1 AND $1 + 9999", func(r *rand.Rand) []any { return []any{r.Intn(rows-10000) + 1} })
		run("count-fullscan", 1, "SELECT count(*) FROM bench WHERE v BETWEEN $1 AND $1 + 9999", func(r *rand.Rand) []any { return []any{r.Intn(rows-10000) + 1} })
		run("join-indexed", 1, "SELECT b.id, o.note FROM bench b JOIN bench_other o ON o.bench_id = b.id WHERE b.id BETWEEN $1 AND $1 + 9", func(r *rand.Rand) []any { return []any{r.Intn(rows-10) + 1} })
		var seq atomic.Int64
		seq.Store(int64(rows) * 10)
		ins := func(r *rand.Rand) []any { n := seq.Add(1); return []any{n, n} }
		run("insert-1conn", 1, "INSERT INTO bench_ins VALUES ($1, $2, 'x')", ins)
		run("insert-8conns", 8, "INSERT INTO bench_ins VALUES ($1, $2, 'x')", ins)
		b.Run(fmt.Sprintf("target=%s/op=insert-100-row-txn", target), func(b *testing.B) {
			benchInsertTxns(b, dsn, &seq)
		})
	}
}

// loadBenchTables creates the benchmark tables unless they hold the
// wanted rows already (a PostgreSQL kept between runs).
func loadBenchTables(b *testing.B, dsn string, rows int) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close(ctx)
	var have int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM bench").Scan(&have); err == nil && have == rows {
		_, err = c.Exec(ctx, "DELETE FROM bench_ins")
		if err != nil {
			b.Fatal(err)
		}
		return
	}
	for _, q := range []string{
		"DROP TABLE IF EXISTS bench_other", "DROP TABLE IF EXISTS bench", "DROP TABLE IF EXISTS bench_ins",
		"CREATE TABLE bench (id int PRIMARY KEY, k int NOT NULL, v int NOT NULL, pad text)",
		"CREATE TABLE bench_other (id int PRIMARY KEY, bench_id int NOT NULL, note text)",
		"CREATE TABLE bench_ins (id bigint PRIMARY KEY, k bigint, pad text)",
		fmt.Sprintf("INSERT INTO bench SELECT g, ((g::bigint * 7919) %% %d + 1)::int, ((g::bigint * 104729) %% %d + 1)::int, 'row ' || g FROM generate_series(1, %d) g", rows, rows, rows),
		"CREATE INDEX bench_k ON bench (k)",
		fmt.Sprintf("INSERT INTO bench_other SELECT g, g, 'note ' || g FROM generate_series(1, %d) g", rows/10),
		"CREATE INDEX bench_other_bench_id ON bench_other (bench_id)",
		"ANALYZE",
	} {
		if _, err := c.Exec(ctx, q); err != nil && q != "ANALYZE" {
			b.Fatalf("%s: %v", q, err)
		}
	}
}

// benchStatements runs b.N executions of one statement over conns
// connections, with fresh arguments each time.
func benchStatements(b *testing.B, dsn string, conns int, sql string, args func(r *rand.Rand) []any) {
	ctx := context.Background()
	cs := make([]*pgx.Conn, conns)
	for i := range cs {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close(ctx)
		cs[i] = c
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for i, c := range cs {
		wg.Add(1)
		go func(c *pgx.Conn, seed int64) {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed))
			for next.Add(1) <= int64(b.N) {
				rows, err := c.Query(ctx, sql, args(r)...)
				if err == nil {
					for rows.Next() {
					}
					rows.Close()
					err = rows.Err()
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
		}(c, int64(i+1))
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// benchInsertTxns commits b.N transactions of 100 single-row INSERTs.
func benchInsertTxns(b *testing.B, dsn string, seq *atomic.Int64) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close(ctx)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tx, err := c.Begin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for j := 0; j < 100; j++ {
			n := seq.Add(1)
			if _, err := tx.Exec(ctx, "INSERT INTO bench_ins VALUES ($1, $2, 'x')", n, n); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "txns/s")
}
