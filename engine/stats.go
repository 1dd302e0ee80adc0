package engine

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stela-db/stela/internal/panicked"
)

// Table row counts, for the planner (join order, EXPLAIN's estimates) and
// pg_stat_user_tables.n_live_tup.
//
// Once known, a table's count is exact and follows every commit: each
// transaction counts, per table, the rows it inserts less those it
// deletes (Txn.rows, kept across savepoints), and its commit adds that
// to the count. The count is first taken when the planner first asks:
//
//   - A table of fewer than smallTableRows rows is counted at once.
//   - A larger one is counted by a scan in the background, one table at a
//     time per database. Until the scan ends the planner gets a guess,
//     the bytes the table's keys take on disk divided by the average
//     size of its first rows (rows still in pebble's memtable are not on
//     disk, so the guess runs low for a young table).
//
// A count is taken at a tx S read after the table is marked as being
// counted; commits after S that end during the count are held and added
// once it ends, commits up to S are in the count already. A commit
// reports to the counts after it is durable, so one that S does not
// include reports after the mark, and is held.
//
// Counts live in memory, and are saved when the database closes: after
// a clean restart with nothing committed since, they are exact at once
// (countsfile.go); otherwise each table is counted again when first
// planned. TRUNCATE gives a table new storage, whose count starts again
// at zero.
const (
	smallTableRows = 10_000
	sampleRows     = 64
	// statsTTL is how long a guess is kept before it is made again (and
	// a background count tried again if none could start).
	statsTTL = 10 * time.Second
	// countChunk is how many rows a background count reads per
	// iterator: the store's Close waits for open iterators, so a count
	// holds one only briefly, and stops once the store is closing.
	countChunk = 50_000
)

type tableStats struct {
	mu     sync.Mutex
	tables map[uint32]*tableCount // by storage id (Layout.TableID); guarded by mu
	// scanning is set while a background count runs (one at a time).
	scanning bool // guarded by mu
	// saveMu orders the writes of the side files (statsfile.go; taken
	// before mu).
	saveMu sync.Mutex
	// inflight counts the commits with row deltas between joining the
	// commit queue and reporting them (committed, under mu): the saved
	// counts need none in flight (countsfile.go).
	inflight atomic.Int64
}

// tableCount is what is known of one table's rows.
type tableCount struct {
	// known: rows is exact as of tx asOf, plus every later commit's delta.
	known bool
	rows  int64
	asOf  uint64
	// counting: a count at asOf is running; pending holds the deltas of
	// the commits that ended meanwhile.
	counting bool
	pending  []txRows
	// guess estimates rows until they are known, made at guessAt.
	guess   float64
	guessAt time.Time
	// analyzedAt and analyzeCount: when ANALYZE last ran on the table,
	// and how many times it did (analyze.go).
	analyzedAt   time.Time
	analyzeCount int64
	columns      []ColumnStats // by row position; nil until ANALYZE
	// restored: the statistics saved by an ANALYZE before the restart
	// were looked for (statsfile.go).
	restored bool
}

// txRows is a committed transaction's delta for one table.
type txRows struct {
	tx uint64
	n  int64
}

// rowDelta is a transaction's count of rows inserted less rows deleted
// in one table.
type rowDelta struct {
	table uint32
	n     int64
}

// rowDeltas is a transaction's row deltas, one per table it wrote (a
// transaction writes few tables: a list beats a map).
type rowDeltas []rowDelta

func (d *rowDeltas) add(table uint32, n int64) {
	for i := range *d {
		if (*d)[i].table == table {
			(*d)[i].n += n
			return
		}
	}
	*d = append(*d, rowDelta{table: table, n: n})
}

// noteRows adds n to the transaction's row delta for table.
func (t *Txn) noteRows(table uint32, n int64) {
	if t.rows == nil {
		t.rows = t.rowsOne[:0]
	}
	t.rows.add(table, n)
}

func (d rowDeltas) clone() rowDeltas {
	if len(d) == 0 {
		return nil
	}
	return append(rowDeltas(nil), d...)
}

// committed adds the deltas of the transaction committed as tx.
func (s *tableStats) committed(tx uint64, deltas rowDeltas) {
	if len(deltas) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.inflight.Add(-1)
	for _, d := range deltas {
		tc := s.tables[d.table]
		switch {
		case tc == nil || d.n == 0:
		case tc.known:
			if tx > tc.asOf {
				tc.rows += d.n
			}
		case tc.counting:
			tc.pending = append(tc.pending, txRows{tx: tx, n: d.n})
		}
	}
}

// finish records a count of n rows as of tx asOf (ok false: the count
// failed, and is forgotten).
func (s *tableStats) finish(tc *tableCount, n int64, asOf uint64, ok bool) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ok {
		for _, p := range tc.pending {
			if p.tx > asOf {
				n += p.n
			}
		}
		tc.known, tc.rows, tc.asOf = true, n, asOf
	}
	tc.counting, tc.pending = false, nil
	return n
}

// entry returns what is known of a table's rows, made empty on first
// use. s.mu is held.
func (s *tableStats) entry(table uint32) *tableCount {
	if s.tables == nil {
		s.tables = map[uint32]*tableCount{}
	}
	tc := s.tables[table]
	if tc == nil {
		tc = &tableCount{}
		s.tables[table] = tc
	}
	return tc
}

