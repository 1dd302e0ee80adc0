package client_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/client"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/checkpoint"
	"github.com/stela-db/stela/server"
)

// startServer starts a server on dir and returns its DSN and a stop
// function.
func startServer(t *testing.T, dir string) (string, func()) {
	t.Helper()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	srv, err := server.Start(context.Background(), server.Config{
		DataDir: dir, Listen: "127.0.0.1:0", AdminPassword: "Test!pw0rd",
		Logger: log, KV: kv.Options{MinFreeBytes: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	}
	t.Cleanup(stop)
	return fmt.Sprintf("postgres://admin:Test%%21pw0rd@%s/defaultdb?sslmode=disable", srv.Addr), stop
}

func open(t *testing.T, dsn, state string) *client.Client {
	t.Helper()
	c, err := client.Open(context.Background(), dsn, client.Options{StatePath: state, Key: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func TestVerifiedReadsAndWrites(t *testing.T) {
	ctx := context.Background()
	dsn, _ := startServer(t, t.TempDir())
	state := filepath.Join(t.TempDir(), "state.json")
	c := open(t, dsn, state)
	if _, err := c.Exec(ctx, "CREATE TABLE acct (id int PRIMARY KEY, owner text, balance int)"); err != nil {
		t.Fatal(err)
	}
	st, err := c.Exec(ctx, "INSERT INTO acct VALUES (1, 'ann', 100), (2, 'bob', 50)")
	if err != nil || st.Size != 2 {
		t.Fatalf("after insert: %+v, %v", st, err)
	}
	if _, err := c.Exec(ctx, "UPDATE acct SET balance = 70 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	row, err := c.VerifiedRow(ctx, 0, "acct", 1)
	if err != nil {
		t.Fatal(err)
	}
	if row.Tx != 3 || len(row.Columns) != 3 || string(row.Columns[1]) != "ann" || string(row.Columns[2]) != "\x00\x00\x00\x46" {
		t.Fatalf("row: %+v", row)
	}
	if r64, err := c.VerifiedRow(ctx, 0, "acct", int64(1)); err != nil || r64.Tx != row.Tx {
		t.Fatalf("int64 key: %+v %v", r64, err) // keys of any Go type travel as text
	}
	old, err := c.VerifiedRow(ctx, 2, "acct", "1")
	if err != nil || old.Tx != 2 || string(old.Columns[2]) != "\x00\x00\x00\x64" {
		t.Fatalf("row as of tx 2: %+v, %v", old, err)
	}
	if fi, err := os.Stat(state); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v, %v", fi, err)
	}
	// A second client process (here: connection) picks up the state.
	c2 := open(t, dsn, state)
	if st, err := c2.VerifyState(ctx); err != nil || st.Size != 3 {
		t.Fatalf("second client: %+v, %v", st, err)
	}
	// After a TRUNCATE the table's rows are keyed under new storage
	// (tx 4, then the row again at tx 5); the proofs of both, and of the
	// row as of before, verify.
	for _, q := range []string{"TRUNCATE acct", "INSERT INTO acct VALUES (1, 'cy', 5)"} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if now, err := c.VerifiedRow(ctx, 0, "acct", 1); err != nil || now.Tx != 5 || string(now.Columns[1]) != "cy" {
		t.Fatalf("row after the truncate: %+v, %v", now, err)
	}
	if then, err := c.VerifiedRow(ctx, 3, "acct", 1); err != nil || then.Tx != 3 || string(then.Columns[1]) != "ann" {
		t.Fatalf("row as of tx 3: %+v, %v", then, err)
	}
	if _, err := c.VerifiedRow(ctx, 0, "acct", 2); err == nil {
		t.Fatal("a truncated row has a proof of its latest version")
	}
}

// TestForkDetected: a server's data directory is copied (an old
// backup), the server goes on; the copy is later restored and made to
// commit a different history. A client that saw the first history
// detects the fork: the consistency check fails and its trusted state
// stays. A server that came back with fewer transactions is caught as a
// rollback.
func TestForkDetected(t *testing.T) {
	ctx := context.Background()
	state := filepath.Join(t.TempDir(), "state.json")
	dir := t.TempDir()
	dsn, stop := startServer(t, dir)
	a := open(t, dsn, state)
	for _, q := range []string{"CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'original')"} {
		if _, err := a.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	a.Close(ctx)
	stop()
	backup := filepath.Join(t.TempDir(), "backup")
	if err := os.CopyFS(backup, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}

	dsn, stop = startServer(t, dir)
	a = open(t, dsn, state)
	if _, err := a.Exec(ctx, "INSERT INTO t VALUES (2, 'honest')"); err != nil {
		t.Fatal(err)
	}
	trusted, err := a.VerifyState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a.Close(ctx)
	stop()

	// The old backup, restored: one transaction behind.
	dsnB, _ := startServer(t, backup)
	b := open(t, dsnB, state)
	if _, err := b.VerifyState(ctx); !errors.Is(err, client.ErrRolledBack) {
		t.Fatalf("restored old backup: %v, want ErrRolledBack", err)
	}
	// It commits a different history, longer than the trusted one.
	for _, q := range []string{"INSERT INTO t VALUES (2, 'forged')", "INSERT INTO t VALUES (3, 'more')"} {
		if _, err := b.Conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.VerifyState(ctx); !errors.Is(err, client.ErrForked) {
		t.Fatalf("forked history: %v, want ErrForked", err)
	}
	if _, err := b.VerifiedRow(ctx, 0, "t", 2); !errors.Is(err, client.ErrForked) {
		t.Fatalf("row of a forked history: %v, want ErrForked", err)
	}
	st, err := client.LoadTrusted(state, "test")
	if err != nil || st.Size != trusted.Size || st.Root != trusted.Root {
		t.Fatalf("trusted state moved: %+v (was %+v), %v", st, trusted, err)
	}
}

// TestTamperDetected changes a stored row value below the API (in the
// database's pebble, server stopped), restarts the server, and checks
// that the client refuses the row the server now serves.
func TestTamperDetected(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	state := filepath.Join(t.TempDir(), "state.json")
	dsn, stop := startServer(t, dir)
	c := open(t, dsn, state)
	for _, q := range []string{"CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'honest')"} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.VerifiedRow(ctx, 0, "t", 1); err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
	stop()

	db, err := pebble.Open(filepath.Join(dir, "databases", "defaultdb"), &pebble.Options{Comparer: kv.PebbleComparer(), ErrorIfNotExists: true})
	if err != nil {
		t.Fatal(err)
	}
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte{'V'}, UpperBound: []byte{'W'}})
	if err != nil {
		t.Fatal(err)
	}
	var target []byte
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		// The row: its user key starts with 0x02 (table data), and it is
		// the only row of the database.
		if k[1] == 0x02 {
			target = append([]byte(nil), k...)
		}
	}
	it.Close()
	val, closer, err := db.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	forged := append([]byte(nil), val...)
	closer.Close()
	forged[len(forged)-1] ^= 'h' ^ 'H' // "honest" -> "honesT"-like change in the last byte
	if err := db.Set(target, forged, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	dsn, _ = startServer(t, dir)
	c = open(t, dsn, state)
	if _, err := c.VerifiedRow(ctx, 0, "t", 1); !errors.Is(err, client.ErrBadProof) {
		t.Fatalf("tampered row: %v, want ErrBadProof", err)
	}
}

// TestPinnedKey: a client that pins the server's public key accepts its
// signed checkpoints and refuses those of another key, or unsigned ones.
func TestPinnedKey(t *testing.T) {
	ctx := context.Background()
	signer := func(seed byte) checkpoint.Signer {
		key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
		s, err := checkpoint.NewEd25519Signer("stela.local/defaultdb", key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good, other := signer(1), signer(2)
	goodV, _ := checkpoint.VerifierFor(good)
	otherV, _ := checkpoint.VerifierFor(other)

	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel)
	srv, err := server.Start(ctx, server.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", AdminPassword: "Test!pw0rd",
		Logger: log, KV: kv.Options{MinFreeBytes: -1, Signer: good}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(ctx)
	dsn := fmt.Sprintf("postgres://admin:Test%%21pw0rd@%s/defaultdb?sslmode=disable", srv.Addr)
	pinned := func(v *checkpoint.Verifier) *client.Client {
		c, err := client.Open(ctx, dsn, client.Options{StatePath: filepath.Join(t.TempDir(), "s.json"), Keys: []*checkpoint.Verifier{v}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(ctx) })
		return c
	}
	if _, err := pinned(goodV).Exec(ctx, "CREATE TABLE t (id int PRIMARY KEY)"); err != nil {
		t.Fatalf("pinned to the signing key: %v", err)
	}
	if _, err := pinned(otherV).VerifyState(ctx); !errors.Is(err, client.ErrUnexpectedKey) {
		t.Fatalf("pinned to another key: %v, want ErrUnexpectedKey", err)
	}
	unsignedDSN, _ := startServer(t, t.TempDir())
	c, err := client.Open(ctx, unsignedDSN, client.Options{StatePath: filepath.Join(t.TempDir(), "u.json"), Keys: []*checkpoint.Verifier{goodV}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.VerifyState(ctx); !errors.Is(err, client.ErrUnexpectedKey) {
		t.Fatalf("unsigned checkpoint with a pinned key: %v, want ErrUnexpectedKey", err)
	}
}
