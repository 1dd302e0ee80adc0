package kv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/stela-db/stela/kv/format"
)

// Version is one version of a key: what a transaction wrote to it.
type Version struct {
	Key      []byte
	Value    []byte // nil for a delete
	Metadata []byte
	TxID     uint64
	// Time is the commit time of TxID, microseconds since the Unix epoch.
	Time int64
	// Index is the entry's position in its transaction.
	Index   uint32
	Deleted bool
}

// CommitTime returns Time as a time.Time in UTC.
func (v *Version) CommitTime() time.Time { return time.UnixMicro(v.Time).UTC() }

// Get returns the latest version of key. A key never written, or whose
// latest version is a delete, gives ErrNotFound.
func (s *Store) Get(key []byte) (Version, error) {
	last := s.LastTx()
	if last == 0 {
		return Version{}, fmt.Errorf("%w: %q (the log is empty)", ErrNotFound, key)
	}
	return s.GetAt(key, last)
}

// GetAt returns the latest version of key written at or before txID: the
// key as a reader at that transaction sees it. One seek, whatever the
// number of versions. A delete, or no version, gives ErrNotFound.
func (s *Store) GetAt(key []byte, txID uint64) (Version, error) {
	v, found, err := s.getVersionAt(key, txID, false)
	switch {
	case err != nil:
		return Version{}, err
	case !found:
		return Version{}, notFoundError{key: string(key), tx: txID}
	case v.Deleted:
		return Version{}, notFoundError{key: string(key), tx: v.TxID, deleted: true}
	}
	return v, nil
}

// LookupAt is GetAt for callers to whom a missing key is routine, such as
// an INSERT checking that its key is new: found is false, and no error is
// made (two allocations), when key has no version at txID or its version
// there is a delete.
//
// Unlike GetAt's, the version's Value and Metadata may be the store's
// own (its cache of newest versions), which the caller must not modify,
// and its Key may be key itself: a point SELECT answered from the cache
// copies nothing.
func (s *Store) LookupAt(key []byte, txID uint64) (v Version, found bool, err error) {
	v, found, err = s.getVersionAt(key, txID, true)
	if err != nil || !found || v.Deleted {
		return Version{}, false, err
	}
	return v, true, nil
}

// LastWriteTx returns the tx of key's newest durable version, a delete
// included (deleted then), and 0 if key was never written. A row lock
// compares it with the locker's snapshot (engine/rowlocks.go).
func (s *Store) LastWriteTx(key []byte) (tx uint64, deleted bool, err error) {
	last := s.LastTx()
	if last == 0 {
		return 0, false, nil
	}
	v, found, err := s.getVersionAt(key, last, true)
	if err != nil || !found {
		return 0, false, err
	}
	return v.TxID, v.Deleted, nil
}

// getVersionAt returns key's version at txID, deletes included; found is
// false if it has none. With shared, a version from the cache is not
// copied (LookupAt).
func (s *Store) getVersionAt(key []byte, txID uint64, shared bool) (v Version, found bool, err error) {
	if len(key) == 0 || len(key) > format.MaxKeySize {
		return v, false, invalidf("key of %d bytes", len(key))
	}
	if err := s.begin(txID); err != nil {
		return v, false, err
	}
	defer s.end(&err)

	// The prefix of key's versions, in a stack buffer for keys short
	// enough: a cache hit needs nothing more, and a miss copies it into
	// the read's bounds.
	var buf [64]byte
	stackPrefix := appendEscapedKey(append(buf[:0], prefixVersion), key)
	if s.latest != nil {
		if v, ok := s.latest.get(stackPrefix, key, txID, shared); ok {
			return v, true, nil
		}
	}
	prefix, upper, seek := versionBounds(stackPrefix, txID)
	var e0 uint64
	fill := false
	if s.latest != nil {
		// The epoch first, then the last tx (latestcache.go).
		e0 = s.latest.epoch(prefix)
		fill = txID >= s.LastTx()
	}
	pi, err := s.getIter(txID, prefix, upper)
	if err != nil {
		return v, false, err
	}
	defer s.putIter(pi)
	it := pi.it
	// A prefix seek: the bloom filters skip tables without the key.
	if !it.SeekPrefixGE(seek) {
		if err := it.Error(); err != nil {
			return v, false, storageErr(err)
		}
		return v, false, nil
	}
	if v, err = decodeVersion(key, it); err != nil {
		return v, false, err
	}
	if fill {
		s.latest.fill(prefix, e0, &v)
	}
	return v, true, nil
}

