package engine

import (
	"sync"
	"time"
)

// Table size estimates for the planner's join ordering. A table small
// enough to sit in pebble's memtable is counted (up to smallTableRows
// keys); a larger one is estimated from the bytes its key range takes on
// disk divided by the average size of its first rows. Estimates are
// cached for statsTTL: plans need an order of magnitude, not a count.
const (
	smallTableRows = 2000
	sampleRows     = 64
	statsTTL       = 10 * time.Second
)

type tableStats struct {
	mu    sync.Mutex
	cache map[uint32]rowEstimate // guarded by mu
}

type rowEstimate struct {
	rows float64
	at   time.Time
}

// EstimateRows estimates how many rows a table has, as txn sees it.
func (db *DB) EstimateRows(txn *Txn, l *Layout) float64 {
	db.stats.mu.Lock()
	if e, ok := db.stats.cache[l.TableID]; ok && time.Since(e.at) < statsTTL {
		db.stats.mu.Unlock()
		return e.rows
	}
	db.stats.mu.Unlock()
	rows := db.estimateRows(txn, l)
	db.stats.mu.Lock()
	if db.stats.cache == nil {
		db.stats.cache = map[uint32]rowEstimate{}
	}
	db.stats.cache[l.TableID] = rowEstimate{rows: rows, at: time.Now()}
	db.stats.mu.Unlock()
	return rows
}

func (db *DB) estimateRows(txn *Txn, l *Layout) float64 {
	// The store directly, not the transaction: an estimate must not
	// count as a read of a SERIALIZABLE transaction.
	r := l.Range(PrimaryIndexID)
	if txn.snapshot == 0 {
		return 0
	}
	it, err := db.store.Scan(r, txn.snapshot)
	if err != nil {
		return 1000
	}
	defer it.Close()
	n, bytes := 0, 0
	for it.Next() {
		n++
		if n <= sampleRows {
			bytes += len(it.Key()) + len(it.Value()) + 16
		}
		if n >= smallTableRows {
			break
		}
	}
	if n < smallTableRows {
		return float64(n)
	}
	disk := db.store.EstimateBytes(r)
	avg := float64(bytes) / sampleRows
	if est := float64(disk) / avg; est > float64(n) {
		return est
	}
	return float64(n)
}
