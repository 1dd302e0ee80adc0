package server_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
)

// BenchmarkCopyFrom measures a bulk load: one COPY FROM STDIN (text
// format, autocommit, so the commit is included) of STELA_BENCH_COPY_ROWS
// rows (default 1,000,000) of 4 columns, about 100 bytes a row, into a
// fresh table with a primary key, in rows/s. PostgreSQL runs too when
// STELA_BENCH_PG holds a connection string. STELA_BENCH_ROUNDS (default
// 1) repeats the pair, the targets alternating, so that a noisy machine
// hits both alike (-count would run all of one target first).
//
//	STELA_BENCH_ROUNDS=5 STELA_BENCH_PG='postgres://postgres@127.0.0.1:54315/copy_scratch' go test ./server/ -run '^$' -bench BenchmarkCopyFrom -benchtime 1x -timeout 30m
func BenchmarkCopyFrom(b *testing.B) {
	rows := 1_000_000
	if v := os.Getenv("STELA_BENCH_COPY_ROWS"); v != "" {
		rows, _ = strconv.Atoi(v)
	}
	rounds := 1
	if v := os.Getenv("STELA_BENCH_ROUNDS"); v != "" {
		rounds, _ = strconv.Atoi(v)
	}
	data := copyBenchData(rows)
	targets := [][2]string{{"stela", startStelaProcess(b)}}
	if pg := os.Getenv("STELA_BENCH_PG"); pg != "" {
		targets = append(targets, [2]string{"postgres", pg})
	}
	for round := 1; round <= rounds; round++ {
		for _, tg := range targets {
			copyBenchRun(b, fmt.Sprintf("target=%s/round=%d", tg[0], round), tg[1], data, rows)
		}
	}
}

// copyBenchRun is one timed COPY per b.N into a fresh table.
func copyBenchRun(b *testing.B, name, dsn string, data []byte, rows int) {
	b.Run(name, func(b *testing.B) {
		ctx := context.Background()
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close(ctx)
		var elapsed float64
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			for _, q := range []string{"DROP TABLE IF EXISTS bench_copy",
				"CREATE TABLE bench_copy (id bigint PRIMARY KEY, k int NOT NULL, name text, note text)"} {
				if _, err := c.Exec(ctx, q); err != nil {
					b.Fatalf("%s: %v", q, err)
				}
			}
			b.StartTimer()
			start := b.Elapsed()
			tag, err := c.PgConn().CopyFrom(ctx, bytes.NewReader(data), "COPY bench_copy FROM STDIN")
			if err != nil || tag.RowsAffected() != int64(rows) {
				b.Fatalf("COPY: %v %v", tag, err)
			}
			elapsed += (b.Elapsed() - start).Seconds()
		}
		b.ReportMetric(float64(rows)*float64(b.N)/elapsed, "rows/s")
		b.SetBytes(int64(len(data)))
	})
}

// copyBenchData is the text-format data of the load: ids in order (as
// a dump or an export writes them), a scattered int, two text columns.
func copyBenchData(rows int) []byte {
	var buf bytes.Buffer
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&buf, "%d\t%d\tname-%08d-abcdefghijklmnopqrstuvwxyz\tnote for row %08d lorem ipsum dolor sit amet\n", i, i*7919%rows, i, i)
	}
	return buf.Bytes()
}
