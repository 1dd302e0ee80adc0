package audit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stela-db/stela/audit"
	"github.com/stela-db/stela/kv/checkpoint"
)

// TestAuditOK: a signed server with rows in two databases passes; the
// metrics say "not yet checked" before the first round, then ok with the
// trusted tx, and the previous one after a second round.
func TestAuditOK(t *testing.T) {
	keyFile, key := writeKey(t, checkpoint.AlgorithmECDSAP256)
	s := start(t, t.TempDir(), keyFile)
	s.exec("defaultdb", "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')")
	s.exec("postgres", `CREATE TABLE "Mixed" (a text, b int, v text, PRIMARY KEY (a, b))`, `INSERT INTO "Mixed" VALUES ('x', 1, 'p'), ('x', 2, 'q')`)
	a := newAuditor(t, s.url, t.TempDir(), io.Discard, func(c *audit.Config) {
		c.Databases = []string{"defaultdb", "postgres"}
		c.PublicKey = key.Public()
	})
	m := scrape(t, a)
	wantMetric(t, m, `stela_audit_result{database="defaultdb",server="srv"}`, -1)
	wantMetric(t, m, `stela_audit_result{database="postgres",server="srv"}`, -1)

	checks := round(t, a, audit.ResultOK)
	if checks[0].Rows != 3 || checks[1].Rows != 2 {
		t.Fatalf("rows verified: %d, %d; want every row (3, 2)", checks[0].Rows, checks[1].Rows)
	}
	m = scrape(t, a)
	wantMetric(t, m, `stela_audit_result{database="defaultdb",server="srv"}`, 1)
	wantMetric(t, m, `stela_audit_result{database="postgres",server="srv"}`, 1)
	wantMetric(t, m, `stela_audit_tx{database="defaultdb",server="srv"}`, 2)
	wantMetric(t, m, `stela_audit_previous_tx{database="defaultdb",server="srv"}`, 0)
	wantMetric(t, m, `stela_audit_runs_total{result="ok"}`, 2)
	wantMetric(t, m, `stela_audit_runs_total{result="tampered"}`, 0)
	if !strings.Contains(m, "stela_audit_last_run_timestamp_seconds ") || strings.Contains(m, "stela_audit_last_run_timestamp_seconds 0\n") {
		t.Fatalf("no last run time:\n%s", m)
	}

	s.exec("defaultdb", "INSERT INTO t VALUES (4, 'd')", "UPDATE t SET v = 'e' WHERE id = 1")
	round(t, a, audit.ResultOK)
	m = scrape(t, a)
	wantMetric(t, m, `stela_audit_tx{database="defaultdb",server="srv"}`, 4)
	wantMetric(t, m, `stela_audit_previous_tx{database="defaultdb",server="srv"}`, 2)
	wantMetric(t, m, `stela_audit_runs_total{result="ok"}`, 4)
}

// TestAuditSample: with more rows than the sample, the sample's size is
// verified.
func TestAuditSample(t *testing.T) {
	s := start(t, t.TempDir(), "")
	s.exec("defaultdb", "CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE b (id text PRIMARY KEY, n int)",
		"INSERT INTO a SELECT generate_series(1, 20)", "INSERT INTO b SELECT 'k' || i, i FROM generate_series(1, 15) i")
	a := newAuditor(t, s.url, t.TempDir(), io.Discard, func(c *audit.Config) { c.Sample = 5 })
	if checks := round(t, a, audit.ResultOK); checks[0].Rows != 5 {
		t.Fatalf("verified %d rows, want 5", checks[0].Rows)
	}
}

// webhookRecorder is a loopback webhook receiver.
type webhookRecorder struct {
	mu     sync.Mutex
	bodies []map[string]any
}

func (w *webhookRecorder) start(t *testing.T) string {
	hs := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("webhook: %s with %q", r.Method, r.Header.Get("Content-Type"))
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		w.mu.Lock()
		w.bodies = append(w.bodies, body)
		w.mu.Unlock()
	}))
	t.Cleanup(hs.Close)
	return hs.URL
}

// TestAuditTamperedValue changes a row's stored value below the API with
// the server stopped: after a restart the audit reports the database
// tampered, in the metric and to the webhook, and keeps doing so.
func TestAuditTamperedValue(t *testing.T) {
	keyFile, _ := writeKey(t, checkpoint.AlgorithmEd25519)
	dir := t.TempDir()
	s := start(t, dir, keyFile)
	s.exec("defaultdb", "CREATE TABLE acct (id int PRIMARY KEY, owner text, balance int)",
		"INSERT INTO acct VALUES (1, 'ann-honest', 100), (2, 'bob', 50)")
	var hook webhookRecorder
	stateDir := t.TempDir()
	a := newAuditor(t, s.url, stateDir, io.Discard, func(c *audit.Config) { c.Webhook = hook.start(t) })
	round(t, a, audit.ResultOK)
	s.stop()

	tamperValue(t, dir, "defaultdb", "ann-honest", "ann-forged")
	s = start(t, dir, keyFile)
	var log bytes.Buffer
	a = newAuditor(t, s.url, stateDir, &log, func(c *audit.Config) { c.Webhook = hook.start(t) })
	checks := round(t, a, audit.ResultTampered)
	if !strings.Contains(checks[0].Err.Error(), "proof does not verify") {
		t.Fatalf("error: %v", checks[0].Err)
	}
	round(t, a, audit.ResultTampered)
	m := scrape(t, a)
	wantMetric(t, m, `stela_audit_result{database="defaultdb",server="srv"}`, 0)
	wantMetric(t, m, `stela_audit_runs_total{result="tampered"}`, 2)
	if !strings.Contains(log.String(), `"result":"tampered"`) || !strings.Contains(log.String(), `"level":"error"`) {
		t.Fatalf("log:\n%s", log.String())
	}
	hook.mu.Lock()
	defer hook.mu.Unlock()
	if len(hook.bodies) != 2 {
		t.Fatalf("webhook got %d posts, want 2 (one per failed check)", len(hook.bodies))
	}
	b := hook.bodies[0]
	if b["server"] != "srv" || b["database"] != "defaultdb" || b["result"] != "tampered" ||
		!strings.Contains(fmt.Sprint(b["error"]), "proof") || b["tx"] != float64(2) || b["previous_tx"] != float64(2) {
		t.Fatalf("webhook body: %v", b)
	}
	if ts, err := time.Parse(time.RFC3339Nano, fmt.Sprint(b["time"])); err != nil || time.Since(ts) > time.Hour {
		t.Fatalf("webhook time %v: %v", b["time"], err)
	}
}

