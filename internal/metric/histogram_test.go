package metric

import (
	"testing"
	"time"
)

func TestHistogramBuckets(t *testing.T) {
	h := NewHistogram(&Buckets{Upper: []uint64{1, 10, 100}, Scale: 0.5})
	for _, v := range []uint64{0, 1, 2, 10, 11, 100, 101, 5000} {
		h.Observe(v)
	}
	s := h.Snapshot()
	wantUpper := []float64{0.5, 5, 50}
	wantCum := []uint64{2, 4, 6}
	for i := range wantUpper {
		if s.Upper[i] != wantUpper[i] || s.Cumulative[i] != wantCum[i] {
			t.Fatalf("bucket %d: got <=%v: %d, want <=%v: %d", i, s.Upper[i], s.Cumulative[i], wantUpper[i], wantCum[i])
		}
	}
	if s.Count != 8 {
		t.Fatalf("count: got %d, want 8", s.Count)
	}
	if want := float64(0+1+2+10+11+100+101+5000) * 0.5; s.Sum != want {
		t.Fatalf("sum: got %v, want %v", s.Sum, want)
	}
}

func TestHistogramDuration(t *testing.T) {
	h := NewHistogram(&DurationBuckets)
	h.ObserveDuration(-time.Second) // a clock step back counts as 0
	h.ObserveDuration(3 * time.Millisecond)
	s := h.Snapshot()
	if s.Cumulative[0] != 1 || s.Count != 2 {
		t.Fatalf("got first bucket %d, count %d; want 1, 2", s.Cumulative[0], s.Count)
	}
	if s.Sum != 0.003 {
		t.Fatalf("sum: got %v s, want 0.003", s.Sum)
	}
}

func TestBucketsFit(t *testing.T) {
	for _, b := range []Buckets{DurationBuckets, CountBuckets} {
		if len(b.Upper) > maxBuckets {
			t.Fatalf("%d buckets; at most %d fit", len(b.Upper), maxBuckets)
		}
		for i := 1; i < len(b.Upper); i++ {
			if b.Upper[i] <= b.Upper[i-1] {
				t.Fatalf("bounds not increasing at %d: %v", i, b.Upper)
			}
		}
	}
}

func TestObserveDoesNotAllocate(t *testing.T) {
	h := NewHistogram(&DurationBuckets)
	if n := testing.AllocsPerRun(100, func() { h.ObserveDuration(time.Millisecond) }); n != 0 {
		t.Fatalf("Observe allocates %v times", n)
	}
}
