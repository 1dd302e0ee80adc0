package engine

import "testing"

// estimateDistinct follows analyze.c: unique when nothing repeats, the
// sample's count when everything does, Haas-Stokes in between, and a
// negative fraction past a tenth of the rows.
func TestEstimateDistinct(t *testing.T) {
	for _, c := range []struct {
		name   string
		counts map[string]int
		rows   int64
		null   float64
		want   float64
	}{
		{"all unique", map[string]int{"a": 1, "b": 1, "c": 1}, 1000, 0.25, -0.75},
		{"all repeated", map[string]int{"a": 3, "b": 2}, 1000, 0, 2},
		// n=8, d=5, f1=3: 8*5 / ((8-3) + 3*8/1000) = 7.96
		{"haas-stokes", map[string]int{"a": 3, "b": 2, "c": 1, "d": 1, "e": 1}, 1000, 0, 8},
		// the same sample of a 50-row table: 8*5 / (5 + 3*8/50) = 7.30,
		// more than a tenth of the rows: stored as -7/50
		{"a fraction of the rows", map[string]int{"a": 3, "b": 2, "c": 1, "d": 1, "e": 1}, 50, 0, -0.14},
	} {
		n := 0
		for _, k := range c.counts {
			n += k
		}
		if got := estimateDistinct(c.counts, n, c.rows, c.null); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
