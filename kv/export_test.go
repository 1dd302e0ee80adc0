package kv

import "time"

// Test-only access to unexported knobs.

// SetUnsafeNoSync makes commits skip fsync (benchmark set-up only).
func (o *Options) SetUnsafeNoSync() { o.unsafeNoSync = true }

// LatestCacheBytes returns the bytes the cache of newest versions holds.
func LatestCacheBytes(s *Store) int64 {
	var n int64
	for i := range s.latest.shards {
		sh := &s.latest.shards[i]
		sh.mu.Lock()
		n += sh.bytes
		sh.mu.Unlock()
	}
	return n
}

// SetFlushGiveUp sets how long flushes must fail before kv's own give up
// (flush.go), returning a function that restores it.
func SetFlushGiveUp(d time.Duration) (restore func()) {
	old := flushGiveUp
	flushGiveUp = d
	return func() { flushGiveUp = old }
}

// Flush flushes the store's memtables into tables and waits for it.
func Flush(s *Store) error { return s.flush() }
