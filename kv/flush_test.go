package kv_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"

	"github.com/stela-db/stela/kv"
)

// fltTableFault fails the creation of every pebble table while on.
type fltTableFault struct {
	on   atomic.Bool
	hits atomic.Int64
}

func (f *fltTableFault) String() string { return "(tables EIO)" }

func (f *fltTableFault) MaybeError(op errorfs.Op) error {
	if !f.on.Load() || op.Kind != errorfs.OpCreate || !strings.HasSuffix(op.Path, ".sst") {
		return nil
	}
	f.hits.Add(1)
	return &os.PathError{Op: "injected", Path: op.Path, Err: syscall.EIO}
}

// TestFlushFailureAtClose: when no flush can succeed (pebble retries a
// failed flush forever, without a pause), Close gives up flushing and
// returns the error instead of waiting forever, and keeps the commit log;
// reopening on a healthy filesystem replays it and loses nothing.
func TestFlushFailureAtClose(t *testing.T) {
	defer kv.SetFlushGiveUp(300 * time.Millisecond)()
	mem := vfs.NewMem()
	fault := &fltTableFault{}
	s, err := fltOpen(t, "/db", kv.Options{FS: errorfs.Wrap(mem, fault)})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	for i := 0; i < n; i++ {
		put(t, s, fmt.Sprintf("k%d", i), fmt.Sprintf("v%d", i))
	}
	cp := s.Checkpoint()
	fault.on.Store(true)
	err = fltCloseWithin(t, s, 20*time.Second)
	if err == nil || !strings.Contains(err.Error(), "injected") {
		t.Fatalf("Close with failing flushes: %v, want the flush's error", err)
	}
	if fault.hits.Load() < 3 {
		t.Fatalf("%d table creations failed, want pebble's retries", fault.hits.Load())
	}
	t.Logf("Close: %v", err)

	fault.on.Store(false)
	s, err = fltOpen(t, "/db", kv.Options{FS: mem})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if s.LastTx() != cp.Size {
		t.Fatalf("LastTx %d after reopen, want %d", s.LastTx(), cp.Size)
	}
	for i := 0; i < n; i++ {
		k := fmt.Sprintf("k%d", i)
		if got, err := s.Get([]byte(k)); err != nil || string(got.Value) != fmt.Sprintf("v%d", i) {
			t.Fatalf("Get(%s) after reopen = %q, %v", k, got.Value, err)
		}
	}
	if _, err := s.Verify(context.Background(), kv.VerifyOptions{Trusted: &cp}); err != nil {
		t.Fatalf("verify after reopen: %v", err)
	}
}
