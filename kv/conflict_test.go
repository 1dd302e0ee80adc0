package kv_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/stela-db/stela/kv"
)

func TestConflictOnWrittenKey(t *testing.T) {
	s := openTest(t, kv.Options{})
	ctx := context.Background()
	put(t, s, "k", "0")
	snap := s.LastTx()
	check := kv.CommitOptions{Snapshot: snap, Check: [][]byte{[]byte("k")}}
	if _, err := s.CommitWith(ctx, []kv.Write{{Key: []byte("k"), Value: []byte("a")}}, check); err != nil {
		t.Fatalf("first writer: %v", err)
	}
	before := s.LastTx()
	_, err := s.CommitWith(ctx, []kv.Write{{Key: []byte("k"), Value: []byte("b")}}, check)
	if !errors.Is(err, kv.ErrConflict) {
		t.Fatalf("second writer with the same snapshot: %v, want ErrConflict", err)
	}
	if s.LastTx() != before {
		t.Fatal("a conflicting transaction was written")
	}
	// A snapshot taken after the first write sees it: no conflict.
	if _, err := s.CommitWith(ctx, []kv.Write{{Key: []byte("k"), Value: []byte("c")}},
		kv.CommitOptions{Snapshot: s.LastTx(), Check: [][]byte{[]byte("k")}}); err != nil {
		t.Fatal(err)
	}
	// Deletes are writes too.
	snap = s.LastTx()
	del(t, s, "k")
	if _, err := s.CommitWith(ctx, []kv.Write{{Key: []byte("k"), Value: []byte("d")}},
		kv.CommitOptions{Snapshot: snap, Check: [][]byte{[]byte("k")}}); !errors.Is(err, kv.ErrConflict) {
		t.Fatalf("write after a concurrent delete: %v", err)
	}
	// Unconditional commits never conflict.
	put(t, s, "k", "e")
}

func TestConflictOnRange(t *testing.T) {
	s := openTest(t, kv.Options{})
	ctx := context.Background()
	put(t, s, "a", "1")
	snap := s.LastTx()
	put(t, s, "d", "x") // outside [b, c)
	opts := kv.CommitOptions{Snapshot: snap, Ranges: []kv.Range{{Start: []byte("b"), End: []byte("c")}}}
	if _, err := s.CommitWith(ctx, []kv.Write{{Key: []byte("z"), Value: []byte("1")}}, opts); err != nil {
		t.Fatalf("no write in the range: %v", err)
	}
	put(t, s, "b\x00x", "x") // inside [b, c)
	if _, err := s.CommitWith(ctx, []kv.Write{{Key: []byte("z"), Value: []byte("2")}}, opts); !errors.Is(err, kv.ErrConflict) {
		t.Fatalf("write in the range after the snapshot: %v", err)
	}
}

// TestNoLostUpdates: concurrent read-modify-write increments of one
// counter, each retried on conflict; no increment may be lost, and
// transactions committed in the same group must conflict with each other.
func TestNoLostUpdates(t *testing.T) {
	s := openTest(t, kv.Options{})
	ctx := context.Background()
	put(t, s, "counter", "0")
	const workers, each = 8, 40
	var wg sync.WaitGroup
	var conflicts sync.Map
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				for attempt := 0; ; attempt++ {
					snap := s.LastTx()
					v, err := s.GetAt([]byte("counter"), snap)
					if err != nil {
						t.Error(err)
						return
					}
					n, _ := strconv.Atoi(string(v.Value))
					_, err = s.CommitWith(ctx, []kv.Write{{Key: []byte("counter"), Value: []byte(strconv.Itoa(n + 1))}},
						kv.CommitOptions{Snapshot: snap, Check: [][]byte{[]byte("counter")}})
					if err == nil {
						break
					}
					if !errors.Is(err, kv.ErrConflict) {
						t.Error(err)
						return
					}
					conflicts.Store(fmt.Sprint(w, i, attempt), true)
				}
			}
		}(w)
	}
	wg.Wait()
	v, err := s.Get([]byte("counter"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(v.Value), strconv.Itoa(workers*each); got != want {
		t.Fatalf("counter = %s, want %s: updates were lost", got, want)
	}
	n := 0
	conflicts.Range(func(any, any) bool { n++; return true })
	t.Logf("%d conflicts retried", n)
}

// A transaction that read the empty log (snapshot 0) conflicts with any
// write of its keys.
func TestConflictFromEmptyLog(t *testing.T) {
	s := openTest(t, kv.Options{})
	ctx := context.Background()
	opts := kv.CommitOptions{Snapshot: 0, Check: [][]byte{[]byte("k")}}
	if _, err := s.CommitWith(ctx, []kv.Write{{Key: []byte("k"), Value: []byte("a")}}, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CommitWith(ctx, []kv.Write{{Key: []byte("k"), Value: []byte("b")}}, opts); !errors.Is(err, kv.ErrConflict) {
		t.Fatalf("second insert from the empty snapshot: %v, want ErrConflict", err)
	}
}

// CheckWrites checks every written key, read from the commit's own
// encoding of the keys, as a Check list of them would.
func TestConflictOnCheckWrites(t *testing.T) {
	s := openTest(t, kv.Options{})
	ctx := context.Background()
	put(t, s, "k0500", "0")
	snap := s.LastTx()
	put(t, s, "k0500", "1")
	writes := func(n int, v string) []kv.Write {
		w := make([]kv.Write, n)
		for i := range w {
			w[i] = kv.Write{Key: []byte(fmt.Sprintf("k%04d", i)), Value: []byte(v)}
		}
		return w
	}
	before := s.LastTx()
	if _, err := s.CommitWith(ctx, writes(1000, "a"), kv.CommitOptions{Snapshot: snap, CheckWrites: true}); !errors.Is(err, kv.ErrConflict) {
		t.Fatalf("a write of a key changed since the snapshot: %v, want ErrConflict", err)
	}
	if s.LastTx() != before {
		t.Fatal("a conflicting transaction was written")
	}
	// Keys not written are not checked.
	if _, err := s.CommitWith(ctx, writes(500, "b"), kv.CommitOptions{Snapshot: snap, CheckWrites: true}); err != nil {
		t.Fatalf("no written key changed: %v", err)
	}
	// A transaction large enough not to be pooled lets its buffers go
	// as the commit goes (txpool.go); its writes and the next commits are
	// whole.
	if _, err := s.CommitWith(ctx, writes(200_000, "c"), kv.CommitOptions{Snapshot: s.LastTx(), CheckWrites: true}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"k0000", "k0500", "k199999"} {
		if v, err := s.Get([]byte(k)); err != nil || string(v.Value) != "c" {
			t.Fatalf("%s = %q, %v after the large commit, want c", k, v.Value, err)
		}
	}
	snap = s.LastTx()
	put(t, s, "k0001", "d")
	if _, err := s.CommitWith(ctx, writes(2, "e"), kv.CommitOptions{Snapshot: snap, CheckWrites: true}); !errors.Is(err, kv.ErrConflict) {
		t.Fatalf("after the large commit: %v, want ErrConflict", err)
	}
}
