package kv_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/stela-db/stela/kv"
)

// TestLatestCacheUnderConcurrentCommits races point reads against
// commits of the same few keys and checks every read after the fact
// against the complete history: a read at snapshot S must return the
// newest version at or before S, whether the cache or pebble answered.
// Reads are at the last tx (where the cache answers) and at older
// snapshots; writes include deletes.
func TestLatestCacheUnderConcurrentCommits(t *testing.T) {
	s := openAt(t, t.TempDir(), kv.Options{LatestCacheSize: 1 << 20})
	defer s.Close()
	ctx := context.Background()
	const keys, writers, readers, commitsPerWriter = 8, 4, 4, 150

	type read struct {
		key      int
		snapshot uint64
		tx       uint64 // 0: not found
		value    string
	}
	var (
		mu      sync.Mutex
		history = map[int]map[uint64]string{} // key -> tx -> value ("" for a delete)
		reads   []read
		wg      sync.WaitGroup
		stop    = make(chan struct{})
	)
	for k := 0; k < keys; k++ {
		history[k] = map[uint64]string{}
	}
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for i := 0; i < commitsPerWriter; i++ {
				k := r.IntN(keys)
				val := fmt.Sprintf("w%d-%d", w, i)
				wr := kv.Write{Key: []byte("key" + strconv.Itoa(k)), Value: []byte(val)}
				if r.IntN(5) == 0 {
					wr.Delete, val = true, ""
				}
				c, err := s.Commit(ctx, []kv.Write{wr})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				history[k][c.TxID] = val
				mu.Unlock()
			}
		}(w)
	}
	var rwg sync.WaitGroup
	for rd := 0; rd < readers; rd++ {
		rwg.Add(1)
		go func(rd int) {
			defer rwg.Done()
			r := rand.New(rand.NewPCG(uint64(rd), 2))
			var mine []read
			defer func() {
				mu.Lock()
				reads = append(reads, mine...)
				mu.Unlock()
			}()
			for {
				select {
				case <-stop:
					return
				default:
				}
				last := s.LastTx()
				if last == 0 {
					continue
				}
				snap := last
				if r.IntN(4) == 0 {
					snap = 1 + r.Uint64N(last)
				}
				k := r.IntN(keys)
				v, err := s.GetAt([]byte("key"+strconv.Itoa(k)), snap)
				switch {
				case errors.Is(err, kv.ErrNotFound):
					mine = append(mine, read{key: k, snapshot: snap})
				case err != nil:
					t.Error(err)
					return
				default:
					mine = append(mine, read{key: k, snapshot: snap, tx: v.TxID, value: string(v.Value)})
				}
			}
		}(rd)
	}
	wg.Wait()
	close(stop)
	rwg.Wait()

	for _, rd := range reads {
		var want uint64
		for tx := range history[rd.key] {
			if tx <= rd.snapshot && tx > want {
				want = tx
			}
		}
		wantVal := history[rd.key][want]
		if want != 0 && wantVal == "" {
			want = 0 // deleted: not found
		}
		if rd.tx != want || rd.value != wantVal {
			t.Fatalf("key%d at %d: got tx %d %q, want tx %d %q", rd.key, rd.snapshot, rd.tx, rd.value, want, wantVal)
		}
	}
	if len(reads) < 1000 {
		t.Fatalf("only %d reads checked", len(reads))
	}
}

// TestLatestCacheBounded: a cache far smaller than the keys read stays
// within its bound and every read stays right.
func TestLatestCacheBounded(t *testing.T) {
	s := openAt(t, t.TempDir(), kv.Options{LatestCacheSize: 64 << 10})
	defer s.Close()
	commitN(t, s, 0, 2000)
	for round := 0; round < 2; round++ {
		checkN(t, s, 0, 2000)
	}
	if n := kv.LatestCacheBytes(s); n > 64<<10 || n == 0 {
		t.Fatalf("cache holds %d bytes, want some, at most %d", n, 64<<10)
	}
}

// TestLatestCacheCopiesButForLookupAt: a cached version is handed out
// without a copy only by LookupAt, whose callers do not modify it; GetAt's
// callers own what they get, and changing it changes no later read.
func TestLatestCacheCopiesButForLookupAt(t *testing.T) {
	s := openTest(t, kv.Options{})
	last := put(t, s, "k", "value")
	for i := 0; i < 2; i++ { // a fill, then a hit
		v, err := s.GetAt([]byte("k"), last)
		if err != nil || string(v.Value) != "value" {
			t.Fatalf("GetAt: %q, %v", v.Value, err)
		}
		copy(v.Value, "XXXXX")
		v.Key[0] = 'X'
	}
	key := []byte("k")
	v, found, err := s.LookupAt(key, last)
	if err != nil || !found || string(v.Value) != "value" || string(v.Key) != "k" {
		t.Fatalf("LookupAt after GetAt's caller changed its copies: %q=%q, %v, %v", v.Key, v.Value, found, err)
	}
	if allocs := testing.AllocsPerRun(100, func() { _, _, _ = s.LookupAt(key, last) }); allocs != 0 {
		t.Fatalf("LookupAt of a cached key made %.1f allocations, want 0", allocs)
	}
}
