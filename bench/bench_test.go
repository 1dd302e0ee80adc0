package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/server"
)

// startStela starts a server in-process and returns its URL.
func startStela(t *testing.T) string {
	t.Helper()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel)
	srv, err := server.Start(context.Background(), server.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0",
		AdminPassword: "Test!pw0rd", Logger: log, KV: kv.Options{MinFreeBytes: -1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return fmt.Sprintf("postgres://admin:Test%%21pw0rd@%s/defaultdb?sslmode=disable", srv.Addr)
}

// small is a quick run of a workload: small tables and batches.
func small(url, workload string) Config {
	return Config{URL: url, Workload: workload, Connections: 3, Count: 40, Rows: 2000, Batch: 50}
}

func TestEveryWorkloadOnStela(t *testing.T) {
	url := startStela(t)
	for _, simple := range []bool{false, true} {
		for _, w := range Workloads() {
			t.Run(fmt.Sprintf("%s/simple=%v", w, simple), func(t *testing.T) { runSmall(t, url, w, simple) })
		}
	}
}

// runSmall runs workload w briefly and checks its result.
func runSmall(t *testing.T, url, w string, simple bool) {
	cfg := small(url, w)
	cfg.Simple = simple
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Simple != simple {
		t.Errorf("result's simple %v, want %v", res.Simple, simple)
	}
	if res.Ops != 40 || res.Errors != 0 || res.Interrupted {
		t.Fatalf("ops %d errors %d (%v) interrupted %v, want 40 ops and no errors", res.Ops, res.Errors, res.ErrorSamples, res.Interrupted)
	}
	if !res.Stela || !strings.Contains(res.ServerVersion, "stela") {
		t.Errorf("server %q stela=%v", res.ServerVersion, res.Stela)
	}
	if res.Workload != w || res.Connections != 3 || res.DurationS <= 0 || res.OpsPerS <= 0 {
		t.Errorf("result %+v", res)
	}
	if res.P50Ms <= 0 || res.P50Ms > res.P99Ms || res.P99Ms > res.P999Ms || res.MaxMs <= 0 {
		t.Errorf("latencies out of order: %+v", res)
	}
	wantRows := map[string]int64{"insert-batch": 40 * 50, "copy": 40 * 50, "range-scan": 40 * rangeLen}[w]
	if wantRows == 0 {
		wantRows = 40
	}
	if res.Rows != wantRows {
		t.Errorf("rows %d, want %d", res.Rows, wantRows)
	}
}

// TestUpdateHotCountsRetries: 8 connections on 2 keys collide on stela,
// which rejects the later commit with 40001; each is retried and counted
// apart from errors.
func TestUpdateHotCountsRetries(t *testing.T) {
	url := startStela(t)
	cfg := Config{URL: url, Workload: "update-hot", Connections: 8, Count: 2000, Rows: 2}
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ops != 2000 || res.Errors != 0 {
		t.Fatalf("ops %d errors %d %v", res.Ops, res.Errors, res.ErrorSamples)
	}
	if res.RetriedOps > res.SerializationFailures {
		t.Errorf("%d retried ops from %d failures", res.RetriedOps, res.SerializationFailures)
	}
	t.Logf("%d serialization failures, %d ops retried", res.SerializationFailures, res.RetriedOps)
}

func TestDurationAndWarmup(t *testing.T) {
	url := startStela(t)
	cfg := Config{URL: url, Workload: "point-select", Connections: 2, Duration: 400 * time.Millisecond,
		Warmup: 200 * time.Millisecond, Rows: 1000}
	var progress bytes.Buffer
	started := time.Now()
	res, err := Run(context.Background(), cfg, &Progress{W: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if res.DurationS < 0.4 || res.DurationS > 5 {
		t.Errorf("measured %.3f s, want about 0.4", res.DurationS)
	}
	if took := time.Since(started); took < 600*time.Millisecond {
		t.Errorf("run took %s, less than warm-up plus duration", took)
	}
	if res.Ops == 0 || res.Errors != 0 {
		t.Errorf("ops %d errors %d", res.Ops, res.Errors)
	}
	// Count and duration together: whichever comes first.
	cfg.Warmup, cfg.Count = 0, 5
	if res, err = Run(context.Background(), cfg, nil); err != nil || res.Ops != 5 {
		t.Errorf("count 5 with a duration: ops %d, err %v", res.Ops, err)
	}
}

func TestInterrupt(t *testing.T) {
	url := startStela(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	cfg := Config{URL: url, Workload: "insert", Connections: 2, Duration: time.Hour}
	res, err := Run(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Interrupted || res.Ops == 0 || res.Errors != 0 || res.DurationS > 60 {
		t.Errorf("after an interrupt: %+v", res)
	}
}

// TestNoSetup: a kept table is used as it is; inserts continue after its
// largest key, and a read workload refuses a table too small.
func TestNoSetup(t *testing.T) {
	url := startStela(t)
	cfg := small(url, "insert")
	if _, err := Run(context.Background(), cfg, nil); err != nil {
		t.Fatal(err)
	}
	cfg.NoSetup = true
	res, err := Run(context.Background(), cfg, nil)
	if err != nil || res.Errors != 0 {
		t.Fatalf("second run on the kept table: %v %v", err, res.ErrorSamples)
	}
	read := small(url, "point-select")
	read.Table, read.NoSetup = "bench_insert", true
	// Exactly --count rows each time: no operation beyond the count.
	if _, err := Run(context.Background(), read, nil); err == nil || !strings.Contains(err.Error(), "has 80 rows") {
		t.Errorf("point-select on an 80-row table with --rows 2000: %v", err)
	}
}

func TestBadConfig(t *testing.T) {
	good := Config{URL: "postgres://x", Workload: "insert", Connections: 1, Duration: time.Second}
	for _, tc := range []struct {
		change func(*Config)
		want   string
	}{
		{func(c *Config) { c.Workload = "nope" }, `unknown workload "nope"`},
		{func(c *Config) { c.Connections = 0 }, "--connections must be between 1 and 1000, got 0"},
		{func(c *Config) { c.URL = "" }, "--url is required"},
		{func(c *Config) { c.Duration = 0 }, "give a --duration"},
		{func(c *Config) { c.Count = -1 }, "--count must not be negative"},
		{func(c *Config) { c.Workload, c.Rows = "range-scan", 10 }, "needs --rows of at least 1000"},
		{func(c *Config) { c.Table = "x; DROP TABLE y" }, "not a plain lower-case identifier"},
	} {
		c := good
		tc.change(&c)
		_, err := Run(context.Background(), c, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v: got %v, want one line with %q", c, err, tc.want)
		}
	}
}

func TestStelaDetection(t *testing.T) {
	for v, want := range map[string]bool{
		"PostgreSQL 16.6 (stela) on amd64-linux, compiled by go1.26.8":                                         true,
		"PostgreSQL 15.14 (Debian 15.14-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14)": false,
		"": false,
	} {
		if got := isStelaVersion(v); got != want {
			t.Errorf("isStelaVersion(%q) = %v", v, got)
		}
		err := requireStela("as-of-read", v)
		if (err == nil) != want {
			t.Errorf("requireStela(%q) = %v", v, err)
		}
		if err != nil && !strings.Contains(err.Error(), "as-of-read needs a stela server") {
			t.Errorf("message: %v", err)
		}
	}
	for _, w := range Workloads() {
		if got, want := StelaOnly(w), w == "as-of-read" || w == "verified-read"; got != want {
			t.Errorf("StelaOnly(%s) = %v", w, got)
		}
	}
}

// TestStelaOnlyOnPostgreSQL runs against a real PostgreSQL when
// STELA_BENCH_PG names one (make bench-pg's scripts/pg15.sh starts one).
func TestStelaOnlyOnPostgreSQL(t *testing.T) {
	url := os.Getenv("STELA_BENCH_PG")
	if url == "" {
		t.Skip("STELA_BENCH_PG not set")
	}
	for _, w := range []string{"as-of-read", "verified-read"} {
		_, err := Run(context.Background(), small(url, w), nil)
		if err == nil || !strings.Contains(err.Error(), "needs a stela server") {
			t.Errorf("%s on PostgreSQL: %v", w, err)
		}
	}
	res, err := Run(context.Background(), small(url, "point-select"), nil)
	if err != nil || res.Ops != 40 || res.Errors != 0 || res.Stela {
		t.Errorf("point-select on PostgreSQL: %+v %v", res, err)
	}
}

func TestStatementText(t *testing.T) {
	sql, args := statement(true, "INSERT INTO t VALUES ($1, $2, $3, $10)", int64(5), int64(-3), "it's", int64(4), int64(5), int64(6), int64(7), int64(8), int64(9), int64(10))
	if want := "INSERT INTO t VALUES (5, (-3), 'it''s', 10)"; sql != want || args != nil {
		t.Errorf("simple: %q %v, want %q", sql, args, want)
	}
	sql, args = statement(false, "ins", int64(5))
	if sql != "ins" || len(args) != 1 {
		t.Errorf("prepared: %q %v", sql, args)
	}
}
