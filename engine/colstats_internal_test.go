package engine

import (
	"math"
	"slices"
	"testing"

	"github.com/stela-db/stela/sql/types"
)

// estimateDistinct follows analyze.c: unique when nothing repeats, the
// sample's count when everything does, Haas-Stokes in between, and a
// negative fraction past a tenth of the rows.
func TestEstimateDistinct(t *testing.T) {
	for _, c := range []struct {
		name   string
		counts sampleCounts
		rows   int64
		null   float64
		want   float64
	}{
		{"all unique", sampleCounts{n: 3, distinct: 3}, 1000, 0.25, -0.75},
		{"all repeated", sampleCounts{n: 5, distinct: 2, multiple: 2}, 1000, 0, 2},
		// a:3 b:2 c d e; n=8, d=5, f1=3: 8*5 / ((8-3) + 3*8/1000) = 7.96
		{"haas-stokes", sampleCounts{n: 8, distinct: 5, multiple: 2}, 1000, 0, 8},
		// the same sample of a 50-row table: 8*5 / (5 + 3*8/50) = 7.30,
		// more than a tenth of the rows: stored as -7/50
		{"a fraction of the rows", sampleCounts{n: 8, distinct: 5, multiple: 2}, 50, 0, -0.14},
		// a:3 b:2 and one too-wide value: f1=1, d=3, n=6:
		// 6*3 / (5 + 6/1000) = 3.6 -> 4
		{"too wide counts as distinct", sampleCounts{n: 5, distinct: 2, multiple: 2, tooWide: 1}, 1000, 0, 4},
	} {
		if got := estimateDistinct(c.counts, c.rows, c.null); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// ints returns the sample of one int column holding vals in scan order.
func ints(vals ...int64) []sampledValue {
	out := make([]sampledValue, len(vals))
	for i, v := range vals {
		out[i] = sampledValue{v: v, pos: i}
	}
	return out
}

func datums(vals ...int64) []types.Datum {
	out := make([]types.Datum, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}

// A whole-table sample whose values all repeat keeps them all as most
// common values, most frequent first and ties in order, and has no
// histogram.
func TestScalarStatsCompleteMCV(t *testing.T) {
	var s ColumnStats
	vals := ints(3, 1, 2, 3, 1, 3, 2, 1, 3, 4, 4)
	scalarStats(types.Int4, &s, vals, 0, 11, 11)
	if s.NDistinct != -4.0/11 {
		t.Errorf("n_distinct %v, want %v", s.NDistinct, -4.0/11)
	}
	if !slices.Equal(s.MCV, datums(3, 1, 2, 4)) {
		t.Errorf("mcv %v", s.MCV)
	}
	if want := []float64{4.0 / 11, 3.0 / 11, 2.0 / 11, 2.0 / 11}; !slices.Equal(s.MCVFreqs, want) {
		t.Errorf("freqs %v, want %v", s.MCVFreqs, want)
	}
	if s.Histogram != nil {
		t.Errorf("histogram %v, want none", s.Histogram)
	}
}

// Distinct values make a histogram of statsTarget+1 bounds, the first
// and last the smallest and largest; values in scan order correlate 1,
// in reverse order -1.
func TestScalarStatsHistogramAndCorrelation(t *testing.T) {
	var up, down []int64
	for i := range int64(1000) {
		up = append(up, i)
		down = append(down, 999-i)
	}
	var s ColumnStats
	scalarStats(types.Int8, &s, ints(up...), 0, 1000, 1000)
	if s.MCV != nil || len(s.Histogram) != statsTarget+1 {
		t.Fatalf("mcv %v, %d bounds", s.MCV, len(s.Histogram))
	}
	// bound i is value i*999/100
	for _, i := range []int{0, 1, 50, 99, 100} {
		if want := int64(i * 999 / 100); s.Histogram[i] != want {
			t.Errorf("bound %d: %v, want %d", i, s.Histogram[i], want)
		}
	}
	if !s.HasCorrelation || math.Abs(s.Correlation-1) > 1e-9 {
		t.Errorf("correlation %v, want 1", s.Correlation)
	}
	var r ColumnStats
	scalarStats(types.Int8, &r, ints(down...), 0, 1000, 1000)
	if math.Abs(r.Correlation+1) > 1e-9 {
		t.Errorf("reversed: correlation %v, want -1", r.Correlation)
	}
}

// A value much more common than the rest is kept and taken out of the
// histogram; values about as common as the rest are dropped from the
// list (a sample of a larger table).
func TestScalarStatsMCVAndHistogram(t *testing.T) {
	var vals []int64
	for i := range int64(3000) {
		vals = append(vals, 7) // a tenth of the sample
		for j := range int64(9) {
			vals = append(vals, 100+(i*9+j)%9000) // 9000 values, 3 times each
		}
	}
	var s ColumnStats
	scalarStats(types.Int8, &s, ints(vals...), 0, len(vals), 1_000_000)
	if !slices.Equal(s.MCV, datums(7)) || s.MCVFreqs[0] != 0.1 {
		t.Errorf("mcv %v %v, want [7] [0.1]", s.MCV, s.MCVFreqs)
	}
	if len(s.Histogram) != statsTarget+1 || s.Histogram[0] != int64(100) || s.Histogram[statsTarget] != int64(9099) {
		t.Errorf("histogram of %d bounds from %v to %v", len(s.Histogram), s.Histogram[0], s.Histogram[len(s.Histogram)-1])
	}
}
