package kv

import (
	"encoding/binary"
	"fmt"

	"github.com/stela-db/stela/kv/format"
)

// Exported transaction records: a committed transaction in the form a
// backup carries it, from which Import rebuilds every stored record
// (header, entry list, version records, Merkle nodes) byte for byte.
//
//	offset  size  field
//	0       54    header: the format.Header encoding (the log leaf's data)
//	54      4     entry list length L, big-endian uint32
//	58      L     entry list: the format.Entry encodings, concatenated
//	58+L    ...   for each put entry, in entry order:
//	                4  value length V, big-endian uint32
//	                V  value bytes
//
// Deletes carry no value. Nothing in a record is trusted by Import: the
// header's entries root is recomputed from the entry list and every
// value's digest from its bytes, so a record whose bytes were changed
// fails to import, and one rewritten consistently changes the log's root,
// which the checkpoint then refuses. Persisted (backup files): change only
// with a new backup format version.

// ExportTx appends the exported record of committed transaction txID to
// dst. The store reads the transaction as Tx does, one point read per
// entry.
func (s *Store) ExportTx(txID uint64, dst []byte) (out []byte, err error) {
	if err := s.begin(txID); err != nil {
		return dst, err
	}
	defer s.end(&err)
	h, entries, err := s.txEntries(txID)
	if err != nil {
		return dst, err
	}
	out = h.AppendEncoding(dst)
	lenAt := len(out)
	out = binary.BigEndian.AppendUint32(out, 0)
	for _, e := range entries {
		out = e.AppendEncoding(out)
	}
	binary.BigEndian.PutUint32(out[lenAt:], uint32(len(out)-lenAt-4))
	for _, e := range entries {
		if e.Kind != format.KindPut {
			continue
		}
		rec, err := s.versionRecordOf(e.Key, txID)
		if err != nil {
			return dst, err
		}
		if rec.kind != e.Kind {
			return dst, corruptf("tx %d: version of %q is a %s, its entry a %s", txID, e.Key, rec.kind, e.Kind)
		}
		out = binary.BigEndian.AppendUint32(out, uint32(len(rec.value)))
		out = append(out, rec.value...)
	}
	return out, nil
}

// decodeExportedTx splits a record into header, entry list encoding,
// entries (aliasing rec) and values (aliasing rec; nil for deletes). It
// checks the record's framing only, not its hashes.
func decodeExportedTx(rec []byte) (h format.Header, list []byte, entries []format.Entry, values [][]byte, err error) {
	if len(rec) < format.HeaderSize+4 {
		return h, nil, nil, nil, corruptf("record of %d bytes is shorter than a header", len(rec))
	}
	if h, err = format.DecodeHeader(rec[:format.HeaderSize]); err != nil {
		return h, nil, nil, nil, err
	}
	rest := rec[format.HeaderSize:]
	n := binary.BigEndian.Uint32(rest)
	rest = rest[4:]
	if uint64(n) > uint64(len(rest)) {
		return h, nil, nil, nil, corruptf("entry list of %d bytes, %d left in the record", n, len(rest))
	}
	list, rest = rest[:n:n], rest[n:]
	if entries, err = decodeEntries(list, h.Entries); err != nil {
		return h, nil, nil, nil, err
	}
	values = make([][]byte, len(entries))
	for i, e := range entries {
		if e.Kind != format.KindPut {
			continue
		}
		if len(rest) < 4 {
			return h, nil, nil, nil, corruptf("value of entry %d is missing", i)
		}
		v := binary.BigEndian.Uint32(rest)
		rest = rest[4:]
		if uint64(v) > uint64(len(rest)) {
			return h, nil, nil, nil, corruptf("value of entry %d: %d bytes, %d left in the record", i, v, len(rest))
		}
		values[i], rest = rest[:v:v], rest[v:]
	}
	if len(rest) != 0 {
		return h, nil, nil, nil, fmt.Errorf("kv: %w: %d bytes after the last value", ErrCorrupt, len(rest))
	}
	return h, list, entries, values, nil
}
