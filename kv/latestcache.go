package kv

import (
	"bytes"
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
// the map's slot, which holds the entry.
const latestEntryOverhead = 80

type latestShard struct {
	mu       sync.Mutex
	epoch    uint64 // bumped by every beginCommit and endCommit
	inflight int    // commits between beginCommit and endCommit
	// m maps the hash of a version prefix to the entry of that prefix.
	// Entries are held by value and keyed by hash, so that a lookup
	// touches the map's slot and the entry's bytes, and no string or
	// struct between: at 100,000 keys each is a cache miss. Two prefixes
	// with one hash share a slot: a fill replaces the other's entry, a
	// commit removes it, get compares the prefix.
	m     map[uint64]latestEntry
	bytes int64
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

// latestEntry is a cached version. data holds the version prefix, the
// value and the metadata, in that order, and is never modified: get
// hands out parts of it.
type latestEntry struct {
	tx      uint64
	time    int64
	index   uint32
	prefixN uint32
	valueN  uint32
	deleted bool
	data    []byte
}

func (e *latestEntry) prefix() []byte { return e.data[:e.prefixN] }

func (e *latestEntry) value() []byte {
	if e.deleted {
		return nil
	}
	return e.data[e.prefixN : e.prefixN+e.valueN : e.prefixN+e.valueN]
}

func (e *latestEntry) metadata() []byte {
	if int(e.prefixN+e.valueN) == len(e.data) {
		return nil
	}
	return e.data[e.prefixN+e.valueN:]
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

// get returns the newest version of key, whose version prefix is
// prefix, if it is cached and no newer than snapshot. With shared, the
// version's Key is key and its Value and Metadata are the cache's own,
// which the caller must not modify; otherwise all three are copies.
func (c *latestCache) get(prefix, key []byte, snapshot uint64, shared bool) (Version, bool) {
	sh, h := c.shard(prefix)
	sh.mu.Lock()
	e, ok := sh.m[h]
	if !ok || e.tx > snapshot || !bytes.Equal(e.prefix(), prefix) {
		sh.misses++
		sh.mu.Unlock()
		return Version{}, false
	}
	sh.hits++
	sh.mu.Unlock()
	v := Version{Key: key, Value: e.value(), Metadata: e.metadata(), TxID: e.tx, Time: e.time, Index: e.index, Deleted: e.deleted}
	if !shared {
		v.Key = append([]byte(nil), key...)
		if v.Metadata != nil {
			v.Metadata = append([]byte(nil), v.Metadata...)
		}
		if v.Value != nil {
			v.Value = append(make([]byte, 0, len(v.Value)), v.Value...)
		}
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
	data := make([]byte, 0, len(prefix)+len(v.Value)+len(v.Metadata))
	data = append(append(append(data, prefix...), v.Value...), v.Metadata...)
	e := latestEntry{tx: v.TxID, time: v.Time, index: v.Index, deleted: v.Deleted,
		prefixN: uint32(len(prefix)), valueN: uint32(len(v.Value)), data: data}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.epoch != e0 || sh.inflight != 0 {
		return
	}
	if sh.m == nil {
		sh.m = make(map[uint64]latestEntry)
	}
	if old, ok := sh.m[h]; ok {
		sh.bytes -= old.size()
	}
	// Evict in the map's random order: cheap, and fair enough for a
	// cache whose misses cost one seek.
	for k, old := range sh.m {
		if sh.bytes+size <= c.shardSize {
			break
		}
		delete(sh.m, k)
		sh.bytes -= old.size()
	}
	sh.m[h] = e
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
	for h := range sh.m {
		w, mask := filterBit(h)
		if sh.filter[w]&mask == 0 {
			sh.filter[w] |= mask
			sh.set++
		}
	}
}

func (e *latestEntry) size() int64 {
	return int64(len(e.data)) + latestEntryOverhead
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
		if e, ok := sh.m[h]; ok {
			delete(sh.m, h)
			sh.bytes -= e.size()
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