// EstimateRows returns how many committed rows a table has: its count
// if known, else a guess. It is not a read of any transaction (a
// SERIALIZABLE one does not depend on it), and a transaction's own
// writes are not in it.
func (db *DB) EstimateRows(l *Layout) float64 {
	rows, _ := db.Estimate(l)
	return rows
}

// Estimate is EstimateRows with the column statistics ANALYZE gathered
// (by row position; nil if none, colstats.go), read under one lock: the
// planner asks for both for every table it scans.
func (db *DB) Estimate(l *Layout) (rows float64, columns []ColumnStats) {
	s := &db.stats
	s.mu.Lock()
	tc := s.entry(l.TableID)
	db.restoreColumns(tc, l)
	columns = l.fitStats(tc.columns)
	switch {
	case tc.known:
		rows := max(tc.rows, 0)
		s.mu.Unlock()
		return float64(rows), columns
	case tc.counting || time.Since(tc.guessAt) < statsTTL:
		guess := tc.guess
		s.mu.Unlock()
		return guess, columns
	}
	tc.counting, tc.pending = true, nil
	s.mu.Unlock()

	// Counted in the store at its last tx, not through a transaction.
	asOf := db.store.LastTx()
	n, bytes, complete, err := db.countRows(context.Background(), l, asOf, smallTableRows, nil)
	if err != nil {
		s.finish(tc, 0, 0, false)
		return 1000, columns
	}
	if complete {
		return float64(max(s.finish(tc, n, asOf, true), 0)), columns
	}
	guess := float64(n)
	if sample := min(n, sampleRows); sample > 0 {
		disk := db.store.EstimateBytes(l.Range(PrimaryIndexID))
		guess = max(guess, float64(disk)/(float64(bytes)/float64(sample)))
	}
	s.mu.Lock()
	tc.guess, tc.guessAt = guess, time.Now()
	start := !s.scanning
	if start {
		s.scanning = true
	} else {
		// Another table is being counted: keep the guess, try again
		// once it is stale.
		tc.counting, tc.pending = false, nil
	}
	s.mu.Unlock()
	if start {
		go db.countInBackground(tc, l.Name, asOf, func() (int64, error) {
			n, _, _, err := db.countRows(context.Background(), l, asOf, 0, nil)
			return n, err
		})
	}
	return guess, columns
}

// countInBackground finishes the count of a large table's rows as of
// asOf with what count returns.
//
// It runs on a goroutine of its own, where a panic (a bug, or a damaged
// record a decoder did not expect) would end the process: it is logged
// with its stack instead and the count is left unknown, as after an
// error, so that a plan after the guess goes stale starts it again.
func (db *DB) countInBackground(tc *tableCount, table string, asOf uint64, count func() (int64, error)) {
	var n int64
	ok := false
	defer func() {
		if r := recover(); r != nil {
			panicked.Log(db.store.Logger().Error(), r).
				Str("table", table).Msg("counting a table's rows panicked; the count stays unknown")
		}
		db.stats.finish(tc, n, asOf, ok)
		db.stats.mu.Lock()
		db.stats.scanning = false
		db.stats.mu.Unlock()
	}()
	n, err := count()
	ok = err == nil
}

// countRows counts the table's rows at tx asOf, up to limit (0: all),
// in chunks of countChunk rows per iterator, until ctx ends, offering
// each row's value to sample when not nil; bytes sums the sizes of the
// first sampleRows. complete reports whether every row was counted.
func (db *DB) countRows(ctx context.Context, l *Layout, asOf uint64, limit int64, sample *reservoir) (n int64, bytes int, complete bool, err error) {
	if asOf == 0 {
		return 0, 0, true, nil // nothing was ever committed
	}
	r := l.Range(PrimaryIndexID)
	for {
		if err := ctx.Err(); err != nil {
			return n, bytes, false, err
		}
		var resume []byte
		// One chunk, its iterator closed even by a panic: the background
		// count recovers from one, and an iterator left open would keep
		// the store from closing.
		err := func() error {
			it, err := db.store.Scan(r, asOf)
			if err != nil {
				return err
			}
			defer it.Close()
			chunk := 0
			for it.Next() {
				n++
				chunk++
				if n <= sampleRows {
					bytes += len(it.Key()) + len(it.Value()) + 16
				}
				if sample != nil {
					sample.offer(it.Value())
				}
				if limit > 0 && n >= limit {
					break
				}
				if chunk%4096 == 0 && ctx.Err() != nil {
					break // a statement's timeout or cancel, seen within the chunk
				}
				if chunk == countChunk {
					// Resume after this key: the smallest key above it.
					resume = append(append([]byte(nil), it.Key()...), 0)
					break
				}
			}
			return it.Err()
		}()
		if err == nil {
			err = ctx.Err()
		}
		switch {
		case err != nil:
			return n, bytes, false, err
		case limit > 0 && n >= limit:
			return n, bytes, false, nil
		case resume == nil:
			return n, bytes, true, nil
		}
		r.Start = resume
	}
}
