package engine

import (
	"bytes"
	"errors"
	"sync"

	"github.com/stela-db/stela/kv"
)

// hotKey caches the latest committed value of one key that nearly every
// statement reads: the catalog version, checked before a prepared plan
// runs. Reading it from storage costs a storage iterator and a seek per
// statement — about a tenth of a primary-key lookup's time.
//
// The cache holds the key's value as of tx and is right for every
// snapshot at or after tx: a transaction that writes the key holds mu
// exclusively from before its commit until the cache holds the new value,
// so a reader whose snapshot includes that commit waits for the update
// instead of seeing the old value. Older snapshots read storage.
type hotKey struct {
	key    []byte
	mu     sync.RWMutex
	loaded bool
	tx     uint64
	val    []byte
	found  bool
}

// CacheKey makes the DB serve reads of key from memory for current
// snapshots. Only keys written through Txn.Commit may be cached.
func (db *DB) CacheKey(key []byte) {
	db.hot = &hotKey{key: append([]byte(nil), key...)}
}

// hotGet returns the cached value of key for a snapshot; ok is false when
// key is not the cached key or the cache cannot answer for snapshot.
func (db *DB) hotGet(key []byte, snapshot uint64) (val []byte, found, ok bool, err error) {
	h := db.hot
	if h == nil || !bytes.Equal(key, h.key) {
		return nil, false, false, nil
	}
	h.mu.RLock()
	if h.loaded {
		val, found, ok = h.val, h.found, snapshot >= h.tx
		h.mu.RUnlock()
		return val, found, ok, nil
	}
	h.mu.RUnlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.loaded {
		// No writer of the key commits while mu is held: the value at the
		// last tx stays the latest until the next such commit.
		last := db.store.LastTx()
		h.val, h.found, h.tx = nil, false, last
		if last > 0 {
			v, err := db.store.GetAt(h.key, last)
			switch {
			case errors.Is(err, kv.ErrNotFound):
			case err != nil:
				return nil, false, false, StorageError(err)
			default:
				h.val, h.found = v.Value, true
			}
		}
		h.loaded = true
	}
	return h.val, h.found, snapshot >= h.tx, nil
}

// lockHot is called before a commit with the transaction's writes: if
// they include the cached key, it takes the cache's lock and returns the
// function that records the commit's outcome and releases it.
func (db *DB) lockHot(writes []kv.Write) func(c kv.Committed, err error) {
	h := db.hot
	if h == nil {
		return nil
	}
	var w *kv.Write
	for i := range writes {
		if bytes.Equal(writes[i].Key, h.key) {
			w = &writes[i]
			break
		}
	}
	if w == nil {
		return nil
	}
	h.mu.Lock()
	return func(c kv.Committed, err error) {
		defer h.mu.Unlock()
		switch {
		case err == nil:
			h.val, h.found, h.tx, h.loaded = append([]byte(nil), w.Value...), !w.Delete, c.TxID, true
		case errors.Is(err, kv.ErrConflict):
			// Nothing was written.
		default:
			// The outcome is unknown: read storage again.
			h.loaded = false
		}
	}
}
