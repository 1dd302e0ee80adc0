package engine

import (
	"math/rand/v2"

	"github.com/stela-db/stela/sql/types"
)

// Column statistics, gathered by ANALYZE from a sample of a table's rows
// and read by the planner (sql/selectivity.go) and pg_stats.
//
// The sample is PostgreSQL's size for its default statistics target:
// 30,000 rows, drawn uniformly from the whole table by reservoir
// sampling during the same scan that counts it (only the rows kept are
// copied, and decoded once the scan ends). The figures follow
// PostgreSQL's analyze.c, so that pg_stats reads the same for the same
// data: null_frac is the sample's; avg_width the average stored size of
// the non-null values (a fixed-size type's length; a variable one's bytes
// plus a 1-byte header, or 4 past 126 bytes); n_distinct the
// Haas-Stokes estimate from the sample, exact when the sample is the
// whole table, and stored as minus a fraction of the rows when above a
// tenth of them (a column whose distinct values grow with the table).
// There are no most-common-value lists or histograms yet.
//
// Statistics live in memory, like row counts: after a restart the
// planner has none until ANALYZE runs again.
const sampleTarget = 30_000

// ColumnStats is what ANALYZE learned of one column.
type ColumnStats struct {
	NullFrac float64
	AvgWidth int
	// NDistinct is pg_stats.n_distinct: positive, the number of distinct
	// non-null values; negative, minus that number divided by the rows.
	NDistinct float64
}

// Distinct is the number of distinct non-null values in a table of rows
// rows.
func (c *ColumnStats) Distinct(rows float64) float64 {
	if c.NDistinct < 0 {
		return -c.NDistinct * rows
	}
	return c.NDistinct
}

// reservoir keeps a uniform sample of the row values a scan passes.
type reservoir struct {
	rows [][]byte
	seen int64
	rng  *rand.Rand
}

func newReservoir() *reservoir {
	return &reservoir{rng: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
}

// offer considers the value of the next row; value is copied if kept.
func (r *reservoir) offer(value []byte) {
	r.seen++
	switch {
	case len(r.rows) < sampleTarget:
		r.rows = append(r.rows, append([]byte(nil), value...))
	default:
		if j := r.rng.Int64N(r.seen); j < sampleTarget {
			r.rows[j] = append(r.rows[j][:0], value...)
		}
	}
}

// columnStats computes every column's statistics from the sampled rows
// of a table of totalRows rows.
func columnStats(l *Layout, sample [][]types.Datum, totalRows int64) []ColumnStats {
	out := make([]ColumnStats, len(l.Types))
	var buf []byte
	for c, t := range l.Types {
		if t == nil || len(sample) == 0 {
			continue
		}
		counts := map[string]int{}
		nulls, width := 0, 0
		for _, row := range sample {
			if c >= len(row) || row[c] == nil {
				nulls++
				continue
			}
			var err error
			buf, err = t.AppendBinary(buf[:0], row[c])
			if err != nil {
				buf = t.AppendText(buf[:0], row[c], nil)
			}
			counts[string(buf)]++
			width += storedWidth(t, len(buf))
		}
		s := &out[c]
		s.NullFrac = float64(nulls) / float64(len(sample))
		if nonNull := len(sample) - nulls; nonNull > 0 {
			s.AvgWidth = width / nonNull // truncated, as analyze.c stores it
			s.NDistinct = estimateDistinct(counts, nonNull, totalRows, s.NullFrac)
		}
	}
	return out
}

// storedWidth is PostgreSQL's stored size of a value whose binary form
// has n bytes.
func storedWidth(t *types.T, n int) int {
	switch {
	case t.Len > 0:
		return int(t.Len)
	case n+1 <= 127:
		return n + 1
	}
	return n + 4
}

// estimateDistinct is analyze.c's estimate of a column's distinct values
// from the counts of each value in a sample of n non-null values, in a
// table of totalRows rows with nullFrac of them NULL.
func estimateDistinct(counts map[string]int, n int, totalRows int64, nullFrac float64) float64 {
	d, multiple := len(counts), 0
	for _, k := range counts {
		if k > 1 {
			multiple++
		}
	}
	var est float64
	switch {
	case multiple == 0:
		// Every value seen once: take the column to be unique.
		return -1 * (1 - nullFrac)
	case multiple == d:
		// Every value seen more than once: all of them were likely seen.
		est = float64(d)
	default:
		f1 := float64(d - multiple)
		sn, bigN := float64(n), float64(totalRows)*(1-nullFrac)
		est = sn * float64(d) / ((sn - f1) + f1*sn/bigN)
		est = min(max(est, float64(d)), bigN)
		est = float64(int64(est + 0.5))
	}
	if est > 0.1*float64(totalRows) {
		return -(est / float64(totalRows))
	}
	return est
}
