package engine

import (
	"math"
	"slices"

	"github.com/stela-db/stela/sql/types"
)

// The statistics of an ordered column, as analyze.c's
// compute_scalar_stats makes them from the sorted sample:
//   - the most common values: those seen more than once, most frequent
//     first, up to statsTarget of them; all of them when they are every
//     value the column has, otherwise only those significantly more
//     common than the rest (analyze_mcv_list);
//   - a histogram of what is left once they are taken out: statsTarget+1
//     bounds (fewer when fewer values are distinct), the i-th being the
//     value at position i*(n-1)/(bounds-1) of the n sorted values, so
//     each bin holds as many sampled rows;
//   - the correlation between the sorted order and the scan's order.

// sampledValue is a non-null sampled value and its position among them
// in scan order.
type sampledValue struct {
	v   types.Datum
	pos int
}

// mcvCandidate is a value seen more than once: how often, and where its
// run starts in the sorted values.
type mcvCandidate struct{ count, first int }

// scalarStats fills s's distinct count, most common values, histogram
// and correlation from values (the non-null values short enough to
// sort, in scan order), given the values left out as too wide, the
// sample's size (NULLs included) and the table's rows.
func scalarStats(t *types.T, s *ColumnStats, values []sampledValue, tooWide, sampleRows int, totalRows int64) {
	slices.SortFunc(values, func(a, b sampledValue) int {
		if c := types.Compare(t, a.v, b.v); c != 0 {
			return c
		}
		return a.pos - b.pos
	})

	// One pass over the runs of equal values: count them, keep the most
	// frequent repeated ones (ties in sorted order), and sum x*y for the
	// correlation.
	counts := sampleCounts{n: len(values), tooWide: tooWide}
	var track []mcvCandidate
	var xy float64
	run := 0
	for i := range values {
		xy += float64(i) * float64(values[i].pos)
		run++
		if i < len(values)-1 && types.Compare(t, values[i].v, values[i+1].v) == 0 {
			continue
		}
		counts.distinct++
		if run > 1 {
			counts.multiple++
			if len(track) < statsTarget || run > track[len(track)-1].count {
				if len(track) < statsTarget {
					track = append(track, mcvCandidate{})
				}
				j := len(track) - 1
				for ; j > 0 && run > track[j-1].count; j-- {
					track[j] = track[j-1]
				}
				track[j] = mcvCandidate{count: run, first: i + 1 - run}
			}
		}
		run = 0
	}
	s.NDistinct = estimateDistinct(counts, totalRows, s.NullFrac)

	numMCV := len(track)
	if !(len(track) == counts.distinct && tooWide == 0 && s.NDistinct > 0) {
		freqs := make([]int, len(track))
		for i, c := range track {
			freqs[i] = c.count
		}
		numMCV = mcvWorthKeeping(freqs, s.NDistinct, s.NullFrac, sampleRows, totalRows)
	}
	track = track[:numMCV]
	for _, c := range track {
		s.MCV = append(s.MCV, values[c.first].v)
		s.MCVFreqs = append(s.MCVFreqs, float64(c.count)/float64(sampleRows))
	}

	s.Histogram = histogram(values, track, counts.distinct)

	if n := float64(len(values)); n > 1 {
		// x and y both run over 0..n-1, so their sums are known.
		sum := (n - 1) * n / 2
		sum2 := (n - 1) * n * (2*n - 1) / 6
		s.Correlation = (n*xy - sum*sum) / (n*sum2 - sum*sum)
		s.HasCorrelation = true
	}
}

// mcvWorthKeeping is analyze_mcv_list: how many of the most common
// values (counts, most common first) to keep, dropping from the least
// common up while a value is not significantly more common than the
// values outside the list would each be. A value stays if its count is
// above that expectation by two standard deviations (of the
// hypergeometric distribution of sampling without replacement) plus a
// half for continuity.
func mcvWorthKeeping(counts []int, nDistinct, nullFrac float64, sampleRows int, totalRows int64) int {
	n, bigN := float64(sampleRows), float64(totalRows)
	if n == bigN || bigN <= 1 {
		return len(counts) // the whole table was sampled
	}
	distinct := nDistinct
	if distinct < 0 {
		distinct = -distinct * bigN
	}
	keep := len(counts)
	sum := 0.0 // the counts of all but the last kept
	for i := 0; i < keep-1; i++ {
		sum += float64(counts[i])
	}
	for keep > 0 {
		sel := min(max(1-sum/n-nullFrac, 0), 1)
		if other := distinct - float64(keep-1); other > 1 {
			sel /= other
		}
		last := float64(counts[keep-1])
		k := bigN * last / n
		stddev := math.Sqrt(n * k * (bigN - k) * (bigN - n) / (bigN * bigN * (bigN - 1)))
		if last > sel*n+2*stddev+0.5 {
			break
		}
		keep--
		if keep == 0 {
			break
		}
		sum -= float64(counts[keep-1])
	}
	return keep
}

// histogram returns the bounds of equal-population bins over the sorted
// values less the runs of the most common values in mcv, or nil when
// fewer than two distinct values are left.
func histogram(values []sampledValue, mcv []mcvCandidate, distinct int) []types.Datum {
	bounds := distinct - len(mcv)
	if bounds > statsTarget {
		bounds = statsTarget + 1
	}
	if bounds < 2 {
		return nil
	}
	rest := values
	if len(mcv) > 0 {
		runs := slices.Clone(mcv)
		slices.SortFunc(runs, func(a, b mcvCandidate) int { return a.first - b.first })
		rest = make([]sampledValue, 0, len(values))
		from := 0
		for _, r := range runs {
			rest = append(rest, values[from:r.first]...)
			from = r.first + r.count
		}
		rest = append(rest, values[from:]...)
	}
	out := make([]types.Datum, bounds)
	last := len(rest) - 1
	for i := range out {
		out[i] = rest[i*last/(bounds-1)].v
	}
	return out
}
