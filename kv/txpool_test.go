package kv_test

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/stela-db/stela/kv"
)

// TestCommitDoesNotAllocate keeps the commit pipeline allocation-free in
// steady state (txpool.go, state.go): preparing, queueing, admitting with
// a conflict check, building the batch, publishing and acknowledging a
// transaction allocate nothing once the pools are warm. It counts every
// goroutine's allocations, the committer's and writer's included; the
// store is small enough that pebble does not flush meanwhile.
func TestCommitDoesNotAllocate(t *testing.T) {
	if raceEnabled() {
		t.Skip("the race detector makes sync.Pool drop what is put in it")
	}
	s := openTest(t, kv.Options{MinFreeBytes: 1}) // the free-space check runs
	key := make([]byte, 16)
	value := make([]byte, 100)
	writes := []kv.Write{{Key: key, Value: value}, {Key: append([]byte("idx/"), key...), Value: value}}
	check := [][]byte{key}
	n := uint64(0)
	commit := func() {
		n++
		binary.BigEndian.PutUint64(key, n%64) // rewrites keys still pending too
		writes[1].Key = append(writes[1].Key[:4], key...)
		opts := kv.CommitOptions{Snapshot: s.LastTx(), Check: check}
		if _, err := s.CommitWith(context.Background(), writes, opts); err != nil {
			t.Fatal(err)
		}
	}
	for range 200 {
		commit()
	}
	if allocs := testing.AllocsPerRun(300, commit); allocs != 0 {
		t.Errorf("a commit allocates %.1f times, want 0", allocs)
	}
}
