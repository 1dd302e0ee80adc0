package kv

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
