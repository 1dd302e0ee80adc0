package audit_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/audit"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/checkpoint"
	"github.com/stela-db/stela/server"
)

// testServer is a stela server started in-process on a data directory.
type testServer struct {
	t       *testing.T
	srv     *server.Server
	url     string // of defaultdb
	stopped bool
}

// start serves dir, signing with keyFile (empty: unsigned).
func start(t *testing.T, dir, keyFile string) *testServer {
	t.Helper()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	srv, err := server.Start(context.Background(), server.Config{
		DataDir: dir, Listen: "127.0.0.1:0", AdminPassword: "Test!pw0rd",
		Logger: log, KV: kv.Options{MinFreeBytes: -1}, SigningKey: keyFile,
	})
	if err != nil {
		t.Fatal(err)
	}
	s := &testServer{t: t, srv: srv, url: fmt.Sprintf("postgres://admin:Test%%21pw0rd@%s/defaultdb?sslmode=disable", srv.Addr)}
	t.Cleanup(s.stop)
	return s
}

func (s *testServer) stop() {
	if s.stopped {
		return
	}
	s.stopped = true
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.t.Errorf("shutdown: %v", err)
	}
}

// exec runs statements in a database of the server.
func (s *testServer) exec(db string, stmts ...string) {
	s.t.Helper()
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(s.url)
	if err != nil {
		s.t.Fatal(err)
	}
	cfg.Database = db
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	defer c.Close(ctx)
	for _, q := range stmts {
		if _, err := c.Exec(ctx, q); err != nil {
			s.t.Fatalf("%s: %v", q, err)
		}
	}
}

// writeKey writes a new private key of the algorithm to a file and
// returns its path and public key.
func writeKey(t *testing.T, alg string) (string, *checkpoint.PrivateKey) {
	t.Helper()
	k, err := checkpoint.GenerateKey(alg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := k.MarshalPEM()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "signing.key")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, k
}

// newAuditor makes an auditor of url named "srv" keeping its states in
// stateDir, logging to log as well as to the test.
func newAuditor(t *testing.T, url, stateDir string, log io.Writer, mod func(*audit.Config)) *audit.Auditor {
	t.Helper()
	cfg := audit.Config{URL: url, Server: "srv", Databases: []string{"defaultdb"}, StateDir: stateDir,
		Logger: zerolog.New(zerolog.MultiLevelWriter(log, zerolog.NewTestWriter(t)))}
	if mod != nil {
		mod(&cfg)
	}
	a, err := audit.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// round runs one round and fails the test unless every check has the
// wanted result.
func round(t *testing.T, a *audit.Auditor, want audit.Result) []audit.Check {
	t.Helper()
	checks := a.Round(context.Background())
	for _, c := range checks {
		if c.Result != want {
			t.Fatalf("%s: %s (%v), want %s", c.Database, c.Result, c.Err, want)
		}
	}
	return checks
}

// scrape returns the auditor's metrics as text, served over loopback HTTP
// as Prometheus would read them.
func scrape(t *testing.T, a *audit.Auditor) string {
	t.Helper()
	hs := httptest.NewServer(a.Handler())
	defer hs.Close()
	resp, err := http.Get(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// wantMetric fails unless the exposition has the line "series value".
func wantMetric(t *testing.T, metrics, series string, value float64) {
	t.Helper()
	want := fmt.Sprintf("%s %v", series, value)
	for _, l := range strings.Split(metrics, "\n") {
		if l == want {
			return
		}
	}
	t.Fatalf("metric line %q not found in:\n%s", want, metrics)
}

// tamperValue changes, below the API, the stored value of the row of
// database db whose encoding contains from, to the same-length to (the
// server must be stopped). The row key's log entry, which holds the
// value's digest, is left alone, as an attacker with disk access but no
// way to rewrite the Merkle log would.
func tamperValue(t *testing.T, dataDir, db, from, to string) {
	t.Helper()
	if len(from) != len(to) {
		t.Fatal("tamperValue keeps lengths")
	}
	p, err := pebble.Open(filepath.Join(dataDir, "databases", db), &pebble.Options{Comparer: kv.PebbleComparer(), ErrorIfNotExists: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// Version records ('V' || user key ...); row keys start with 0x02.
	it, err := p.NewIter(&pebble.IterOptions{LowerBound: []byte{'V', 0x02}, UpperBound: []byte{'V', 0x03}})
	if err != nil {
		t.Fatal(err)
	}
	var key, val []byte
	for ok := it.First(); ok; ok = it.Next() {
		if v := it.Value(); bytes.Contains(v, []byte(from)) {
			key, val = bytes.Clone(it.Key()), bytes.Clone(v)
		}
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	if key == nil {
		t.Fatalf("no stored row value contains %q", from)
	}
	if err := p.Set(key, bytes.Replace(val, []byte(from), []byte(to), 1), pebble.Sync); err != nil {
		t.Fatal(err)
	}
}

// copyDir copies a stopped server's data directory.
func copyDir(t *testing.T, dir string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(dst, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	return dst
}
