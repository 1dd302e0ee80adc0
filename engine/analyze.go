package engine

import (
	"context"
	"time"
)

// Analyze makes the table's row count exact now, for ANALYZE: a table the
// planner has not counted yet, or whose background count is running, is
// counted before it returns (a count once known follows every commit, so
// a known one is not counted again). It records when, for
// pg_stat_user_tables' last_analyze and analyze_count. Column
// statistics are not gathered: the planner has none (selectivity.go in
// package sql uses PostgreSQL's defaults).
func (db *DB) Analyze(ctx context.Context, l *Layout) (int64, error) {
	s := &db.stats
	for {
		s.mu.Lock()
		if s.tables == nil {
			s.tables = map[uint32]*tableCount{}
		}
		tc := s.tables[l.TableID]
		if tc == nil {
			tc = &tableCount{}
			s.tables[l.TableID] = tc
		}
		switch {
		case tc.known:
			tc.analyzedAt, tc.analyzeCount = time.Now(), tc.analyzeCount+1
			rows := max(tc.rows, 0)
			s.mu.Unlock()
			return rows, nil
		case tc.counting:
			// A count is running (in the background, or another
			// ANALYZE): wait for it rather than count twice.
			s.mu.Unlock()
			select {
			case <-ctx.Done():
				return 0, ctx.Err()
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		tc.counting, tc.pending = true, nil
		s.mu.Unlock()
		asOf := db.store.LastTx()
		n, _, _, err := db.countRows(ctx, l, asOf, 0)
		s.finish(tc, n, asOf, err == nil)
		if err != nil {
			return 0, err
		}
	}
}

// Analyzed returns when ANALYZE last counted the table (zero if never
// since the server started) and how many times it did.
func (db *DB) Analyzed(l *Layout) (at time.Time, count int64) {
	s := &db.stats
	s.mu.Lock()
	defer s.mu.Unlock()
	if tc := s.tables[l.TableID]; tc != nil {
		return tc.analyzedAt, tc.analyzeCount
	}
	return time.Time{}, 0
}
