package kv

import (
	"hash/maphash"
	"sync"
)

// latestCache holds the newest version of recently read keys, so that a
// point read at a current snapshot (a primary-key lookup) is a map lookup
// instead of a pebble seek through the memtables and every level's
// filters, which was a fifth of a point SELECT's server time.
//
// Exactness. An entry says "v is the newest version of the key"; for a
// read at snapshot S it answers when v.TxID <= S. It stays right because
// every commit that writes the key removes the entry, under the shard's
// lock, before the commit is published (beginCommit: readers of a
// snapshot that includes it can only start after that), and the shard
// counts it in flight until after (endCommit). A reader may add an entry
// only if what it read from pebble is the newest version, which it knows
// when:
//
//  1. its snapshot S is at least the last published tx L, read after the
//     shard's epoch E0 was noted; and
//  2. when it adds the entry, the shard's epoch is still E0 and no commit
//     that writes the shard is between its two steps (inflight == 0).
//
// By 2, every commit writing the key either ended (endCommit) before E0
// was noted, so it was published before L was read and S includes it, or
// it began after the entry was added and removes it. Older snapshots (AS
// OF reads) and entries newer than the snapshot fall through to pebble.
//
// Commits pay for this on every key they write, cached or not (a COPY
// writes thousands): a map lookup in a large map is a cache miss or two,
// so each shard keeps a bitmap of the hashes it may hold, and a written
// key whose bit is clear is not looked up. Bits are set by fills and
// cleared only when the bitmap is rebuilt from the map, once evictions
// have left it too full to be of use.
type latestCache struct {
	seed      maphash.Seed
	shards    [latestShards]latestShard
	shardSize int64 // bytes per shard
}

const latestShards = 64

// latestEntryOverhead approximates an entry's memory besides its bytes:
// the map slot, the key's string header and the struct.
const latestEntryOverhead = 96

type latestShard struct {
	mu       sync.Mutex
	epoch    uint64 // bumped by every beginCommit and endCommit
	inflight int    // commits between beginCommit and endCommit
	m        map[string]*latestEntry
	bytes    int64
	// filter has the bit of every key in m set, and of some evicted
	// ones; set counts its set bits.
	filter   [latestFilterWords]uint64
	set      int
	rebuilds int // for tests
	// hits and misses count get's answers (Store.Metrics), under mu.
	hits, misses uint64
}

// latestFilterWords sizes each shard's bitmap: 65,536 bits in 8 KiB.
const latestFilterWords = 1024

// latestEntry is a cached version; its slices are never modified.
type latestEntry struct {
	hash     uint64
	tx       uint64
	time     int64
	index    uint32
	deleted  bool
	value    []byte
	metadata []byte
}

func newLatestCache(size int64) *latestCache {
	return &latestCache{seed: maphash.MakeSeed(), shardSize: size / latestShards}
}

// shard returns the shard of the key with version prefix prefix, and the
// prefix's hash.
func (c *latestCache) shard(prefix []byte) (*latestShard, uint64) {
	h := maphash.Bytes(c.seed, prefix)
	return &c.shards[h%latestShards], h
}

// filterBit locates hash h's bit: the bits above those choosing the shard.
func filterBit(h uint64) (word int, mask uint64) {
	b := (h / latestShards) % (latestFilterWords * 64)
	return int(b / 64), 1 << (b % 64)
}

// get returns the newest version of the key with version prefix prefix
// if it is cached and no newer than snapshot.
func (c *latestCache) get(prefix, key []byte, snapshot uint64) (Version, bool) {
	sh, _ := c.shard(prefix)
	sh.mu.Lock()
	e := sh.m[string(prefix)]
	if e == nil || e.tx > snapshot {
		sh.misses++
		sh.mu.Unlock()
		return Version{}, false
	}
	sh.hits++
	sh.mu.Unlock()
	// Callers own what they are given, as with a read from pebble.
	v := Version{Key: append([]byte(nil), key...), TxID: e.tx, Time: e.time, Index: e.index, Deleted: e.deleted}
	if e.metadata != nil {
		v.Metadata = append([]byte(nil), e.metadata...)
	}
	if !e.deleted {
		v.Value = append(make([]byte, 0, len(e.value)), e.value...)
	}
	return v, true
}

