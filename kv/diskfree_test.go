package kv_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stela-db/stela/kv"
)

// TestFreeSpaceReserveOnDefaultFS checks the reserve through the
// descriptor kept open on the real filesystem (the fault tests use their
// own filesystem, which is asked by path): no disk has an exabyte free.
func TestFreeSpaceReserveOnDefaultFS(t *testing.T) {
	s := openAt(t, t.TempDir(), kv.Options{MinFreeBytes: 1 << 60})
	defer s.Close()
	_, err := s.Commit(context.Background(), []kv.Write{{Key: []byte("k"), Value: []byte("v")}})
	if !errors.Is(err, kv.ErrDiskFull) {
		t.Fatalf("commit with an exabyte reserve: %v, want ErrDiskFull", err)
	}
	if s.LastTx() != 0 {
		t.Fatalf("the refused commit was written: LastTx %d", s.LastTx())
	}
	// The store goes on: a reserve is not a failure.
	if s.Failed() != nil {
		t.Fatalf("store failed: %v", s.Failed())
	}
}
