package metric

import (
	"sync/atomic"
	"time"
)

// maxBuckets bounds the buckets of a Histogram, so that its counts are an
// array inside it (one allocation per histogram, none per observation).
const maxBuckets = 20

// Buckets are the upper bounds of a histogram's buckets, in the unit of
// the observations, strictly increasing; an implicit last bucket holds
// everything above. Scale converts the unit for export (1e-9: nanoseconds
// to seconds).
type Buckets struct {
	Upper []uint64
	Scale float64
}

// DurationBuckets suit latencies observed in nanoseconds and exported in
// seconds: 50 µs to 10 s, about 2.5x apart, the span of a point query
// through a large fsync-bound commit group.
var DurationBuckets = Buckets{
	Upper: []uint64{
		uint64(50 * time.Microsecond), uint64(100 * time.Microsecond), uint64(250 * time.Microsecond),
		uint64(500 * time.Microsecond), uint64(time.Millisecond), uint64(2500 * time.Microsecond),
		uint64(5 * time.Millisecond), uint64(10 * time.Millisecond), uint64(25 * time.Millisecond),
		uint64(50 * time.Millisecond), uint64(100 * time.Millisecond), uint64(250 * time.Millisecond),
		uint64(500 * time.Millisecond), uint64(time.Second), uint64(2500 * time.Millisecond),
		uint64(10 * time.Second),
	},
	Scale: 1e-9,
}

// CountBuckets suit small counts, powers of two from 1 to 4096 (the
// largest commit group, kv's maxGroupTxs).
var CountBuckets = Buckets{
	Upper: []uint64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096},
	Scale: 1,
}

// Histogram counts observations in fixed buckets. It is safe for
// concurrent use; Observe neither allocates nor locks.
type Histogram struct {
	buckets *Buckets
	counts  [maxBuckets + 1]atomic.Uint64 // counts[len(Upper)] is +Inf
	sum     atomic.Uint64                 // in the observations' unit
}

// NewHistogram returns an empty histogram over b, which must not change
// afterwards.
func NewHistogram(b *Buckets) *Histogram {
	if len(b.Upper) > maxBuckets {
		panic("metric: too many buckets")
	}
	return &Histogram{buckets: b}
}

// Observe counts v.
func (h *Histogram) Observe(v uint64) {
	// A linear scan: with 20 buckets at most it beats a binary search, and
	// the small values, the common ones, are found first.
	i := 0
	for i < len(h.buckets.Upper) && v > h.buckets.Upper[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sum.Add(v)
}

// ObserveDuration counts d in nanoseconds (negative counts as 0).
func (h *Histogram) ObserveDuration(d time.Duration) { h.Observe(uint64(max(d, 0))) }

// Snapshot is a histogram's state, scaled for export.
type Snapshot struct {
	// Upper are the buckets' scaled upper bounds and Cumulative the
	// number of observations <= each, as Prometheus counts them.
	Upper      []float64
	Cumulative []uint64
	// Count is the number of observations and Sum their scaled total.
	Count uint64
	Sum   float64
}

// Snapshot reads the histogram. Observations that race with it may be in
// some buckets and not yet in Sum; Count is always the buckets' total.
func (h *Histogram) Snapshot() Snapshot {
	n := len(h.buckets.Upper)
	s := Snapshot{Upper: make([]float64, n), Cumulative: make([]uint64, n)}
	for i, u := range h.buckets.Upper {
		s.Count += h.counts[i].Load()
		s.Upper[i] = float64(u) * h.buckets.Scale
		s.Cumulative[i] = s.Count
	}
	s.Count += h.counts[n].Load()
	s.Sum = float64(h.sum.Load()) * h.buckets.Scale
	return s
}