// epoch notes the shard's epoch before a read that may fill the cache
// (step 1 above).
func (c *latestCache) epoch(prefix []byte) uint64 {
	sh, _ := c.shard(prefix)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.epoch
}

// fill adds v, read from pebble, as the newest version of prefix's key if
// the shard saw no commit since epoch e0 was noted (step 2 above).
func (c *latestCache) fill(prefix []byte, e0 uint64, v *Version) {
	size := int64(len(prefix)+len(v.Value)+len(v.Metadata)) + latestEntryOverhead
	if size > c.shardSize/8 {
		return // a few large values would push out everything else
	}
	sh, h := c.shard(prefix)
	e := &latestEntry{hash: h, tx: v.TxID, time: v.Time, index: v.Index, deleted: v.Deleted,
		value: append([]byte(nil), v.Value...)}
	if len(v.Metadata) > 0 {
		e.metadata = append([]byte(nil), v.Metadata...)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.epoch != e0 || sh.inflight != 0 {
		return
	}
	if sh.m == nil {
		sh.m = make(map[string]*latestEntry)
	}
	if old, ok := sh.m[string(prefix)]; ok {
		sh.bytes -= old.size(len(prefix))
	}
	// Evict in the map's random order: cheap, and fair enough for a
	// cache whose misses cost one seek.
	for k, old := range sh.m {
		if sh.bytes+size <= c.shardSize {
			break
		}
		delete(sh.m, k)
		sh.bytes -= old.size(len(k))
	}
	sh.m[string(prefix)] = e
	sh.bytes += size
	w, mask := filterBit(h)
	if sh.filter[w]&mask == 0 {
		sh.filter[w] |= mask
		sh.set++
		if sh.set > latestFilterWords*64/4 && sh.set > 2*len(sh.m) {
			sh.rebuildFilter()
		}
	}
}

// rebuildFilter clears the bits of evicted keys.
func (sh *latestShard) rebuildFilter() {
	sh.filter = [latestFilterWords]uint64{}
	sh.set = 0
	sh.rebuilds++
	for _, e := range sh.m {
		w, mask := filterBit(e.hash)
		if sh.filter[w]&mask == 0 {
			sh.filter[w] |= mask
			sh.set++
		}
	}
}

func (e *latestEntry) size(keyLen int) int64 {
	return int64(keyLen+len(e.value)+len(e.metadata)) + latestEntryOverhead
}

// beginCommit is called for each key of a commit group after the group is
// durable and before it is published: it removes the key's entry and
// counts the commit in flight, so that no fill succeeds until endCommit,
// called after the group is published.
func (c *latestCache) beginCommit(prefix []byte) {
	sh, h := c.shard(prefix)
	sh.mu.Lock()
	sh.epoch++
	sh.inflight++
	if w, mask := filterBit(h); sh.filter[w]&mask != 0 {
		if e, ok := sh.m[string(prefix)]; ok {
			delete(sh.m, string(prefix))
			sh.bytes -= e.size(len(prefix))
		}
	}
	sh.mu.Unlock()
}

func (c *latestCache) endCommit(prefix []byte) {
	sh, _ := c.shard(prefix)
	sh.mu.Lock()
	sh.epoch++
	sh.inflight--
	sh.mu.Unlock()
}

// commitGroup runs step over every key the group's transactions write.
func (c *latestCache) commitGroup(txs []*pendingTx, step func(prefix []byte)) {
	for _, p := range txs {
		p.eachWrittenPrefix(func(start, end int) { step(p.versionKeys[start:end]) })
	}
}

// stats sums the shards' counters and sizes.
func (c *latestCache) stats() (hits, misses uint64, bytes int64) {
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		hits += sh.hits
		misses += sh.misses
		bytes += sh.bytes
		sh.mu.Unlock()
	}
	return hits, misses, bytes
}
