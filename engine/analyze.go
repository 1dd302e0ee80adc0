package engine

import (
	"context"
	"time"

	"github.com/stela-db/stela/sql/types"
)

// Analyze gathers a table's statistics, for ANALYZE: it scans the table
// at the last tx, counting its rows and sampling them (colstats.go). A
// table whose count the planner did not know yet (or knew as a guess
// while a background count ran) has it exact from then on; a known
// count, which follows every commit, is kept. It records when, for
// pg_stat_user_tables' last_analyze and analyze_count, and returns the
// row count.
func (db *DB) Analyze(ctx context.Context, l *Layout) (int64, error) {
	s := &db.stats
	s.mu.Lock()
	tc := s.entry(l.TableID)
	for tc.counting {
		// A count is running (in the background, or another
		// ANALYZE's): wait for it rather than hold commits twice.
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
		s.mu.Lock()
	}
	known := tc.known
	if !known {
		tc.counting, tc.pending = true, nil
	}
	s.mu.Unlock()

	asOf := db.store.LastTx()
	res := newReservoir()
	n, _, _, err := db.countRows(ctx, l, asOf, 0, res)
	if !known {
		s.finish(tc, n, asOf, err == nil)
	}
	if err != nil {
		return 0, err
	}
	sample := make([][]types.Datum, 0, len(res.rows))
	for i, v := range res.inScanOrder() {
		if i%4096 == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
		row, err := l.DecodeRow(v)
		if err != nil {
			return 0, err
		}
		sample = append(sample, row)
	}
	cols, err := columnStats(ctx, l, sample, n)
	if err != nil {
		return 0, err
	}

	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	db.restoreColumns(tc, l) // for the count of ANALYZEs before a restart
	if len(sample) > 0 {
		// An empty table keeps what an earlier ANALYZE found, as in
		// PostgreSQL.
		tc.columns = cols
	}
	tc.analyzedAt, tc.analyzeCount = time.Now(), tc.analyzeCount+1
	rows := max(tc.rows, 0)
	file, err := savedBytes(tc, l)
	s.mu.Unlock()
	if err == nil {
		err = db.store.WriteSideFile(statsFile(l.TableID), file)
	}
	if err != nil {
		return 0, StorageError(err)
	}
	return rows, nil
}

// Analyzed returns when ANALYZE last ran on the table (zero if never
// since the server started), how many times it did, and the column
// statistics it gathered (by row position; nil if none).
func (db *DB) Analyzed(l *Layout) (at time.Time, count int64, columns []ColumnStats) {
	s := &db.stats
	s.mu.Lock()
	defer s.mu.Unlock()
	tc := s.entry(l.TableID)
	db.restoreColumns(tc, l)
	return tc.analyzedAt, tc.analyzeCount, tc.columns
}
