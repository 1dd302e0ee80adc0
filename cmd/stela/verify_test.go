package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"

	"github.com/stela-db/stela/kv"
)

// runCLI runs the root command with args and returns stdout, stderr and
// the exit code main would use.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	root := newRootCommand()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	code := 0
	if err := root.Execute(); err != nil {
		code = 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		errOut.WriteString(describeError(err))
	}
	return out.String(), errOut.String(), code
}

// makeStore creates a store with n single-entry transactions and returns
// its last checkpoint.
func makeStore(t *testing.T, dir string, n int) kv.Checkpoint {
	t.Helper()
	s, err := kv.Open(dir, kv.Options{MinFreeBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < n; i++ {
		if _, err := s.Commit(context.Background(), []kv.Write{{Key: []byte{byte('a' + i%26)}, Value: []byte(strings.Repeat("v", i))}}); err != nil {
			t.Fatal(err)
		}
	}
	return s.Checkpoint()
}

func TestVersionCommand(t *testing.T) {
	out, _, code := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(out, "stela ") {
		t.Fatalf("version: code %d, out %q", code, out)
	}
}

func TestVerifyCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	cp := makeStore(t, dir, 30)

	before := dirDigest(t, dir)
	out, _, code := runCLI(t, "verify", "--data", dir, "--quiet")
	if code != 0 || !strings.Contains(out, "ok: ") || !strings.Contains(out, "30 transactions") {
		t.Fatalf("verify of a good store: code %d, out %q", code, out)
	}
	if after := dirDigest(t, dir); after != before {
		t.Fatalf("verify changed the store's files:\n%s\n%s", before, after)
	}

	cpFile := filepath.Join(t.TempDir(), "cp")
	if err := os.WriteFile(cpFile, cp.Note, 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "verify", "--data", dir, "--quiet", "--checkpoint", cpFile)
	if code != 0 || !strings.Contains(out, "consistent with the trusted checkpoint") {
		t.Fatalf("verify with checkpoint: code %d, out %q, err %q", code, out, errOut)
	}

	// Tamper with tx 17's stored value through pebble directly.
	db, err := pebble.Open(dir, &pebble.Options{Comparer: kv.PebbleComparer()})
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
		if tx := ^beUint64(k[len(k)-8:]); tx == 17 {
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
	forged[len(forged)-1] ^= 1
	if err := db.Set(target, forged, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out, _, code = runCLI(t, "verify", "--data", dir, "--quiet")
	if code != 1 || !strings.Contains(out, "first transaction that does not match: 17") {
		t.Fatalf("verify of a tampered store: code %d, out %q", code, out)
	}

	_, _, code = runCLI(t, "verify", "--data", filepath.Join(t.TempDir(), "missing"))
	if code != 2 {
		t.Fatalf("verify of a missing dir: code %d, want 2", code)
	}
}

func beUint64(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// dirDigest lists every file of dir with its size and SHA-256.
func dirDigest(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %d %x\n", d.Name(), len(data), sha256.Sum256(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
