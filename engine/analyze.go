package engine

import (
	"context"
	"slices"
	"time"

	"github.com/stela-db/stela/sql/types"
)

// ANALYZE's statistics are part of the transaction that runs it, as
// PostgreSQL's pg_statistic rows are. It samples the table's rows as
// committed at the store's last tx (PostgreSQL's ANALYZE, too, reads the
// rows committed when it runs, not the transaction's snapshot); in a
// transaction that wrote the table, the rows that transaction sees, its
// own included. The transaction's own plans and views see the result
// at once, other sessions when it commits, and a rollback (to a
// savepoint too) forgets it. What does not wait, as in PostgreSQL, is the record that ANALYZE
// ran (pg_stat_user_tables' last_analyze and analyze_count: a rolled
// back ANALYZE counts) and the row count: a table whose count the
// planner did not know yet (or knew as a guess while a background count
// ran) has it exact from then on, counted as committed.

// pendingAnalyze is an ANALYZE's result, applied when its transaction
// commits.
type pendingAnalyze struct {
	layout *Layout
	// columns are the statistics by row position; nil when the table
	// was empty, which keeps what an earlier ANALYZE found, as in
	// PostgreSQL.
	columns []ColumnStats
}

// Analyze gathers a table's statistics for ANALYZE: it counts the table's
// rows and samples them (colstats.go), and returns the number of rows the
// transaction sees.
func (t *Txn) Analyze(ctx context.Context, l *Layout) (int64, error) {
	res := newReservoir()
	var n int64
	var err error
	if t.wroteTable(l) {
		if _, err = t.db.countExact(ctx, l, nil); err == nil {
			n, err = t.sampleOwn(ctx, l, res)
		}
	} else {
		n, err = t.db.countExact(ctx, l, res)
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
	if len(sample) == 0 {
		cols = nil
	}
	if err := t.db.noteAnalyzed(l); err != nil {
		return 0, err
	}
	t.analyzes = append(t.analyzes, pendingAnalyze{layout: l, columns: cols})
	return n, nil
}

// noteAnalyzed records that ANALYZE ran on the table, now, and saves the
// record (statsfile.go).
func (db *DB) noteAnalyzed(l *Layout) error {
	err := db.saveStats(l, func(tc *tableCount) {
		tc.analyzedAt, tc.analyzeCount = time.Now(), tc.analyzeCount+1
	})
	if err != nil {
		return StorageError(err)
	}
	return nil
}

// saveStats changes the table's statistics entry with change and writes
// the entry's side file (statsfile.go). The entry is restored from its
// file first, so that a change after a restart keeps what was saved.
func (db *DB) saveStats(l *Layout, change func(*tableCount)) error {
	s := &db.stats
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	tc := s.entry(l.TableID)
	db.restoreColumns(tc, l)
	change(tc)
	file, err := savedBytes(tc, l)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return db.store.WriteSideFile(statsFile(l.TableID), file)
}

// Analyze runs ANALYZE of the table in a transaction of its own.
func (db *DB) Analyze(ctx context.Context, l *Layout) (int64, error) {
	t, err := db.Begin(TxnOptions{})
	if err != nil {
		return 0, err
	}
	n, err := t.Analyze(ctx, l)
	if err != nil {
		t.Rollback()
		return 0, err
	}
	if _, err := t.Commit(ctx); err != nil {
		return 0, err
	}
	return n, nil
}

// countExact makes the table's row count exact if it was not, counting
// the committed rows at the store's last tx, and returns the rows it
// scanned (0 when the count was known and sample is nil: nothing to
// scan). With sample, every row is offered to it.
func (db *DB) countExact(ctx context.Context, l *Layout, sample *reservoir) (int64, error) {
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
	if known && sample == nil {
		return 0, nil
	}
	asOf := db.store.LastTx()
	n, _, _, err := db.countRows(ctx, l, asOf, 0, sample)
	if !known {
		s.finish(tc, n, asOf, err == nil)
	}
	return n, err
}

// WroteTable reports whether the transaction has written a row of the
// table (ON COMMIT DELETE ROWS asks it of a temporary table).
func (t *Txn) WroteTable(l *Layout) bool { return t.wroteTable(l) }

// wroteTable reports whether the transaction has written a row of the
// table (its primary index: every write of a row writes there).
func (t *Txn) wroteTable(l *Layout) bool {
	if t.writes == nil {
		return false
	}
	r := l.Range(PrimaryIndexID)
	found := false
	t.writes.ascendRange(r.Start, r.End, func(write) bool {
		found = true
		return false
	})
	return found
}

// sampleOwn counts and samples the table's rows as the transaction sees
// them. It is not a read a SERIALIZABLE commit checks: statistics are
// advisory, and PostgreSQL's ANALYZE takes no predicate locks either.
func (t *Txn) sampleOwn(ctx context.Context, l *Layout, sample *reservoir) (int64, error) {
	it, err := t.scan(t.writes, l.Range(PrimaryIndexID), false, true, false)
	if err != nil {
		return 0, err
	}
	defer it.Close()
	var n int64
	for it.Next() {
		n++
		sample.offer(it.Value())
		if n%4096 == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
	}
	return n, it.Err()
}

// applyAnalyzes makes the statistics a committed transaction's ANALYZEs
// gathered the tables' own and saves them (statsfile.go). A side file's error
// is logged, not returned: the transaction is durable, and statistics
// are advisory.
func (db *DB) applyAnalyzes(list []pendingAnalyze) {
	for _, a := range list {
		if a.columns == nil {
			continue
		}
		err := db.saveStats(a.layout, func(tc *tableCount) { tc.columns = a.columns })
		if err != nil {
			db.store.Logger().Warn().Err(err).Str("table", a.layout.Name).Msg("saving ANALYZE's statistics")
		}
	}
}

// pendingColumns returns the statistics of the transaction's last
// ANALYZE of the table that found rows (nil: none).
func (t *Txn) pendingColumns(table uint32) []ColumnStats {
	var cols []ColumnStats
	for _, a := range t.analyzes {
		if a.layout.TableID == table && a.columns != nil {
			cols = a.columns
		}
	}
	return cols
}

// fitStats returns cols with the statistics of every column whose type
// is no longer the one l gives it (ALTER COLUMN ... TYPE, committed or in
// the reader's transaction, or a read as of a tx before it) left out:
// their values are of the other type. cols itself when all fit.
func (l *Layout) fitStats(cols []ColumnStats) []ColumnStats {
	var out []ColumnStats
	for i := range cols {
		t := cols[i].T
		if t == nil || i < len(l.Types) && l.Types[i] != nil && t.Equal(l.Types[i]) {
			continue
		}
		if out == nil {
			out = slices.Clone(cols)
		}
		out[i] = ColumnStats{}
	}
	if out == nil {
		return cols
	}
	return out
}

// Estimate is DB.Estimate as the transaction sees the table: its own
// inserts and deletes counted, and its own ANALYZE's statistics.
func (t *Txn) Estimate(l *Layout) (rows float64, columns []ColumnStats) {
	rows, columns = t.db.Estimate(l)
	for _, d := range t.rows {
		if d.table == l.TableID {
			rows = max(rows+float64(d.n), 0)
		}
	}
	if cols := t.pendingColumns(l.TableID); cols != nil {
		columns = l.fitStats(cols)
	}
	return rows, columns
}

// Analyzed is DB.Analyzed with the statistics of the transaction's own
// ANALYZE.
func (t *Txn) Analyzed(l *Layout) (at time.Time, count int64, columns []ColumnStats) {
	at, count, columns = t.db.Analyzed(l)
	if cols := t.pendingColumns(l.TableID); cols != nil {
		columns = l.fitStats(cols)
	}
	return at, count, columns
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
	return tc.analyzedAt, tc.analyzeCount, l.fitStats(tc.columns)
}