// TestAuditRollback: the data directory is copied after some writes; the
// server writes more and is audited (trusted state advances); then the
// old copy is served in its place: rolled back, tampered.
func TestAuditRollback(t *testing.T) {
	keyFile, _ := writeKey(t, checkpoint.AlgorithmEd25519)
	dir := t.TempDir()
	s := start(t, dir, keyFile)
	s.exec("defaultdb", "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a')")
	s.stop()
	old := copyDir(t, dir)

	s = start(t, dir, keyFile)
	s.exec("defaultdb", "INSERT INTO t VALUES (2, 'b')")
	stateDir := t.TempDir()
	if c := round(t, newAuditor(t, s.url, stateDir, io.Discard, nil), audit.ResultOK); c[0].Tx != 3 {
		t.Fatalf("trusted tx %d, want 3", c[0].Tx)
	}
	s.stop()

	s = start(t, old, keyFile)
	a := newAuditor(t, s.url, stateDir, io.Discard, nil)
	checks := round(t, a, audit.ResultTampered)
	if !strings.Contains(checks[0].Err.Error(), "shorter") || checks[0].PreviousTx != 3 || checks[0].Tx != 3 {
		t.Fatalf("check: %+v", checks[0])
	}
	wantMetric(t, scrape(t, a), `stela_audit_result{database="defaultdb",server="srv"}`, 0)
}

// TestAuditFork: a copy of the data directory and the original each
// commit other transactions; audited against one, the other is a fork.
func TestAuditFork(t *testing.T) {
	keyFile, _ := writeKey(t, checkpoint.AlgorithmECDSAP256)
	dir := t.TempDir()
	s := start(t, dir, keyFile)
	s.exec("defaultdb", "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a')")
	s.stop()
	other := copyDir(t, dir)

	a1 := start(t, dir, keyFile)
	a2 := start(t, other, keyFile)
	a1.exec("defaultdb", "INSERT INTO t VALUES (2, 'original')")
	a2.exec("defaultdb", "INSERT INTO t VALUES (2, 'fork')", "INSERT INTO t VALUES (3, 'fork')")
	stateDir := t.TempDir()
	round(t, newAuditor(t, a1.url, stateDir, io.Discard, nil), audit.ResultOK)
	checks := round(t, newAuditor(t, a2.url, stateDir, io.Discard, nil), audit.ResultTampered)
	if !strings.Contains(checks[0].Err.Error(), "does not extend") {
		t.Fatalf("error: %v", checks[0].Err)
	}
	// The trusted state did not move: the original still passes.
	round(t, newAuditor(t, a1.url, stateDir, io.Discard, nil), audit.ResultOK)
}

// TestAuditKeys: a checkpoint signed by a key other than the pinned one
// is tampering evidence (0), logged as such; so is an unsigned checkpoint
// from a server seen signing. A server that cannot be reached is an error
// (-2).
func TestAuditKeys(t *testing.T) {
	keyFile, _ := writeKey(t, checkpoint.AlgorithmEd25519)
	_, otherKey := writeKey(t, checkpoint.AlgorithmEd25519)
	dir := t.TempDir()
	s := start(t, dir, keyFile)
	s.exec("defaultdb", "CREATE TABLE t (id int PRIMARY KEY)")

	var log bytes.Buffer
	pinned := newAuditor(t, s.url, t.TempDir(), &log, func(c *audit.Config) { c.PublicKey = otherKey.Public() })
	checks := round(t, pinned, audit.ResultTampered)
	if !strings.Contains(log.String(), "not signed by a pinned key") {
		t.Fatalf("log does not say what failed: %v\n%s", checks[0].Err, log.String())
	}

	// Trust on first use: the key is learnt, then required.
	stateDir := t.TempDir()
	round(t, newAuditor(t, s.url, stateDir, io.Discard, nil), audit.ResultOK)
	s.stop()
	s = start(t, dir, "")
	log.Reset()
	round(t, newAuditor(t, s.url, stateDir, &log, nil), audit.ResultTampered)
	if !strings.Contains(log.String(), "signed with key stela.local/defaultdb+") {
		t.Fatalf("log:\n%s", log.String())
	}
	url := s.url
	s.stop()

	down := newAuditor(t, url, stateDir, io.Discard, nil)
	round(t, down, audit.ResultError)
	wantMetric(t, scrape(t, down), `stela_audit_result{database="defaultdb",server="srv"}`, -2)
	wantMetric(t, scrape(t, down), `stela_audit_runs_total{result="error"}`, 1)
}
