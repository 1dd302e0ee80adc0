package engine

import (
	"context"
	"math/rand/v2"
	"slices"

	"github.com/stela-db/stela/sql/types"
)

// Column statistics, gathered by ANALYZE from a sample of a table's rows
// and read by the planner (sql/selectivity.go) and pg_stats.
//
// The sample is PostgreSQL's size for its default statistics target
// (100): 30,000 rows, drawn uniformly from the whole table by reservoir
// sampling during the same scan that counts it (only the rows kept are
// copied, and decoded once the scan ends, back in the scan's order). The
// figures follow PostgreSQL's analyze.c, so that pg_stats reads the same
// for the same data:
//   - null_frac is the sample's;
//   - avg_width the average stored size of the non-null values (a
//     fixed-size type's length; a variable one's bytes plus a 1-byte
//     header, or 4 past 126 bytes);
//   - n_distinct the Haas-Stokes estimate from the sample, exact when the
//     sample is the whole table, and stored as minus a fraction of the
//     rows when above a tenth of them (a column whose distinct values
//     grow with the table);
//   - the most common values, the histogram and the correlation are
//     compute_scalar_stats' (colstats_scalar.go).
//
// json, which has no equality, gets only the null fraction and width, as
// in PostgreSQL. Every other type is ordered by types.Compare, so it gets
// the scalar statistics (PostgreSQL gives the few types with an equality
// but no order, such as xid, a most-common-values list only).
//
// Each ANALYZE also saves the statistics beside the store, from where
// they are read back after a restart (statsfile.go).
const (
	// statsTarget is default_statistics_target: the most common values
	// kept, and the histogram's bins.
	statsTarget  = 100
	sampleTarget = 300 * statsTarget
	// widthThreshold is analyze.c's WIDTH_THRESHOLD: a variable-length
	// value larger than this is counted but left out of the sorted
	// values (it is taken to be distinct).
	widthThreshold = 1024
)

// ColumnStats is what ANALYZE learned of one column.
type ColumnStats struct {
	// T is the column's type when ANALYZE read it; nil: no statistics
	// (a dropped column, or none gathered). Statistics of a column whose
	// type changed since (ALTER COLUMN ... TYPE) are not given to a
	// reader of the new type (Layout.fitStats).
	T        *types.T
	NullFrac float64
	AvgWidth int
	// NDistinct is pg_stats.n_distinct: positive, the number of distinct
	// non-null values; negative, minus that number divided by the rows.
	NDistinct float64
	// MCV holds the most common values, most common first, and MCVFreqs
	// the fraction of all rows (NULLs included) that has each.
	MCV      []types.Datum
	MCVFreqs []float64
	// Histogram holds ascending bounds that cut the values not in MCV
	// into bins of equal population; nil when fewer than two such
	// values are distinct.
	Histogram []types.Datum
	// Correlation is that between the values' order and the table's
	// (primary key) order, from -1 to 1; valid when HasCorrelation.
	Correlation    float64
	HasCorrelation bool
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
	at   []int64 // each kept row's position in the scan
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
		r.at = append(r.at, r.seen)
	default:
		if j := r.rng.Int64N(r.seen); j < sampleTarget {
			r.rows[j] = append(r.rows[j][:0], value...)
			r.at[j] = r.seen
		}
	}
}

// inScanOrder returns the kept rows in the order the scan passed them,
// which the correlation compares the values' order with (PostgreSQL
// sorts its sample by physical position for the same reason).
func (r *reservoir) inScanOrder() [][]byte {
	idx := make([]int, len(r.rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return int(r.at[a] - r.at[b]) })
	out := make([][]byte, len(idx))
	for i, j := range idx {
		out[i] = r.rows[j]
	}
	return out
}

// columnStats computes every column's statistics from the sampled rows
// (in scan order) of a table of totalRows rows, until ctx ends.
func columnStats(ctx context.Context, l *Layout, sample [][]types.Datum, totalRows int64) ([]ColumnStats, error) {
	out := make([]ColumnStats, len(l.Types))
	for c, t := range l.Types {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if t == nil || len(sample) == 0 {
			continue
		}
		out[c] = analyzeColumn(t, sample, c, totalRows)
	}
	return out, nil
}

// analyzeColumn computes the statistics of the column at row position c.
func analyzeColumn(t *types.T, sample [][]types.Datum, c int, totalRows int64) ColumnStats {
	s := ColumnStats{T: t}
	var values []sampledValue // non-null, not too wide, in scan order
	nulls, nonNull, tooWide, width := 0, 0, 0, 0
	var buf []byte
	for _, row := range sample {
		if c >= len(row) || row[c] == nil {
			nulls++
			continue
		}
		nonNull++
		var err error
		buf, err = t.AppendBinary(buf[:0], row[c])
		if err != nil {
			buf = t.AppendText(buf[:0], row[c], nil)
		}
		width += storedWidth(t, len(buf))
		if t.Len < 0 && len(buf)+4 > widthThreshold {
			tooWide++
			continue
		}
		values = append(values, sampledValue{v: row[c], pos: len(values)})
	}
	s.NullFrac = float64(nulls) / float64(len(sample))
	switch {
	case nonNull == 0:
		// Only NULLs: the column is taken to be entirely NULL.
		if t.Len > 0 {
			s.AvgWidth = int(t.Len)
		}
		return s
	case t.Family == types.JSONFamily:
		// No equality: n_distinct stays 0, "unknown".
		s.AvgWidth = width / nonNull
		return s
	case len(values) == 0:
		// Every value too wide to sort: taken to be distinct.
		s.AvgWidth = width / nonNull
		s.NDistinct = -(1 - s.NullFrac)
		return s
	}
	s.AvgWidth = width / nonNull // truncated, as analyze.c stores it
	scalarStats(t, &s, values, tooWide, len(sample), totalRows)
	return s
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

// sampleCounts describes the sorted non-null values of a sample: how
// many (n) and how many of them distinct (distinct), how many of those
// were seen more than once (multiple), and how many more values were
// too wide to sort (tooWide, each taken to be distinct).
type sampleCounts struct {
	n, distinct, multiple, tooWide int
}

// estimateDistinct is analyze.c's estimate of a column's distinct values
// from a sample's counts, in a table of totalRows rows with nullFrac of
// them NULL.
func estimateDistinct(c sampleCounts, totalRows int64, nullFrac float64) float64 {
	var est float64
	switch {
	case c.multiple == 0:
		// Nothing seen twice: take the column to be unique.
		return -1 * (1 - nullFrac)
	case c.tooWide == 0 && c.multiple == c.distinct:
		// Every value seen more than once: all of them were likely seen.
		est = float64(c.distinct)
	default:
		f1 := float64(c.distinct - c.multiple + c.tooWide)
		d := f1 + float64(c.multiple)
		sn, bigN := float64(c.n+c.tooWide), float64(totalRows)*(1-nullFrac)
		est = sn * d / ((sn - f1) + f1*sn/bigN)
		est = min(max(est, d), bigN)
		est = float64(int64(est + 0.5))
	}
	if est > 0.1*float64(totalRows) {
		return -(est / float64(totalRows))
	}
	return est
}
