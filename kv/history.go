package kv

import (
	"encoding/binary"

	"github.com/cockroachdb/pebble/v2"
)

// HistoryVersion is one version of a key in a range's history, with
// whether the version before it (of the same key) was live: what tells an
// insert from an update.
type HistoryVersion struct {
	Version
	// HadPrevious is set when an earlier version of the key existed and
	// was not a delete.
	HadPrevious bool
}

// HistoryRange returns every version of the keys in r written by a
// transaction in [fromTx, toTx], key by key (in key order) and, within a
// key, oldest first. It reads the whole history of those keys up to
// toTx; a caller bounds memory with limit (the number of versions
// returned, 0 for none), past which it fails with ErrTooLarge.
func (s *Store) HistoryRange(r Range, fromTx, toTx uint64, limit int) (out []HistoryVersion, err error) {
	if toTx == 0 {
		return nil, nil
	}
	if err := s.begin(toTx); err != nil {
		return nil, err
	}
	defer s.end(&err)
	opts := &pebble.IterOptions{LowerBound: []byte{prefixVersion}, UpperBound: []byte{prefixVersion + 1}}
	if len(r.Start) > 0 {
		opts.LowerBound = versionPrefix(r.Start)
	}
	if r.End != nil {
		opts.UpperBound = versionPrefix(r.End)
	}
	it, err := s.reads().NewIter(opts)
	if err != nil {
		return nil, storageErr(err)
	}
	defer it.Close()
	var key []byte // the key whose versions are being collected
	var versions []Version
	flush := func() error {
		// versions are newest first; walk them oldest first.
		live := false
		for i := len(versions) - 1; i >= 0; i-- {
			v := versions[i]
			if v.TxID >= fromTx {
				if limit > 0 && len(out) >= limit {
					return ErrTooLarge
				}
				out = append(out, HistoryVersion{Version: v, HadPrevious: live})
			}
			live = !v.Deleted
		}
		versions = versions[:0]
		return nil
	}
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) < 1+2+8 {
			return nil, corruptf("version key %x malformed", k)
		}
		if ^binary.BigEndian.Uint64(k[len(k)-8:]) > toTx {
			continue
		}
		uk, _, err := decodeVersionKey(k)
		if err != nil {
			return nil, err
		}
		if key == nil || string(uk) != string(key) {
			if err := flush(); err != nil {
				return nil, err
			}
			key = uk
		}
		v, err := decodeVersion(uk, it)
		if err != nil {
			return nil, err
		}
		versions = append(versions, v)
	}
	if err := it.Error(); err != nil {
		return nil, storageErr(err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}
