package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/internal/memguard"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/server"
)

// startWithMetrics starts a server with its metrics endpoints on a free
// loopback port; Shutdown runs at cleanup unless the test did it.
func startWithMetrics(t *testing.T) (*server.Server, string) {
	t.Helper()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	srv, err := server.Start(context.Background(), server.Config{
		DataDir: t.TempDir(), Listen: "127.0.0.1:0", AdminPassword: "Test!pw0rd",
		Logger: log, KV: kv.Options{MinFreeBytes: -1}, MetricsListen: "127.0.0.1:0",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	if srv.MetricsAddr == nil {
		t.Fatal("MetricsAddr is nil with MetricsListen set")
	}
	return srv, "http://" + srv.MetricsAddr.String()
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// scrape parses /metrics.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	code, body := httpGet(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: status %d\n%s", code, body)
	}
	var p expfmt.TextParser
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return fams
}

// sample finds the metric of family name whose labels include want
// (label=value pairs); nil when there is none.
func sample(fams map[string]*dto.MetricFamily, name string, want ...string) *dto.Metric {
	f := fams[name]
	if f == nil {
		return nil
	}
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for i := 0; i < len(want); i += 2 {
			if have[want[i]] != want[i+1] {
				continue next
			}
		}
		return m
	}
	return nil
}

// value is a counter's or gauge's value; it fails the test when absent.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	m := sample(fams, name, labels...)
	switch {
	case m == nil:
		t.Fatalf("no %s%v in /metrics", name, labels)
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	}
	t.Fatalf("%s%v is neither counter nor gauge", name, labels)
	return 0
}

func histCount(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) uint64 {
	t.Helper()
	m := sample(fams, name, labels...)
	if m == nil || m.Histogram == nil {
		t.Fatalf("no histogram %s%v in /metrics", name, labels)
	}
	return m.Histogram.GetSampleCount()
}

