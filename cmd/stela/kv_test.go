package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/httpapi"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/server"
)

// TestKVCommands runs stela kv set, get, verified-set, verified-get,
// history, scan and delete against a running server, and reads a key the
// CLI wrote through the HTTP API: both use the same table.
func TestKVCommands(t *testing.T) {
	ctx := context.Background()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel)
	srv, err := server.Start(ctx, server.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", AdminPassword: "Test!pw0rd",
		Logger: log, KV: kv.Options{MinFreeBytes: -1}, HTTP: httpapi.Config{Listen: "127.0.0.1:0"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	})
	url := fmt.Sprintf("postgres://admin:Test%%21pw0rd@%s/defaultdb?sslmode=disable", srv.Addr)
	state := filepath.Join(t.TempDir(), "trusted.json")
	run := func(stdin string, args ...string) (string, string) {
		t.Helper()
		out, errOut, code := runCLIIn(t, stdin, append(args, "--url", url, "--state", state)...)
		if code != 0 {
			t.Fatalf("stela %v: exit %d\n%s%s", args, code, out, errOut)
		}
		return out, errOut
	}
	if out, _ := run("", "kv", "set", "--content-type", "text/plain", "color", "red"); out != "set \"color\" at tx 2\n" {
		t.Fatalf("set: %q", out)
	}
	if out, _ := run("blue from stdin", "kv", "set", "color", "-"); out != "set \"color\" at tx 3\n" {
		t.Fatalf("set from stdin: %q", out)
	}
	if out, _ := run("", "kv", "get", "color"); out != "blue from stdin" {
		t.Fatalf("get: %q", out)
	}
	if out, _ := run("", "kv", "get", "--at", "2", "color"); out != "red" {
		t.Fatalf("get --at 2: %q", out)
	}
	out, errOut := run("", "kv", "verified-get", "color")
	if out != "blue from stdin" || !strings.Contains(errOut, "verified: \"color\" written by tx 3") {
		t.Fatalf("verified-get: %q %q", out, errOut)
	}
	if out, _ := run("", "kv", "verified-set", "shape", "round"); out != "verified: \"shape\" set at tx 4\n" {
		t.Fatalf("verified-set: %q", out)
	}
	if out, _ := run("", "kv", "verified-get", "--at", "2", "color"); out != "red" {
		t.Fatalf("verified-get --at 2: %q", out)
	}
	run("", "kv", "delete", "color")
	out, _ = run("", "kv", "history", "color")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "2\t") || !strings.HasSuffix(lines[0], "insert\t\"red\"") || !strings.HasSuffix(lines[2], "delete\t-") {
		t.Fatalf("history:\n%s", out)
	}
	if out, _ := run("", "kv", "scan"); out != "shape\t4\t\"round\"\n" {
		t.Fatalf("scan: %q", out)
	}
	_, errOut, code := runCLIIn(t, "", "kv", "verified-get", "color", "--url", url, "--state", state)
	if code == 0 || !strings.Contains(errOut, "deleted by tx 5") {
		t.Fatalf("verified-get of a deleted key: exit %d %q", code, errOut)
	}
	_, errOut, code = runCLIIn(t, "", "kv", "get", "nope", "--url", url)
	if code == 0 || !strings.Contains(errOut, `key "nope" not found`) {
		t.Fatalf("get of a missing key: exit %d %q", code, errOut)
	}

	// The HTTP API reads what the CLI wrote.
	req, _ := http.NewRequest("GET", "http://"+srv.HTTPAddr.String()+"/api/v1/db/defaultdb/kv/shape", nil)
	req.SetBasicAuth("admin", "Test!pw0rd")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "round" || resp.Header.Get("X-Stela-Tx") != "4" {
		t.Fatalf("HTTP get of the CLI's key: %d %q %v", resp.StatusCode, body, resp.Header)
	}
}
