package server_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// BenchmarkRoundTrip measures query round trips per second through the
// PostgreSQL protocol: SELECT 1 and SELECT $1::int, extended protocol
// (pgx's prepared-statement cache), with 1 and 32 connections. stela runs
// as its own process, built from this tree, like the PostgreSQL it is
// compared with; the client is this process for both.
//
// The PostgreSQL side runs when STELA_BENCH_PG holds a connection string,
// for example postgres://postgres@127.0.0.1:54315/postgres.
func BenchmarkRoundTrip(b *testing.B) {
	targets := map[string]string{"stela": startStelaProcess(b)}
	if pg := os.Getenv("STELA_BENCH_PG"); pg != "" {
		targets["postgres"] = pg
	}
	for _, target := range []string{"stela", "postgres"} {
		dsn, ok := targets[target]
		if !ok {
			continue
		}
		for _, q := range []struct{ name, sql string }{{"select1", "SELECT 1"}, {"param", "SELECT $1::int"}} {
			for _, conns := range []int{1, 32} {
				b.Run(fmt.Sprintf("target=%s/query=%s/conns=%d", target, q.name, conns), func(b *testing.B) {
					roundTrips(b, dsn, q.sql, conns)
				})
			}
		}
	}
}

func roundTrips(b *testing.B, dsn, sql string, conns int) {
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
	withParam := sql != "SELECT 1"
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for _, c := range cs {
		wg.Add(1)
		go func(c *pgx.Conn) {
			defer wg.Done()
			var v int32
			for next.Add(1) <= int64(b.N) {
				var err error
				if withParam {
					err = c.QueryRow(ctx, sql, 42).Scan(&v)
				} else {
					err = c.QueryRow(ctx, sql).Scan(&v)
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
		}(c)
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
}

// startStelaProcess builds stela and starts it on a free port.
func startStelaProcess(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	bin := filepath.Join(dir, "stela")
	build := exec.Command("go", "build", "-o", bin, "../cmd/stela")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "start", "--data", filepath.Join(dir, "data"), "--listen", addr,
		"--admin-password", "Bench!pw0rd", "--log-level", "warn", "--metrics-listen", "127.0.0.1:0")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	dsn := fmt.Sprintf("postgres://admin:Bench%%21pw0rd@%s/defaultdb?sslmode=disable", addr)
	for i := 0; i < 100; i++ {
		if c, err := pgx.Connect(context.Background(), dsn); err == nil {
			c.Close(context.Background())
			return dsn
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Fatal("stela did not start")
	return ""
}
