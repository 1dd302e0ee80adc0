package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/stela-db/stela/sql/types"
)

// ANALYZE's results survive a restart, as pg_statistic does: each
// ANALYZE of a table rewrites that table's side file (one per table, so
// that analyzing every table writes each once; kv.Store.WriteSideFile,
// outside the verifiable log: statistics are advisory, and a lost write
// only means the planner has older ones until the next ANALYZE). A
// table's saved statistics are read back when the planner or pg_stats
// first asks for them, and used only if every column still has the type
// it had. TRUNCATE moves them to the table's new storage id, DROP TABLE
// removes them (statsmove.go).
// Row counts are saved apart, when the database closes (countsfile.go).
//
// The file is JSON, savedTable below, version statsFileVersion. Values
// (most common values, histogram bounds) are in their type's binary
// (send/recv) form, checked against the column's type oid and modifier;
// a column whose values have no binary form is saved without them.
const statsFileVersion = 1

// statsFile is the side file of the table with storage id table.
func statsFile(table uint32) string { return fmt.Sprintf("side-analyze-%d.json", table) }

type savedTable struct {
	Version      int           `json:"version"`
	AnalyzedAt   time.Time     `json:"analyzed_at"`
	AnalyzeCount int64         `json:"analyze_count"`
	Columns      []savedColumn `json:"columns"` // by row position
}

type savedColumn struct {
	// Oid and Typmod are the column's type; 0 for a dropped column.
	Oid            uint32    `json:"oid"`
	Typmod         int32     `json:"typmod"`
	NullFrac       float64   `json:"null_frac"`
	AvgWidth       int       `json:"avg_width"`
	NDistinct      float64   `json:"n_distinct"`
	MCV            [][]byte  `json:"mcv,omitempty"`
	MCVFreqs       []float64 `json:"mcv_freqs,omitempty"`
	Histogram      [][]byte  `json:"histogram,omitempty"`
	Correlation    float64   `json:"correlation"`
	HasCorrelation bool      `json:"has_correlation"`
}

// restoreColumns gives tc the statistics saved for table l, if any, of
// each column whose type is still the one analyzed; under s.mu, once per
// table. A missing or unreadable file means none. A file may list fewer
// columns than l has (columns added after the ANALYZE, or none when it
// found no rows): those have no statistics, as in memory before the
// restart.
func (db *DB) restoreColumns(tc *tableCount, l *Layout) {
	if tc.columns != nil || tc.restored {
		return
	}
	tc.restored = true
	b, err := db.store.ReadSideFile(statsFile(l.TableID))
	if err != nil {
		return
	}
	var st savedTable
	if json.Unmarshal(b, &st) != nil || st.Version != statsFileVersion || len(st.Columns) > len(l.Types) {
		return
	}
	var cols []ColumnStats
	if len(st.Columns) > 0 {
		cols = make([]ColumnStats, len(st.Columns))
	}
	for i := range st.Columns {
		sc, t := &st.Columns[i], l.Types[i]
		if t == nil {
			continue
		}
		if sc.Oid != uint32(t.Oid) || sc.Typmod != t.Typmod {
			continue // its type changed since: none for this column
		}
		c := ColumnStats{T: t, NullFrac: sc.NullFrac, AvgWidth: sc.AvgWidth, NDistinct: sc.NDistinct,
			MCVFreqs: sc.MCVFreqs, Correlation: sc.Correlation, HasCorrelation: sc.HasCorrelation}
		var err1, err2 error
		c.MCV, err1 = decodeValues(t, sc.MCV)
		c.Histogram, err2 = decodeValues(t, sc.Histogram)
		if err1 != nil || err2 != nil || len(c.MCV) != len(c.MCVFreqs) {
			return
		}
		cols[i] = c
	}
	tc.columns, tc.analyzedAt, tc.analyzeCount = cols, st.AnalyzedAt, st.AnalyzeCount
}

// savedBytes returns the contents of table l's side file; under s.mu.
// The caller writes them under s.saveMu, taken first, so that the writes
// of concurrent ANALYZEs land in the order their contents were made.
func savedBytes(tc *tableCount, l *Layout) ([]byte, error) {
	st := &savedTable{Version: statsFileVersion, AnalyzedAt: tc.analyzedAt, AnalyzeCount: tc.analyzeCount,
		Columns: make([]savedColumn, min(len(tc.columns), len(l.Types)))}
	for i := range st.Columns {
		c := &tc.columns[i]
		t := c.T // the values' type, which l's may no longer be
		if t == nil {
			continue
		}
		sc := savedColumn{Oid: uint32(t.Oid), Typmod: t.Typmod, NullFrac: c.NullFrac, AvgWidth: c.AvgWidth,
			NDistinct: c.NDistinct, Correlation: c.Correlation, HasCorrelation: c.HasCorrelation}
		mcv, err1 := encodeValues(t, c.MCV)
		hist, err2 := encodeValues(t, c.Histogram)
		if err1 == nil && err2 == nil {
			sc.MCV, sc.MCVFreqs, sc.Histogram = mcv, c.MCVFreqs, hist
		}
		st.Columns[i] = sc
	}
	return json.Marshal(st)
}

func encodeValues(t *types.T, vals []types.Datum) ([][]byte, error) {
	var out [][]byte
	for _, v := range vals {
		b, err := t.AppendBinary(nil, v)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

func decodeValues(t *types.T, vals [][]byte) ([]types.Datum, error) {
	var out []types.Datum
	for _, b := range vals {
		v, err := t.DecodeBinary(b)
		if err != nil {
			return nil, err
		}
		if v == nil {
			return nil, errors.New("engine: a saved statistic is NULL")
		}
		out = append(out, v)
	}
	return out, nil
}