// versionBounds returns, in one allocation, what a read at txID of the
// key whose version prefix is prefix seeks with: the prefix and the bound
// after every version (the iterator's bounds, which it keeps), and the key
// of the version at txID.
func versionBounds(prefix []byte, txID uint64) (lower, upper, seek []byte) {
	n := len(prefix)
	buf := make([]byte, 0, 3*n+8)
	buf = append(buf, prefix...)
	buf = append(buf, prefix...)
	buf[2*n-1] = successorMarker
	buf = append(buf, prefix...)
	buf = binary.BigEndian.AppendUint64(buf, ^txID)
	return buf[:n:n], buf[n : 2*n : 2*n], buf[2*n:]
}

// decodeVersion builds a Version from the iterator's current entry, which
// must be a version of key. Value and metadata are copied.
func decodeVersion(key []byte, it *pebble.Iterator) (Version, error) {
	k := it.Key()
	txID := ^binary.BigEndian.Uint64(k[len(k)-8:])
	val, err := it.ValueAndErr()
	if err != nil {
		return Version{}, storageErr(err)
	}
	rec, err := decodeVersionRecord(val)
	if err != nil {
		return Version{}, fmt.Errorf("%w (key %q, tx %d)", err, key, txID)
	}
	v := Version{
		Key:     append([]byte(nil), key...),
		TxID:    txID,
		Time:    rec.time,
		Index:   rec.index,
		Deleted: rec.kind == format.KindDelete,
	}
	if len(rec.metadata) > 0 {
		v.Metadata = append([]byte(nil), rec.metadata...)
	}
	if !v.Deleted {
		v.Value = append(make([]byte, 0, len(rec.value)), rec.value...)
	}
	return v, nil
}

// History returns every version of key, deletes included, in tx order.
func (s *Store) History(key []byte) (versions []Version, err error) {
	if len(key) == 0 || len(key) > format.MaxKeySize {
		return nil, invalidf("key of %d bytes", len(key))
	}
	if err := s.refs.acquire(); err != nil {
		return nil, err
	}
	defer s.end(&err)
	last := s.LastTx()
	it, err := s.reads().NewIter(&pebble.IterOptions{
		LowerBound: versionPrefix(key),
		UpperBound: versionKeySuccessor(key),
	})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	// Versions are stored newest first; walk backwards for tx order.
	for ok := it.Last(); ok; ok = it.Prev() {
		v, err := decodeVersion(key, it)
		if err != nil {
			return nil, err
		}
		if v.TxID > last {
			break // written by a group whose sync has not returned yet
		}
		versions = append(versions, v)
	}
	return versions, storageErr(it.Error())
}

// Tx is a committed transaction: its header and its entries with values.
type Tx struct {
	Header  format.Header
	Entries []TxEntry
}

// TxEntry is an entry of a transaction with its value (nil for a delete).
type TxEntry struct {
	format.Entry
	Value []byte
}

// Tx returns transaction txID with every entry and value.
func (s *Store) Tx(txID uint64) (tx Tx, err error) {
	if err := s.begin(txID); err != nil {
		return tx, err
	}
	defer s.end(&err)
	h, entries, err := s.txEntries(txID)
	if err != nil {
		return tx, err
	}
	tx.Header = h
	tx.Entries = make([]TxEntry, len(entries))
	for i, e := range entries {
		tx.Entries[i].Entry = e
		rec, err := s.versionRecordOf(e.Key, txID)
		if err != nil {
			return tx, err
		}
		if e.Kind == format.KindPut {
			tx.Entries[i].Value = append(make([]byte, 0, len(rec.value)), rec.value...)
		}
	}
	return tx, nil
}

