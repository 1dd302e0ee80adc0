package kv

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/stela-db/stela/kv/format"
)

// Range is a half-open interval of user keys [Start, End). A nil Start
// means from the first key, a nil End up to the last.
type Range struct {
	Start, End []byte
}

// PrefixRange returns the range of every key that starts with p.
func PrefixRange(p []byte) Range {
	return Range{Start: p, End: prefixEnd(p)}
}

// PrefixEnd returns the first key after every key that starts with p
// (nil: none, p is all 0xFF).
func PrefixEnd(p []byte) []byte { return prefixEnd(p) }

// AppendPrefixEnd appends PrefixEnd(p) to dst; it appends nothing when
// p is all 0xFF (no end).
func AppendPrefixEnd(dst, p []byte) []byte {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] != 0xFF {
			return append(append(dst, p[:i]...), p[i]+1)
		}
	}
	return dst
}

// Iterator walks the keys of a range in byte order as they were at one
// transaction, skipping deleted keys. Use it as
//
//	for it.Next() { ... it.Key(), it.Value() ... }
//	if err := it.Err(); ...
//	it.Close()
//
// Close must be called: the store's Close waits for open iterators.
type Iterator struct {
	s    *Store
	it   *pebble.Iterator
	atTx uint64
	// cur is the current version; its slices are valid until Next.
	cur    Version
	err    error
	done   bool
	closed bool
	// prefix holds the escaped prefix ('V' || escaped key) of the current
	// key; seek is scratch space for seek keys.
	prefix []byte
	seek   []byte
	// key holds the current user key (cur.Key), decoded into the same
	// buffer when first asked for (Key, Version): a full read of a
	// table's rows needs their values only. raw is the current version
	// key, pebble's until its iterator moves.
	key        []byte
	raw        []byte
	keyPending bool
	// reverse walks the keys from the end of the range to its start.
	reverse bool
	started bool
	// rec is the current version's record, decoded in place.
	rec versionRecord
}

// nextsBeforeSeek is how many older versions of a key the iterator steps
// over with Next before it seeks past them: stepping is cheaper than a
// seek when keys have few versions.
const nextsBeforeSeek = 4

// Scan returns an iterator over the keys of r as of transaction atTx.
func (s *Store) Scan(r Range, atTx uint64) (*Iterator, error) { return s.scan(r, atTx, false) }

// ScanReverse is Scan from the last key of r to the first.
func (s *Store) ScanReverse(r Range, atTx uint64) (*Iterator, error) { return s.scan(r, atTx, true) }

func (s *Store) scan(r Range, atTx uint64, reverse bool) (it *Iterator, err error) {
	if err := s.refs.acquire(); err != nil {
		return nil, err
	}
	if err := s.checkTx(atTx); err != nil {
		s.refs.release()
		return nil, err
	}
	defer func() {
		handleFatal(recover(), &err)
		if err != nil && it == nil {
			s.refs.release()
		}
	}()
	if r.End != nil && r.Start != nil && bytes.Compare(r.Start, r.End) >= 0 {
		r.End = r.Start // empty range
	}
	opts := &pebble.IterOptions{LowerBound: []byte{prefixVersion}, UpperBound: []byte{prefixVersion + 1}}
	if len(r.Start) > 0 {
		opts.LowerBound = versionPrefix(r.Start)
	}
	if r.End != nil {
		opts.UpperBound = versionPrefix(r.End)
	}
	pit, err := s.reads().NewIter(opts)
	if err != nil {
		return nil, storageErr(err)
	}
	i := &Iterator{s: s, it: pit, atTx: atTx, reverse: reverse}
	if !reverse && !pit.First() {
		i.finish()
	}
	return i, nil
}

// Next advances to the next live key and reports whether there is one.
func (i *Iterator) Next() (ok bool) {
	if i.done || i.closed {
		return false
	}
	i.keyPending = false // raw is pebble's only until it moves
	defer func() {
		var err error
		handleFatal(recover(), &err)
		if err != nil {
			i.err, ok = err, false
			i.done = true
		}
	}()
	if i.reverse {
		return i.prev()
	}
	if i.prefix != nil {
		// Leave the versions of the key returned last.
		if !i.skipKey() {
			return false
		}
	}
	for {
		k := i.it.Key()
		if len(k) < 1+2+8 {
			return i.fail(corruptf("version key %x malformed", k))
		}
		txID := ^binary.BigEndian.Uint64(k[len(k)-8:])
		i.prefix = append(i.prefix[:0], k[:len(k)-8]...)
		if txID > i.atTx {
			// Too new: jump to the newest version at or before atTx.
			i.seek = binary.BigEndian.AppendUint64(append(i.seek[:0], i.prefix...), ^i.atTx)
			if !i.it.SeekGE(i.seek) {
				return i.finish()
			}
			k = i.it.Key()
			if !bytes.Equal(k[:len(k)-8], i.prefix) {
				continue // no version of this key at atTx; next key
			}
			txID = ^binary.BigEndian.Uint64(k[len(k)-8:])
		}
		val, err := i.it.ValueAndErr()
		if err != nil {
			return i.fail(storageErr(err))
		}
		if err := i.rec.decode(val); err != nil {
			return i.fail(err)
		}
		if i.rec.kind == format.KindDelete {
			if !i.skipKey() {
				return false
			}
			continue
		}
		if k[len(k)-10] != escapeByte || k[len(k)-9] != terminatorByte {
			return i.fail(corruptf("version key %x malformed", k))
		}
		i.raw, i.keyPending = k, true
		i.setCur(nil, txID)
		return true
	}
}

