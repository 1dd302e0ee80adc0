package kv

import (
	"bytes"
	"encoding/binary"
)

// Pebble key families. Every stored key starts with one of these bytes.
// Persisted: never change or reuse them.
const (
	prefixMeta    byte = 'M' // store identity and settings
	prefixHeader  byte = 'H' // tx header record (header, Merkle nodes, small entry list), by tx id
	prefixEntries byte = 'E' // tx entry list not kept in its header record, by tx id: formats 1 and 2 only
	prefixNode    byte = 'N' // Merkle node of the log, by level and index: store format 1 only
	prefixVersion byte = 'V' // key version, by user key then descending tx id
)

// Meta keys.
var (
	metaStoreKey  = []byte{prefixMeta, 's'}
	metaOriginKey = []byte{prefixMeta, 'o'}
)

// Escaping of user keys inside version keys. A user key is written with
// every 0x00 byte replaced by 0x00 0xFF and followed by the terminator
// 0x00 0x01. The result is prefix-free and sorts exactly as the raw keys
// do, so that the versions of one key are contiguous and keys come out of
// a scan in byte order.
const (
	escapeByte      = 0x00
	escapedZero     = 0xFF
	terminatorByte  = 0x01
	successorMarker = 0x02 // after escapeByte: sorts after every version of a key
)

// txKey returns the key of a per-transaction record (header or entries).
func txKey(prefix byte, txID uint64) []byte {
	k := make([]byte, 9)
	k[0] = prefix
	binary.BigEndian.PutUint64(k[1:], txID)
	return k
}

// entryListSuffix ends the key of a transaction's entry list in format 3:
// 'H' txid(8) entryListSuffix, right after the transaction's header key.
const entryListSuffix byte = 'L'

// entryListKey returns the key of txID's entry list when it is not in the
// header record, in format 3 (headerrecord.go says why it is in the
// header family).
func entryListKey(txID uint64) []byte {
	k := make([]byte, 10)
	k[0] = prefixHeader
	binary.BigEndian.PutUint64(k[1:], txID)
	k[9] = entryListSuffix
	return k
}

// isEntryListKey reports whether k, a key of the header family, is an
// entry-list key rather than a header key.
func isEntryListKey(k []byte) bool {
	return len(k) == 10 && k[9] == entryListSuffix
}

// entryListPartKey returns the key of part i >= 1 of txID's entry list
// (format 4, headerrecord.go): the list's key followed by i, big-endian,
// so that the parts sort in order right after the list's first part.
func entryListPartKey(txID uint64, i uint32) []byte {
	return binary.BigEndian.AppendUint32(append(make([]byte, 0, 14), entryListKey(txID)...), i)
}

// isEntryListPartKey reports whether k, a key of the header family, is
// the key of an entry list's part after the first.
func isEntryListPartKey(k []byte) bool {
	return len(k) == 14 && k[9] == entryListSuffix
}

// nodeKey returns the key of the log's Merkle node (level, index), where
// store format 1 kept it (headerrecord.go).
func nodeKey(level uint8, index uint64) []byte {
	k := make([]byte, 10)
	k[0] = prefixNode
	k[1] = level
	binary.BigEndian.PutUint64(k[2:], index)
	return k
}

// appendEscapedKey appends the escaped, terminated user key to dst.
func appendEscapedKey(dst, key []byte) []byte {
	for _, b := range key {
		if b == escapeByte {
			dst = append(dst, escapeByte, escapedZero)
		} else {
			dst = append(dst, b)
		}
	}
	return append(dst, escapeByte, terminatorByte)
}

// versionPrefix returns 'V' || escaped(key): the common prefix of every
// version of key.
func versionPrefix(key []byte) []byte {
	return appendEscapedKey(append(make([]byte, 0, len(key)+12), prefixVersion), key)
}

// versionKey returns the key of key's version written by txID. Tx ids are
// stored inverted so that a key's newest version comes first: "the latest
// version at or before tx T" is the first key at or after
// versionKey(key, T), one seek whatever the number of versions.
func versionKey(key []byte, txID uint64) []byte {
	return binary.BigEndian.AppendUint64(versionPrefix(key), ^txID)
}

// versionPrefixSize is len(versionPrefix(key)): each 0x00 of the key
// takes two bytes, and the terminator two more.
func versionPrefixSize(key []byte) int {
	return 1 + len(key) + bytes.Count(key, []byte{escapeByte}) + 2
}

// versionKeySize is len(versionKey(key, txID)).
func versionKeySize(key []byte) int { return versionPrefixSize(key) + 8 }

// appendVersionKey is versionKey written into a reusable buffer.
func appendVersionKey(dst, key []byte, txID uint64) []byte {
	dst = appendEscapedKey(append(dst, prefixVersion), key)
	return binary.BigEndian.AppendUint64(dst, ^txID)
}

// versionKeySuccessor returns the smallest version key that sorts after every
// version of key and before every version of any greater key.
func versionKeySuccessor(key []byte) []byte {
	p := versionPrefix(key)
	p[len(p)-1] = successorMarker
	return p
}

// decodeVersionKey splits a version key into user key and tx id. The user
// key is a fresh slice.
func decodeVersionKey(k []byte) (key []byte, txID uint64, err error) {
	if len(k) < 1+2+8 {
		return nil, 0, corruptf("version key %x malformed", k)
	}
	return decodeVersionKeyInto(make([]byte, 0, len(k)-1-2-8), k)
}

// decodeVersionKeyInto is decodeVersionKey writing the user key to dst[:0]
// instead of a fresh slice: a scan decodes every key into one buffer.
func decodeVersionKeyInto(dst, k []byte) (key []byte, txID uint64, err error) {
	if len(k) < 1+2+8 || k[0] != prefixVersion {
		return nil, 0, corruptf("version key %x malformed", k)
	}
	body := k[1 : len(k)-8]
	txID = ^binary.BigEndian.Uint64(k[len(k)-8:])
	key = dst[:0]
	for i := 0; i < len(body); i++ {
		b := body[i]
		if b != escapeByte {
			key = append(key, b)
			continue
		}
		if i+1 >= len(body) {
			return nil, 0, corruptf("version key %x: dangling escape", k)
		}
		switch body[i+1] {
		case escapedZero:
			key = append(key, 0)
			i++
		case terminatorByte:
			if i+2 != len(body) {
				return nil, 0, corruptf("version key %x: bytes after terminator", k)
			}
			if len(key) == 0 || txID == 0 {
				return nil, 0, corruptf("version key %x: empty key or tx 0", k)
			}
			return key, txID, nil
		default:
			return nil, 0, corruptf("version key %x: bad escape", k)
		}
	}
	return nil, 0, corruptf("version key %x: no terminator", k)
}

// prefixEnd returns the first key after every key that starts with p, or
// nil if there is none (p is all 0xFF).
func prefixEnd(p []byte) []byte { return AppendPrefixEnd(nil, p) }