// TxHeader returns the header of transaction txID.
func (s *Store) TxHeader(txID uint64) (h format.Header, err error) {
	if err := s.begin(txID); err != nil {
		return h, err
	}
	defer s.end(&err)
	return s.header(txID)
}

// checkTx checks that txID is a committed transaction.
func (s *Store) checkTx(txID uint64) error {
	if last := s.LastTx(); txID == 0 || txID > last {
		return fmt.Errorf("%w: tx %d (the log holds 1..%d)", ErrTxNotFound, txID, last)
	}
	return nil
}

// header reads and decodes the header of a committed transaction.
func (s *Store) header(txID uint64) (format.Header, error) {
	h, _, err := s.headerAndRecord(txID)
	return h, err
}

// headerAndRecord reads a committed transaction's header record and
// decodes its header.
func (s *Store) headerAndRecord(txID uint64) (format.Header, headerRecord, error) {
	rec, err := s.getRaw(txKey(prefixHeader, txID))
	if err != nil {
		return format.Header{}, headerRecord{}, missingAsCorrupt(err, "tx %d: header", txID)
	}
	hr, err := s.splitHeaderRecord(txID, rec)
	if err != nil {
		return format.Header{}, hr, err
	}
	h, err := format.DecodeHeader(hr.header)
	if err != nil {
		return h, hr, fmt.Errorf("tx %d: %w", txID, err)
	}
	if h.TxID != txID {
		return h, hr, corruptf("tx %d: header holds tx id %d", txID, h.TxID)
	}
	return h, hr, nil
}

// txEntries reads a transaction's header and entry list: from the header
// record, or from its own key when the record has none (headerrecord.go).
func (s *Store) txEntries(txID uint64) (format.Header, []format.Entry, error) {
	h, hr, err := s.headerAndRecord(txID)
	if err != nil {
		return h, nil, err
	}
	b := hr.entries
	if len(b) == 0 {
		if b, err = s.getRaw(s.listKey(txID)); err != nil {
			return h, nil, missingAsCorrupt(err, "tx %d: entry list", txID)
		}
		for i, part := uint32(1), b; txID >= s.listsFrom && moreListParts(part); i++ {
			if part, err = s.getRaw(entryListPartKey(txID, i)); errors.Is(err, ErrNotFound) {
				break
			} else if err != nil {
				return h, nil, err
			}
			b = append(b, part...)
		}
	}
	entries, err := decodeEntries(b, h.Entries)
	if err != nil {
		return h, nil, fmt.Errorf("tx %d: %w", txID, err)
	}
	return h, entries, nil
}

// versionRecordOf reads the version record of key written by txID. The
// record's slices are copies.
func (s *Store) versionRecordOf(key []byte, txID uint64) (versionRecord, error) {
	b, err := s.getRaw(versionKey(key, txID))
	if err != nil {
		return versionRecord{}, missingAsCorrupt(err, "tx %d: version of %q", txID, key)
	}
	rec, err := decodeVersionRecord(b)
	if err != nil {
		return rec, fmt.Errorf("tx %d, key %q: %w", txID, key, err)
	}
	return rec, nil
}

// getRaw returns a copy of the value stored under a pebble key, or
// ErrNotFound.
func (s *Store) getRaw(k []byte) ([]byte, error) {
	v, closer, err := s.reads().Get(k)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, storageErr(err)
	}
	out := append(make([]byte, 0, len(v)), v...)
	return out, closer.Close()
}

// missingAsCorrupt turns ErrNotFound for a record that must exist into a
// corruption error.
func missingAsCorrupt(err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	if errors.Is(err, ErrNotFound) {
		return corruptf("%s is missing", what)
	}
	return fmt.Errorf("kv: read %s: %w", what, err)
}

// txIDFromKey reads the tx id of a header or entry-list key.
func txIDFromKey(k []byte) uint64 { return binary.BigEndian.Uint64(k[1:9]) }