// prev is Next for a reverse iterator. Landing before a key with SeekLT
// finds its oldest version; a seek to (key, atTx) then finds the version
// visible at atTx, and SeekLT(key) moves on to the previous key.
func (i *Iterator) prev() bool {
	var ok bool
	if !i.started {
		i.started = true
		ok = i.it.Last()
	} else {
		ok = i.it.SeekLT(i.prefix)
	}
	for {
		if !ok {
			return i.finish()
		}
		k := i.it.Key()
		if len(k) < 1+2+8 {
			return i.fail(corruptf("version key %x malformed", k))
		}
		i.prefix = append(i.prefix[:0], k[:len(k)-8]...)
		i.seek = binary.BigEndian.AppendUint64(append(i.seek[:0], i.prefix...), ^i.atTx)
		if !i.it.SeekGE(i.seek) || !bytes.Equal(i.it.Key()[:len(i.it.Key())-8], i.prefix) {
			// Every version of this key is newer than atTx.
			if err := i.it.Error(); err != nil {
				return i.fail(storageErr(err))
			}
			ok = i.it.SeekLT(i.prefix)
			continue
		}
		k = i.it.Key()
		val, err := i.it.ValueAndErr()
		if err != nil {
			return i.fail(storageErr(err))
		}
		if err := i.rec.decode(val); err != nil {
			return i.fail(err)
		}
		if i.rec.kind == format.KindDelete {
			ok = i.it.SeekLT(i.prefix)
			continue
		}
		key, txID, err := decodeVersionKeyInto(i.key, k)
		if err != nil {
			return i.fail(err)
		}
		i.key, i.keyPending = key, false
		i.setCur(key, txID)
		return true
	}
}

// setCur makes the current version key's at txID, from i.rec, field by
// field (see versionRecord.decode).
func (i *Iterator) setCur(key []byte, txID uint64) {
	c, r := &i.cur, &i.rec
	c.Key, c.Value, c.Metadata = key, r.value, r.metadata
	c.TxID, c.Time, c.Index = txID, r.time, r.index
}

// skipKey moves past every version of the current key. It reports false
// when the range is exhausted.
func (i *Iterator) skipKey() bool {
	for n := 0; n < nextsBeforeSeek; n++ {
		if !i.it.Next() {
			return i.finish()
		}
		k := i.it.Key()
		if len(k) < 8 || !bytes.Equal(k[:len(k)-8], i.prefix) {
			return true
		}
	}
	i.seek = append(i.seek[:0], i.prefix...)
	i.seek[len(i.seek)-1] = successorMarker
	if !i.it.SeekGE(i.seek) {
		return i.finish()
	}
	return true
}

// finish marks the end of the range, keeping pebble's error if any.
func (i *Iterator) finish() bool {
	i.done = true
	if err := i.it.Error(); err != nil && i.err == nil {
		i.err = fmt.Errorf("kv: scan: %w", storageErr(err))
	}
	return false
}

func (i *Iterator) fail(err error) bool {
	i.err = fmt.Errorf("kv: scan: %w", err)
	i.done = true
	return false
}

// Key returns the current key. Valid until the next call of Next.
func (i *Iterator) Key() []byte {
	if i.keyPending {
		i.decodeKey()
	}
	return i.cur.Key
}

// decodeKey decodes the current user key from its version key. Next
// checks only the key's terminator; a key that does not decode further
// (a bad escape, tx 0: a corrupt store) ends the iteration here with
// the error, which Err returns once Next reports the end, and is nil.
func (i *Iterator) decodeKey() {
	i.keyPending = false
	key, _, err := decodeVersionKeyInto(i.key, i.raw)
	if err != nil {
		i.fail(err)
		return
	}
	i.key, i.cur.Key = key, key
}

// Value returns the current value. Valid until the next call of Next.
func (i *Iterator) Value() []byte { return i.cur.Value }

// Version returns the current version. Its slices are valid until the next
// call of Next.
func (i *Iterator) Version() Version {
	if i.keyPending {
		i.decodeKey()
	}
	return i.cur
}

// TxID returns the current version's transaction: Version().TxID
// without copying the whole Version, for a scan's every row.
func (i *Iterator) TxID() uint64 { return i.cur.TxID }

// Time returns the current version's commit time, as Version().Time.
func (i *Iterator) Time() int64 { return i.cur.Time }

// Err returns the error that stopped the iteration, if any.
func (i *Iterator) Err() error { return i.err }

// Close releases the iterator. It is safe to call more than once.
func (i *Iterator) Close() (err error) {
	if i.closed {
		return nil
	}
	i.closed, i.keyPending = true, false
	defer i.s.refs.release()
	defer recoverFatal(&err)
	err = storageErr(i.it.Close())
	if i.err != nil {
		return i.err
	}
	return err
}

// EstimateBytes estimates the bytes the versions of a key range take on
// disk (from table metadata, not a scan; memtable contents count as
// zero). The planner uses it to estimate table sizes.
func (s *Store) EstimateBytes(r Range) uint64 {
	start := appendEscapedPrefix([]byte{prefixVersion}, r.Start)
	end := []byte{prefixVersion + 1}
	if r.End != nil {
		end = appendEscapedPrefix([]byte{prefixVersion}, r.End)
	}
	n, err := s.db.EstimateDiskUsage(start, end)
	if err != nil {
		return 0
	}
	return n
}

// appendEscapedPrefix appends a user key prefix escaped as in version
// keys, without the terminator: every escaped key that starts with the
// prefix starts with the result.
func appendEscapedPrefix(dst, p []byte) []byte {
	for _, b := range p {
		if b == escapeByte {
			dst = append(dst, escapeByte, escapedZero)
		} else {
			dst = append(dst, b)
		}
	}
	return dst
}
