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
// every commit that writes the key removes the entry twice, under the
// shard's lock: before the commit is published (beginCommit: readers of
// a snapshot that includes it can only start after that) and after
// (endCommit). A reader may add an entry only if what it read from
// pebble is the newest version, which it knows when:
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
}

// latestEntry is a cached version; its slices are never modified.
type latestEntry struct {
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

func (c *latestCache) shard(prefix []byte) *latestShard {
	return &c.shards[maphash.Bytes(c.seed, prefix)%latestShards]
}

// get returns the newest version of the key with version prefix prefix
// if it is cached and no newer than snapshot.
func (c *latestCache) get(prefix, key []byte, snapshot uint64) (Version, bool) {
	sh := c.shard(prefix)
	sh.mu.Lock()
	e := sh.m[string(prefix)]
	sh.mu.Unlock()
	if e == nil || e.tx > snapshot {
		return Version{}, false
	}
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
	sh := c.shard(prefix)
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
	e := &latestEntry{tx: v.TxID, time: v.Time, index: v.Index, deleted: v.Deleted,
		value: append([]byte(nil), v.Value...)}
	if len(v.Metadata) > 0 {
		e.metadata = append([]byte(nil), v.Metadata...)
	}
	sh := c.shard(prefix)
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
}

func (e *latestEntry) size(keyLen int) int64 {
	return int64(keyLen+len(e.value)+len(e.metadata)) + latestEntryOverhead
}

// beginCommit is called for each key of a commit group after the group is
// durable and before it is published; endCommit after it is published.
func (c *latestCache) beginCommit(prefix []byte) { c.commitStep(prefix, 1) }
func (c *latestCache) endCommit(prefix []byte)   { c.commitStep(prefix, -1) }

func (c *latestCache) commitStep(prefix []byte, inflight int) {
	sh := c.shard(prefix)
	sh.mu.Lock()
	sh.epoch++
	sh.inflight += inflight
	if e, ok := sh.m[string(prefix)]; ok {
		delete(sh.m, string(prefix))
		sh.bytes -= e.size(len(prefix))
	}
	sh.mu.Unlock()
}

// commitGroup runs step over every key the group's transactions write.
func (c *latestCache) commitGroup(txs []*pendingTx, step func(prefix []byte)) {
	for _, p := range txs {
		start := 0
		for _, end := range p.keyEnds {
			step(p.versionKeys[start : end-8])
			start = end
		}
	}
}