// TestMetrics runs statements of every kind, a failed statement and
// failed logins, then checks what /metrics says against what SQL says.
func TestMetrics(t *testing.T) {
	srv, base := startWithMetrics(t)
	ctx := context.Background()
	dsn := fmt.Sprintf("postgres://admin:Test%%21pw0rd@%s/defaultdb?sslmode=disable", srv.Addr)
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	for _, q := range []string{
		"CREATE TABLE t (id int PRIMARY KEY, v text)",
		"INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')",
		"UPDATE t SET v = 'x' WHERE id = 1",
		"DELETE FROM t WHERE id = 3",
		"CREATE ROLE quiet WITH NOLOGIN PASSWORD 'Quiet!pw0rd'",
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if n, err := c.CopyFrom(ctx, pgx.Identifier{"t"}, []string{"id", "v"}, pgx.CopyFromRows([][]any{{10, "p"}, {11, "q"}})); err != nil || n != 2 {
		t.Fatalf("COPY FROM: %d rows, %v", n, err)
	}
	rows, err := c.Query(ctx, "SELECT id FROM t")
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	for rows.Next() {
		read++
	}
	if rows.Err() != nil || read != 4 {
		t.Fatalf("SELECT: %d rows, %v", read, rows.Err())
	}
	if _, err := c.Exec(ctx, "SELECT * FROM nope"); err == nil {
		t.Fatal("SELECT from a missing table succeeded")
	}
	var state struct {
		Tx uint64 `json:"tx"`
	}
	var raw string
	if err := c.QueryRow(ctx, "SELECT stela_state()::text").Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(raw), &state); err != nil || state.Tx == 0 {
		t.Fatalf("stela_state(): %v in %s", err, raw)
	}
	for _, u := range []struct{ user, password string }{{"admin", "wrong"}, {"nobody", "wrong"}, {"quiet", "Quiet%21pw0rd"}} {
		bad := fmt.Sprintf("postgres://%s:%s@%s/defaultdb?sslmode=disable", u.user, u.password, srv.Addr)
		if bc, err := pgx.Connect(ctx, bad); err == nil {
			bc.Close(ctx)
			t.Fatalf("login as %s with password %s succeeded", u.user, u.password)
		}
	}

	fams := scrape(t, base)
	db := []string{"database", "defaultdb"}
	if got := value(t, fams, "stela_database_last_tx", db...); got != float64(state.Tx) {
		t.Errorf("stela_database_last_tx = %v, stela_state() tx = %d", got, state.Tx)
	}
	if value(t, fams, "stela_database_size_bytes", db...) <= 0 {
		t.Error("stela_database_size_bytes is not positive")
	}
	if value(t, fams, "stela_database_entries_committed_total", db...) < 6 {
		t.Error("stela_database_entries_committed_total counts fewer than the 6 rows written")
	}
	// Commits: CREATE TABLE, INSERT, UPDATE, DELETE and COPY at least.
	if n := histCount(t, fams, "stela_database_commit_duration_seconds", db...); n < 5 {
		t.Errorf("commit duration histogram has %d observations, want >= 5", n)
	}
	if n := histCount(t, fams, "stela_database_commit_group_transactions", db...); n < 1 {
		t.Error("commit group histogram has no observation")
	}
	for kind, want := range map[string]float64{"ddl": 2, "insert": 1, "update": 1, "delete": 1, "copy": 1, "select": 2} {
		if got := value(t, fams, "stela_statements_total", "database", "defaultdb", "kind", kind); got != want {
			t.Errorf("stela_statements_total{kind=%q} = %v, want %v", kind, got, want)
		}
		if got := histCount(t, fams, "stela_statement_duration_seconds", "database", "defaultdb", "kind", kind); float64(got) != want {
			t.Errorf("stela_statement_duration_seconds{kind=%q} has %d observations, want %v", kind, got, want)
		}
	}
	// 4 rows of t, 1 of stela_state(); 3 inserted, 1 updated, 1 deleted, 2 copied.
	if got := value(t, fams, "stela_rows_read_total", db...); got != 5 {
		t.Errorf("stela_rows_read_total = %v, want 5", got)
	}
	if got := value(t, fams, "stela_rows_written_total", db...); got != 7 {
		t.Errorf("stela_rows_written_total = %v, want 7", got)
	}
	if got := value(t, fams, "stela_statement_errors_total", db...); got != 1 {
		t.Errorf("stela_statement_errors_total = %v, want 1", got)
	}
	for _, reason := range []string{"password", "unknown_user", "no_login"} {
		if got := value(t, fams, "stela_auth_failures_total", "reason", reason); got != 1 {
			t.Errorf("stela_auth_failures_total{reason=%q} = %v, want 1", reason, got)
		}
	}
	if got := value(t, fams, "stela_connections_total"); got < 3 {
		t.Errorf("stela_connections_total = %v, want >= 3", got)
	}
	if got := value(t, fams, "stela_session_panics_total"); got != 0 {
		t.Errorf("stela_session_panics_total = %v, want 0", got)
	}
	if got, want := value(t, fams, "stela_memory_refusals_total"), float64(memguard.Refusals()); got != want {
		t.Errorf("stela_memory_refusals_total = %v, want %v", got, want)
	}
	if got := value(t, fams, "stela_sessions_open"); got != 1 {
		t.Errorf("stela_sessions_open = %v, want 1", got)
	}
	if value(t, fams, "stela_connections_open") < 1 {
		t.Error("stela_connections_open < 1 with a session open")
	}
	if value(t, fams, "stela_build_info", "go_version", runtime.Version()) != 1 {
		t.Error("stela_build_info is not 1")
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if fams[name] == nil {
			t.Errorf("no %s: runtime and process collectors missing", name)
		}
	}
	for name, f := range fams {
		if strings.HasPrefix(name, "stela_") && f.GetHelp() == "" {
			t.Errorf("%s has no help text", name)
		}
	}

	// The same row read by primary key twice: the first read may go to
	// storage, the second is answered by the cache of newest versions.
	hits := value(t, fams, "stela_database_latest_cache_hits_total", db...)
	for i := 0; i < 2; i++ {
		var v string
		if err := c.QueryRow(ctx, "SELECT v FROM t WHERE id = 2").Scan(&v); err != nil || v != "b" {
			t.Fatalf("point read: %q, %v", v, err)
		}
	}
	fams = scrape(t, base)
	if got := value(t, fams, "stela_database_latest_cache_hits_total", db...); got <= hits {
		t.Errorf("stela_database_latest_cache_hits_total = %v after two reads of one row, was %v", got, hits)
	}
	if value(t, fams, "stela_database_latest_cache_misses_total", db...) < 1 {
		t.Error("stela_database_latest_cache_misses_total counts no read from storage")
	}
	if value(t, fams, "stela_database_latest_cache_bytes", db...) <= 0 {
		t.Error("stela_database_latest_cache_bytes is not positive after a cached read")
	}
}

