package kv

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/stela-db/stela/kv/format"
)

// Stored record encodings. Clients never see these; they are what
// `stela verify` reads back and checks against the hashed formats of
// package format. Persisted: change only with a new store format version.

// storeMagic opens the store identity record.
const storeMagic = "STELA-KV"

// storeFormatVersion is the layout of keys and records in this file and in
// keys.go. Persisted. Format 2 keeps the Merkle nodes a transaction
// completes, and a small entry list, in its header record
// (headerrecord.go); format 1 kept them under keys of their own. Format 3
// keeps a large entry list under a key of the header family instead of
// the 'E' family. Format 4 cuts a list longer than a megabyte into parts
// under keys of their own (headerrecord.go); its identity record is
// format 3's. A store of an older format opened for writing becomes a
// format-4 store whose older transactions keep their format's layout.
const storeFormatVersion = 4

// storeIdentity is the value of metaStoreKey.
//
//	offset size field
//	0      8    "STELA-KV"
//	8      2    store format version, big-endian uint16
//	10     8    creation time, microseconds since the Unix epoch, big-endian
//	18     8    formats 2 and 3: the first transaction whose header record
//	            holds its Merkle nodes, big-endian (1 for a store created
//	            in format 2 or 3; one past the last transaction of a
//	            format-1 store when it was upgraded)
//	26     8    formats 3 and 4: the first transaction whose large entry list
//	            is under its entry-list key, big-endian (1 for a store
//	            created in format 3; one past the last transaction of an
//	            older store when it was upgraded)
type storeIdentity struct {
	version uint16
	created int64
	// nodesFrom is the first transaction whose header record has format
	// 2's layout; the nodes of those before are under node keys. A format-1
	// store has none: nodesFrom is then math.MaxUint64.
	nodesFrom uint64
	// listsFrom is the first transaction whose entry list, when not in
	// its header record, is under its entry-list key (keys.go); those
	// before keep it under their 'E' key. math.MaxUint64 before format 3.
	listsFrom uint64
}

func (id storeIdentity) encode() []byte {
	b := append([]byte(storeMagic), 0, 0)
	binary.BigEndian.PutUint16(b[8:], id.version)
	b = binary.BigEndian.AppendUint64(b, uint64(id.created))
	if id.version >= 2 {
		b = binary.BigEndian.AppendUint64(b, id.nodesFrom)
	}
	if id.version >= 3 {
		b = binary.BigEndian.AppendUint64(b, id.listsFrom)
	}
	return b
}

func decodeStoreIdentity(b []byte) (storeIdentity, error) {
	var id storeIdentity
	if len(b) < 18 || string(b[:8]) != storeMagic {
		return id, corruptf("store identity record malformed")
	}
	id.version = binary.BigEndian.Uint16(b[8:])
	id.created = int64(binary.BigEndian.Uint64(b[10:]))
	id.nodesFrom, id.listsFrom = math.MaxUint64, math.MaxUint64
	switch {
	case id.version == 1 && len(b) == 18:
	case id.version == 2 && len(b) == 26:
		id.nodesFrom = binary.BigEndian.Uint64(b[18:])
	case (id.version == 3 || id.version == 4) && len(b) == 34:
		id.nodesFrom = binary.BigEndian.Uint64(b[18:])
		id.listsFrom = binary.BigEndian.Uint64(b[26:])
	case id.version > storeFormatVersion:
		return id, fmt.Errorf("kv: store format %d; this build reads formats 1 to %d", id.version, storeFormatVersion)
	default:
		return id, corruptf("store identity record malformed")
	}
	if id.nodesFrom == 0 || id.listsFrom == 0 {
		return id, corruptf("store identity record malformed")
	}
	return id, nil
}

// versionRecord is the value stored under a version key.
//
//	offset size field
//	0      1    entry kind (format.KindPut or format.KindDelete)
//	1      4    index of the entry in its transaction, big-endian uint32
//	5      8    commit time of the transaction, microseconds, big-endian
//	13     4    metadata length M, big-endian uint32
//	17     M    metadata
//	17+M   ...  value (empty for a delete)
//
// Kind, index, time and metadata repeat what the transaction's header and
// entry list say, so that a read is one seek; `verify` checks that they
// agree.
type versionRecord struct {
	kind     format.Kind
	index    uint32
	time     int64
	metadata []byte
	value    []byte
}

const versionRecordFixed = 17

// versionTimeOffset is where the commit time sits, so that the committer
// can fill it into a record that was encoded before the time was known.
const versionTimeOffset = 5

func (r *versionRecord) encodedSize() int {
	return versionRecordFixed + len(r.metadata) + len(r.value)
}

func (r *versionRecord) appendEncoding(dst []byte) []byte {
	dst = append(dst, byte(r.kind))
	dst = binary.BigEndian.AppendUint32(dst, r.index)
	dst = binary.BigEndian.AppendUint64(dst, uint64(r.time))
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(r.metadata)))
	dst = append(dst, r.metadata...)
	return append(dst, r.value...)
}

// decodeVersionRecord decodes a version record. Metadata and value alias b.
func decodeVersionRecord(b []byte) (versionRecord, error) {
	var r versionRecord
	err := r.decode(b)
	return r, err
}

// decode is decodeVersionRecord into r, for the iterators, which keep
// one record and read its fields: a record returned by value and then
// copied whole is stored field by field and loaded back in wider moves,
// which the processor cannot forward (a stall per row of a scan).
func (r *versionRecord) decode(b []byte) error {
	if len(b) < versionRecordFixed {
		return corruptf("version record truncated: %d bytes", len(b))
	}
	r.kind = format.Kind(b[0])
	if !r.kind.Valid() {
		return corruptf("version record: unknown kind %d", b[0])
	}
	r.index = binary.BigEndian.Uint32(b[1:])
	r.time = int64(binary.BigEndian.Uint64(b[5:]))
	mdLen := binary.BigEndian.Uint32(b[13:])
	if mdLen > format.MaxMetadataSize || uint64(mdLen) > uint64(len(b)-versionRecordFixed) {
		return corruptf("version record: metadata length %d", mdLen)
	}
	end := versionRecordFixed + int(mdLen)
	r.metadata = nil
	if mdLen > 0 {
		r.metadata = b[versionRecordFixed:end:end]
	}
	r.value = b[end:]
	if r.kind == format.KindDelete && len(r.value) != 0 {
		return corruptf("version record: delete with a value")
	}
	return nil
}

// The entries record of a transaction is the concatenation of its entries'
// format encodings, in order; the header says how many there are.

// decodeEntries decodes an entries record holding exactly n entries. The
// entries alias b.
func decodeEntries(b []byte, n uint32) ([]format.Entry, error) {
	if uint64(n) > uint64(len(b)) {
		return nil, corruptf("entries record: %d entries cannot fit in %d bytes", n, len(b))
	}
	entries := make([]format.Entry, 0, n)
	for i := uint32(0); i < n; i++ {
		e, used, err := format.DecodeEntry(b)
		if err != nil {
			return nil, corruptf("entries record: entry %d: %v", i, err)
		}
		entries = append(entries, e)
		b = b[used:]
	}
	if len(b) != 0 {
		return nil, corruptf("entries record: %d bytes after %d entries", len(b), n)
	}
	return entries, nil
}
