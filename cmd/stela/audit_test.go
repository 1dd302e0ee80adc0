package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/server"
)

// startWithKey generates a key with the CLI and starts a server signing
// with it; it returns the server's defaultdb URL and the key prefix.
func startWithKey(t *testing.T) (string, string) {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "signing")
	if _, errOut, code := runCLI(t, "key", "generate", "--out", prefix); code != 0 {
		t.Fatal(errOut)
	}
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	srv, err := server.Start(context.Background(), server.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", AdminPassword: "Test!pw0rd",
		Logger: log, KV: kv.Options{MinFreeBytes: -1}, SigningKey: prefix + ".key"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	url := fmt.Sprintf("postgres://admin:Test%%21pw0rd@%s/defaultdb?sslmode=disable", srv.Addr)
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	for _, q := range []string{"CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'one'), (2, 'two')"} {
		if _, err := c.Exec(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	return url, prefix
}

// TestAuditOnce: stela audit --once against a signed server, with its
// public key pinned, passes (exit 0) and with another key pinned reports
// tampering (exit 1); a server that is not there is exit 2.
func TestAuditOnce(t *testing.T) {
	url, prefix := startWithKey(t)
	state := t.TempDir()
	out, errOut, code := runCLI(t, "audit", "--once", "--url", url, "--databases", "defaultdb,postgres", "--public-key", prefix+".pub", "--state-dir", state, "--log-level", "warn")
	if code != 0 || !strings.Contains(out, "defaultdb: ok at tx 2 (trusted before: 0), 2 rows verified") || !strings.Contains(out, "postgres: ok") {
		t.Fatalf("audit: %d %q %q", code, out, errOut)
	}
	other := filepath.Join(t.TempDir(), "other")
	if _, errOut, code := runCLI(t, "key", "generate", "--out", other); code != 0 {
		t.Fatal(errOut)
	}
	out, errOut, code = runCLI(t, "audit", "--once", "--url", url, "--public-key", other+".pub", "--state-dir", state, "--log-level", "warn")
	if code != exitVerifyFailed || !strings.Contains(out, "defaultdb: tampered: client: checkpoint not signed by a pinned key") || !strings.Contains(errOut, "audit failed (defaultdb tampered)") {
		t.Fatalf("audit with another key: %d %q %q", code, out, errOut)
	}
	_, errOut, code = runCLI(t, "audit", "--once", "--url", url, "--public-key", prefix+".key", "--state-dir", state)
	if code == 0 || !strings.Contains(errOut, "give the public key") {
		t.Fatalf("private key as --public-key: %d %q", code, errOut)
	}
	_, errOut, code = runCLI(t, "audit", "--once", "--url", "postgres://admin:x@127.0.0.1:1/defaultdb?sslmode=disable&connect_timeout=5", "--state-dir", state, "--log-level", "warn")
	if code != exitVerifyError || !strings.Contains(errOut, "could not run") {
		t.Fatalf("no server: %d %q", code, errOut)
	}
}

// TestAuditServe runs stela audit as a service: its metrics endpoint
// shows the first round's result; cancelling it stops it cleanly.
func TestAuditServe(t *testing.T) {
	url, prefix := startWithKey(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	root := newRootCommand()
	var stdout, stderr lockedBuffer
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	root.SetArgs([]string{"audit", "--url", url, "--server", "db1", "--public-key", prefix + ".pub", "--state-dir", t.TempDir(),
		"--metrics-listen", "127.0.0.1:0", "--interval", "1h"})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()

	addrRE := regexp.MustCompile(`"listen":"([^"]+)"[^\n]*"message":"metrics listening"`)
	deadline := time.Now().Add(30 * time.Second)
	var metrics string
	for {
		if m := addrRE.FindStringSubmatch(stderr.String()); m != nil {
			resp, err := http.Get("http://" + m[1] + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			metrics = string(b)
			if strings.Contains(metrics, `stela_audit_result{database="defaultdb",server="db1"} 1`) {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no ok result on the metrics endpoint:\n%s\nlog:\n%s", metrics, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(metrics, `stela_audit_tx{database="defaultdb",server="db1"} 2`) {
		t.Fatalf("metrics:\n%s", metrics)
	}
	if !strings.Contains(stderr.String(), `"message":"audit check"`) || !strings.Contains(stderr.String(), `"result":"ok"`) {
		t.Fatalf("log:\n%s", stderr.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("audit did not stop when cancelled")
	}
}
