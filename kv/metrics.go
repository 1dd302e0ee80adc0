package kv

import (
	"sync/atomic"
	"time"

	"github.com/stela-db/stela/internal/metric"
)

// commitStats counts what the commit path does, for operators: updated
// with atomic adds only, so that counting costs a commit no allocation and
// no lock. server/metrics exports them (kv does not know Prometheus).
type commitStats struct {
	// latency is the time each successful Commit took, from the call to
	// the acknowledgement (preparation, queueing, group build and sync).
	latency *metric.Histogram
	// groupTxs is the number of transactions of each synced batch: 1
	// when commits come one at a time, more when group commit shares a
	// sync among concurrent committers.
	groupTxs *metric.Histogram
	// entries counts the entries of the transactions committed since the
	// store opened.
	entries atomic.Uint64
}

func newCommitStats() commitStats {
	return commitStats{
		latency:  metric.NewHistogram(&metric.DurationBuckets),
		groupTxs: metric.NewHistogram(&metric.CountBuckets),
	}
}

// Metrics is a store's state for monitoring.
type Metrics struct {
	// LastTx is the id of the last committed transaction (the log's size).
	LastTx uint64
	// DiskBytes is the space the store's files take (DiskSpaceUsage).
	DiskBytes uint64
	// EntriesCommitted counts the entries written since the store opened:
	// the total over the whole log would need a pass over every header,
	// so it is a counter that starts at 0 with the process.
	EntriesCommitted uint64
	// CommitLatency and GroupTxs are the histograms of commitStats, since
	// the store opened.
	CommitLatency metric.Snapshot
	GroupTxs      metric.Snapshot
	// LatestCacheHits and LatestCacheMisses count point reads answered by
	// the cache of newest versions and those that went to pebble, since
	// the store opened; LatestCacheBytes is what the cache holds
	// (latestcache.go). All 0 when the cache is off.
	LatestCacheHits, LatestCacheMisses uint64
	LatestCacheBytes                   int64
}

// Metrics reads the store's counters and asks pebble for its disk usage.
// It fails with ErrClosed after Close.
func (s *Store) Metrics() (Metrics, error) {
	if err := s.refs.acquire(); err != nil {
		return Metrics{}, err
	}
	defer s.refs.release()
	m := Metrics{
		LastTx:           s.LastTx(),
		DiskBytes:        s.DiskSpaceUsage(),
		EntriesCommitted: s.stats.entries.Load(),
		CommitLatency:    s.stats.latency.Snapshot(),
		GroupTxs:         s.stats.groupTxs.Snapshot(),
	}
	if s.latest != nil {
		m.LatestCacheHits, m.LatestCacheMisses, m.LatestCacheBytes = s.latest.stats()
	}
	return m, nil
}

// observeCommit counts a successful Commit that began at start.
func (s *Store) observeCommit(start time.Time) {
	s.stats.latency.ObserveDuration(time.Since(start))
}

// observeGroup counts a synced group.
func (s *Store) observeGroup(g *builtGroup) {
	s.stats.groupTxs.Observe(uint64(len(g.txs)))
	var n uint64
	for _, p := range g.txs {
		n += uint64(p.entries)
	}
	s.stats.entries.Add(n)
}
