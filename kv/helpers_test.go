package kv_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
)

// openTest opens a store in a fresh temp dir. At cleanup it closes the
// store and verifies it in full: every test leaves a verifiable store.
func openTest(t testing.TB, opts kv.Options) *kv.Store {
	t.Helper()
	dir := t.TempDir()
	s := openAt(t, dir, opts)
	t.Cleanup(func() {
		if _, err := s.Verify(context.Background(), kv.VerifyOptions{}); err != nil {
			t.Errorf("verify at cleanup: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// openAt opens (or creates) the store in dir with a test logger.
func openAt(t testing.TB, dir string, opts kv.Options) *kv.Store {
	t.Helper()
	if opts.Logger == nil {
		l := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
		opts.Logger = &l
	}
	if opts.MinFreeBytes == 0 {
		opts.MinFreeBytes = -1 // test machines may have little free space
	}
	s, err := kv.Open(dir, opts)
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	return s
}

// put commits one put and returns its tx id.
func put(t testing.TB, s *kv.Store, key, value string) uint64 {
	t.Helper()
	c, err := s.Commit(context.Background(), []kv.Write{{Key: []byte(key), Value: []byte(value)}})
	if err != nil {
		t.Fatalf("commit %s=%s: %v", key, value, err)
	}
	return c.TxID
}

// del commits one delete and returns its tx id.
func del(t testing.TB, s *kv.Store, key string) uint64 {
	t.Helper()
	c, err := s.Commit(context.Background(), []kv.Write{{Key: []byte(key), Delete: true}})
	if err != nil {
		t.Fatalf("delete %s: %v", key, err)
	}
	return c.TxID
}

// scanAll returns "k=v" strings of a scan.
func scanAll(t testing.TB, s *kv.Store, r kv.Range, atTx uint64) []string {
	t.Helper()
	it, err := s.Scan(r, atTx)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	defer it.Close()
	var out []string
	for it.Next() {
		out = append(out, fmt.Sprintf("%s=%s", it.Key(), it.Value()))
	}
	if err := it.Err(); err != nil {
		t.Fatalf("scan: %v", err)
	}
	return out
}