// TestMetricsFollowDatabases: a database created shows in the next
// scrape, and one dropped leaves no series behind.
func TestMetricsFollowDatabases(t *testing.T) {
	srv, base := startWithMetrics(t)
	ctx := context.Background()
	c, err := pgx.Connect(ctx, fmt.Sprintf("postgres://admin:Test%%21pw0rd@%s/defaultdb?sslmode=disable", srv.Addr))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE extra"); err != nil {
		t.Fatal(err)
	}
	if sample(scrape(t, base), "stela_database_last_tx", "database", "extra") == nil {
		t.Fatal("database extra missing from /metrics after CREATE DATABASE")
	}
	if _, err := c.Exec(ctx, "DROP DATABASE extra"); err != nil {
		t.Fatal(err)
	}
	if sample(scrape(t, base), "stela_database_last_tx", "database", "extra") != nil {
		t.Fatal("database extra still in /metrics after DROP DATABASE")
	}
}

// TestHealthEndpoints: /healthz, /readyz and /version of a running
// server; /readyz turns 503 as soon as shutdown begins, while a statement
// still holds the shutdown up.
func TestHealthEndpoints(t *testing.T) {
	srv, base := startWithMetrics(t)
	if code, body := httpGet(t, base+"/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz: %d %q, want 200 \"ok\\n\"", code, body)
	}
	if code, body := httpGet(t, base+"/readyz"); code != http.StatusOK || body != "ready\n" {
		t.Errorf("/readyz: %d %q, want 200 \"ready\\n\"", code, body)
	}
	code, body := httpGet(t, base+"/version")
	var v struct{ Version, Commit, Go string }
	if err := json.Unmarshal([]byte(body), &v); code != http.StatusOK || err != nil {
		t.Fatalf("/version: %d %q (%v)", code, body, err)
	}
	if v.Version == "" || v.Commit == "" || v.Go != runtime.Version() {
		t.Errorf("/version = %+v, want version, commit and go %s", v, runtime.Version())
	}
	if code, _ := httpGet(t, base+"/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("/debug/pprof/ without MetricsPprof: status %d, want 404", code)
	}

	// A statement that runs until shutdown cancels it.
	ctx := context.Background()
	dsn := fmt.Sprintf("postgres://admin:Test%%21pw0rd@%s/defaultdb?sslmode=disable", srv.Addr)
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	sleepDone := make(chan error, 1)
	go func() {
		_, err := c.Exec(ctx, "SELECT pg_sleep(60)")
		sleepDone <- err
	}()
	waitActive(t, dsn, "SELECT pg_sleep(60)")

	sctx, stop := context.WithCancel(ctx)
	shutdownDone := make(chan error, 1)
	go func() { shutdownDone <- srv.Shutdown(sctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body := httpGet(t, base+"/readyz")
		if code == http.StatusServiceUnavailable && body == "stopping\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz during shutdown: %d %q, want 503 \"stopping\\n\"", code, body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop() // grace over: the statement is canceled
	if err := <-shutdownDone; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("shutdown: %v", err)
	}
	if err := <-sleepDone; err == nil {
		t.Fatal("pg_sleep survived shutdown")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("metrics endpoints still served after Shutdown")
	}
}

// waitActive waits until a session runs query.
func waitActive(t *testing.T, dsn, query string) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := c.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = $1", query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q never showed active", query)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestMetricsAddressInUse: a taken metrics address fails the start with
// ErrMetricsAddressInUse, and frees the PostgreSQL address it had taken.
func TestMetricsAddressInUse(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	pgLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pgAddr := pgLn.Addr().String()
	pgLn.Close()
	_, err = server.Start(context.Background(), server.Config{
		DataDir: t.TempDir(), Listen: pgAddr, AdminPassword: "Test!pw0rd",
		Logger: zerolog.Nop(), KV: kv.Options{MinFreeBytes: -1}, MetricsListen: taken.Addr().String(),
	})
	if !errors.Is(err, server.ErrMetricsAddressInUse) || !strings.Contains(err.Error(), taken.Addr().String()) {
		t.Fatalf("got %v, want ErrMetricsAddressInUse naming %s", err, taken.Addr())
	}
	ln, err := net.Listen("tcp", pgAddr)
	if err != nil {
		t.Fatalf("the PostgreSQL address was not released: %v", err)
	}
	ln.Close()
}
