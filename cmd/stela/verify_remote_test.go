package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/server"
)

// TestVerifyRemote runs "stela verify state" and "stela verify row"
// against a running server, as an operator would.
func TestVerifyRemote(t *testing.T) {
	ctx := context.Background()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	srv, err := server.Start(ctx, server.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", AdminPassword: "Test!pw0rd",
		Logger: log, KV: kv.Options{MinFreeBytes: -1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	})
	url := fmt.Sprintf("postgres://admin:Test%%21pw0rd@%s/defaultdb?sslmode=disable", srv.Addr)
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	for _, q := range []string{"CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (7, 'seven')"} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	state := filepath.Join(t.TempDir(), "trusted.json")
	out, errOut, code := runCLI(t, "verify", "state", "--url", url, "--state", state)
	if code != 0 || !strings.Contains(out, "verified: stela.local/defaultdb at tx 2") {
		t.Fatalf("verify state: %d %q %q", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "verify", "row", "--url", url, "--state", state, "t", "7")
	if code != 0 || !strings.Contains(out, "row written by tx 2") || !strings.Contains(out, "736576656e") {
		t.Fatalf("verify row: %d %q %q", code, out, errOut)
	}
	_, _, code = runCLI(t, "verify", "row", "--url", url, "--state", state, "t", "8")
	if code != 2 {
		t.Fatalf("verify row of a missing row: exit %d, want 2", code)
	}
}
