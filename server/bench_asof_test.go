package server_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/stela-db/stela/client"
)

// BenchmarkAsOf measures point reads of one row as of past transactions,
// 1, 1,000 and STELA_BENCH_VERSIONS (default 100,000) versions back,
// against the same read of the present; and a verified point read (row
// proof checked on the client, trusted state advanced) against a plain
// one. The row gets its versions from that many UPDATE transactions
// first (about 40 s for 100,000 on 2 cores).
//
//	go test ./server/ -run '^$' -bench BenchmarkAsOf -benchtime 3s -count 3 -timeout 30m
func BenchmarkAsOf(b *testing.B) {
	versions := 100_000
	if v := os.Getenv("STELA_BENCH_VERSIONS"); v != "" {
		versions, _ = strconv.Atoi(v)
	}
	ctx := context.Background()
	dsn := startStelaProcess(b)
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close(ctx)
	for _, q := range []string{"CREATE TABLE h (id int PRIMARY KEY, v int)", "INSERT INTO h SELECT g, 0 FROM generate_series(1, 1000) g"} {
		if _, err := c.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	for i := 1; i <= versions; i++ {
		if _, err := c.Exec(ctx, "UPDATE h SET v = $1 WHERE id = 500", i); err != nil {
			b.Fatal(err)
		}
	}
	var last int64
	if err := c.QueryRow(ctx, "SELECT _tx FROM h WHERE id = 500").Scan(&last); err != nil {
		b.Fatal(err)
	}
	read := func(b *testing.B, sql string, args ...any) {
		var v int
		for i := 0; i < b.N; i++ {
			if err := c.QueryRow(ctx, sql, args...).Scan(&v); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
	}
	b.Run("read=current", func(b *testing.B) { read(b, "SELECT v FROM h WHERE id = 500") })
	for _, back := range []int64{1, 1000, int64(versions)} {
		if back > last-2 {
			continue
		}
		b.Run(fmt.Sprintf("read=as-of/versions-back=%d", back), func(b *testing.B) {
			read(b, "SELECT v FROM h AS OF TX $1 WHERE id = 500", last-back)
		})
	}
	b.Run("read=plain-point", func(b *testing.B) { read(b, "SELECT v FROM h WHERE id = $1", 501) })
	b.Run("read=verified-point", func(b *testing.B) {
		vc, err := client.Open(ctx, dsn, client.Options{StatePath: filepath.Join(b.TempDir(), "state.json")})
		if err != nil {
			b.Fatal(err)
		}
		defer vc.Close(ctx)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := vc.VerifiedRow(ctx, 0, "h", 501); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
	})
}
