package kv

import (
	"fmt"
	"testing"
)

// TestLatestFilterCoversEntries: through many fills with evictions (and so
// filter rebuilds), every cached key keeps its filter bit, so a commit of
// any cached key finds and removes it.
func TestLatestFilterCoversEntries(t *testing.T) {
	c := newLatestCache(latestShards * 16 << 10) // 16 KiB a shard
	// Enough keys a shard to fill a quarter of its filter many times.
	const n = 2_000_000
	prefix := func(i int) []byte { return versionPrefix([]byte(fmt.Sprintf("key%07d", i))) }
	check := func(sh *latestShard) {
		t.Helper()
		for h := range sh.m {
			if w, mask := filterBit(h); sh.filter[w]&mask == 0 {
				t.Fatalf("a shard holds a key whose filter bit is clear (after %d rebuilds)", sh.rebuilds)
			}
		}
	}
	for i := 0; i < n; i++ {
		p := prefix(i)
		sh, _ := c.shard(p)
		before := sh.rebuilds
		c.fill(p, c.epoch(p), &Version{TxID: 1, Value: []byte("v")})
		if sh.rebuilds != before {
			check(sh) // right after a rebuild
		}
	}
	rebuilt, cached := 0, 0
	for i := range c.shards {
		sh := &c.shards[i]
		cached += len(sh.m)
		if sh.rebuilds > 0 {
			rebuilt++
		}
		check(sh)
	}
	if rebuilt < latestShards || cached == 0 {
		t.Fatalf("%d shards rebuilt their filter, %d keys cached: the test does not exercise eviction", rebuilt, cached)
	}
	for i := 0; i < n; i++ {
		c.beginCommit(prefix(i))
		c.endCommit(prefix(i))
	}
	for i := range c.shards {
		if sh := &c.shards[i]; len(sh.m) != 0 || sh.bytes != 0 || sh.inflight != 0 {
			t.Fatalf("shard %d after every key was committed: %d keys, %d bytes, %d in flight", i, len(sh.m), sh.bytes, sh.inflight)
		}
	}
}

// TestLatestCacheComparesThePrefix: the shard's map is keyed by hash, so
// an entry found under a prefix's hash answers only if it is that
// prefix's (another prefix with the same hash may hold the slot).
func TestLatestCacheComparesThePrefix(t *testing.T) {
	c := newLatestCache(1 << 20)
	a, b := versionPrefix([]byte("a")), versionPrefix([]byte("b"))
	c.fill(b, c.epoch(b), &Version{TxID: 1, Value: []byte("b's value")})
	sha, ha := c.shard(a)
	shb, hb := c.shard(b)
	// Move b's entry to a's slot, as a collision of their hashes would.
	e := shb.m[hb]
	delete(shb.m, hb)
	if sha.m == nil {
		sha.m = make(map[uint64]latestEntry)
	}
	sha.m[ha] = e
	if v, ok := c.get(a, []byte("a"), 1, true); ok {
		t.Fatalf("a read of a was answered with the entry of b: %q", v.Value)
	}
}
