package kv_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stela-db/stela/kv"
)

func TestMetrics(t *testing.T) {
	s := openTest(t, kv.Options{})
	put(t, s, "a", "1")
	// One transaction of three entries.
	if _, err := s.Commit(context.Background(), []kv.Write{
		{Key: []byte("b"), Value: []byte("2")}, {Key: []byte("c"), Value: []byte("3")}, {Key: []byte("d"), Delete: true},
	}); err != nil {
		t.Fatal(err)
	}
	// Concurrent commits: however they group, every one is counted once.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Commit(context.Background(), []kv.Write{{Key: []byte{'k', byte(i)}, Value: []byte("v")}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	last := del(t, s, "a")

	m, err := s.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	if m.LastTx != last || m.LastTx != 11 {
		t.Errorf("LastTx: got %d, want %d (= 11)", m.LastTx, last)
	}
	if m.EntriesCommitted != 1+3+8+1 {
		t.Errorf("EntriesCommitted: got %d, want 13", m.EntriesCommitted)
	}
	if m.CommitLatency.Count != 11 || m.CommitLatency.Sum <= 0 {
		t.Errorf("CommitLatency: got count %d, sum %v s; want 11 and > 0", m.CommitLatency.Count, m.CommitLatency.Sum)
	}
	// The groups' sizes add up to the transactions: Sum is their total.
	if m.GroupTxs.Sum != 11 || m.GroupTxs.Count < 1 || m.GroupTxs.Count > 11 {
		t.Errorf("GroupTxs: got %d groups of %v txs in all; want 1..11 groups of 11", m.GroupTxs.Count, m.GroupTxs.Sum)
	}
	if m.DiskBytes == 0 {
		t.Error("DiskBytes is 0")
	}
}

func TestMetricsFailedCommitNotCounted(t *testing.T) {
	s := openTest(t, kv.Options{})
	if _, err := s.Commit(context.Background(), []kv.Write{{Key: nil, Value: []byte("x")}}); err == nil {
		t.Fatal("commit with an empty key succeeded")
	}
	m, err := s.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	if m.CommitLatency.Count != 0 || m.GroupTxs.Count != 0 || m.LastTx != 0 {
		t.Errorf("a failed commit was counted: %+v", m)
	}
}

func TestMetricsAfterClose(t *testing.T) {
	s := openAt(t, t.TempDir(), kv.Options{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Metrics(); !errors.Is(err, kv.ErrClosed) {
		t.Fatalf("Metrics after Close: got %v, want ErrClosed", err)
	}
}
