package kv

import (
	"math/bits"

	"github.com/cockroachdb/pebble/v2"

	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
)

// Header records (store formats 2 and 3). The value under a transaction's header
// key is its header, the Merkle nodes of the log that its leaf completes,
// and, when it is small, its entry list:
//
//	offset        size  field
//	0             54    header: the format.Header encoding (hashed into the leaf)
//	54            32·n  the nodes (l, i>>l) for l = 0 .. n-1, level 0 first,
//	                    where i = txID-1 is the transaction's leaf and n is one
//	                    more than the number of trailing one bits of i
//	54+32·n       L     the entry list (records.go), when L <= maxInlineEntries;
//	                    otherwise nothing here, and the list is under the
//	                    transaction's entry-list key
//
// Every transaction has an entry, so an empty remainder says that the list
// is under its own key. Node (level, index) is completed by the leaf
// (index+1)<<level - 1, that is by transaction (index+1)<<level, and is
// the level-th node of that transaction's record. Level 0 is the leaf hash
// itself, kept so that Open and Verify compare a header with the leaf the
// tree was built from.
//
// Why. A single-row commit wrote five pebble keys: header, entry list,
// version and about two nodes. It now writes two. Pebble's cost grows
// with its keys (memtable inserts, flushes and compactions were a fifth of
// the server's CPU in single-row INSERTs at 64 connections). Moving the
// nodes here cut the server's CPU per INSERT by 7%, and the entry lists
// too by 13% in all (docs/BENCHMARKS.md, "Header records"). A large entry
// list keeps its own key because proofs read header records for their
// nodes.
//
// Where a large list's key is (format 3). Its key is the header key with
// entryListSuffix appended, so the list sorts right after its header and
// both are in one key family. Format 2 kept it in the 'E' family, which
// sorts before the headers, and that layout made pebble rewrite a bulk
// load about three times: each flush held the tail of three families
// (entry lists, headers, versions), and pebble cuts a flush's output into
// separate tables only where enough bytes of the tables already in L0 lie
// between two cut points. A bulk load's headers are few (one per 10,000
// rows), so the headers' tail was never a cut point, the flush's table ran
// from the new headers to the new versions across every older version
// table in L0, and every flush overlapped the previous ones: compactions
// rewrote the flushed bytes into L5 and again into L6. With the lists
// among the headers the families are two, both large, so each flush cuts
// between them, its tables overlap nothing, and pebble moves them down
// the tree without rewriting them: a COPY's server CPU per row fell by
// about a fifth (docs/BENCHMARKS.md, "Entry lists among the headers").
//
// Parts (format 4). A list longer than listPartBytes is cut into parts
// of listPartBytes, the last one shorter or not: the first under the
// list's key, part i >= 1 under entryListPartKey(txID, i). A reader
// reads the next part for as long as the last one read was full. Pebble
// flushes a value in a block of its own and holds it four times over
// while it does: a DELETE of 2.5 million rows had a list of 131 MB, and
// the flush of it was half the commit's peak memory (docs/BENCHMARKS.md,
// "Memory of a large transaction"). The lists of older formats are one
// value; a reader of one longer than listPartBytes reads no more parts.
//
// Transactions before the store's nodesFrom (those written in format 1)
// have a header record of the header alone, their entry list under its
// 'E' key and their nodes under node keys (keys.go). Those from nodesFrom
// to before listsFrom (format 2) have format 3's header records and a
// large list under its 'E' key.

// maxInlineEntries is the largest entry list kept in a header record.
const maxInlineEntries = 1024

// listPartBytes is the size of an entry list's parts (format 4): large
// enough that a bulk load's 10,000-row transactions keep theirs in one.
const listPartBytes = 1 << 20

// setTxRecords sets transaction txID's records in b: its header record,
// rec (the header and nodes) followed by the entry list when that is at
// most maxInlineEntries, and otherwise the list under its own key
// (listKey). With room in rec's capacity for a small list, nothing is
// allocated (the commit path).
func (s *Store) setTxRecords(b *pebble.Batch, txID uint64, rec, list []byte) error {
	switch {
	case len(list) <= maxInlineEntries:
		rec = append(rec, list...)
	case txID < s.listsFrom:
		// Not reached: a store is upgraded before anything is committed
		// to it, so every new transaction is at or past listsFrom. Kept
		// so that a list never goes where its readers would not look.
		if err := b.Set(s.listKey(txID), list, nil); err != nil {
			return err
		}
	default:
		for i := uint32(0); len(list) > 0; i++ {
			part := list[:min(len(list), listPartBytes)]
			list = list[len(part):]
			key := entryListKey(txID)
			if i > 0 {
				key = entryListPartKey(txID, i)
			}
			if err := b.Set(key, part, nil); err != nil {
				return err
			}
		}
	}
	return b.Set(txKey(prefixHeader, txID), rec, nil)
}

// moreListParts reports whether an entry list whose last part read was
// part, in the header family, may go on in another part.
func moreListParts(part []byte) bool { return len(part) == listPartBytes }

// listKey returns the key of txID's entry list when its header record
// does not hold it: in the header family from the store's listsFrom on,
// under the 'E' key before. A store is upgraded to format 3 before
// anything is committed to it, so new transactions always get format 3's
// key. The commit log's replay after a crash applies the logged batches
// as they were written: an older store's groups keep their 'E' keys, and
// the upgrade that follows sets listsFrom past them.
func (s *Store) listKey(txID uint64) []byte {
	if txID >= s.listsFrom {
		return entryListKey(txID)
	}
	return txKey(prefixEntries, txID)
}

// nodesCompleted is the number of nodes the leaf of txID completes.
func nodesCompleted(txID uint64) int {
	return 1 + bits.TrailingZeros64(^(txID - 1))
}

// headerRecordSize is the size of txID's header record in format 2,
// without an entry list.
func headerRecordSize(txID uint64) int {
	return format.HeaderSize + merkle.HashSize*nodesCompleted(txID)
}

// completingTx is the transaction whose leaf completes node (level, index).
func completingTx(level uint8, index uint64) uint64 {
	return (index + 1) << level
}

// headerRecord is a header record split into its parts, each aliasing
// the record.
type headerRecord struct {
	header  []byte // the format.Header encoding
	nodes   []byte // the nodes the transaction completes (format 2)
	entries []byte // the entry list, when kept in the record
}

// splitHeaderRecord splits txID's header record, checking its size for
// the store's format: a transaction before nodesFrom has the header alone.
func (s *Store) splitHeaderRecord(txID uint64, rec []byte) (headerRecord, error) {
	if txID < s.nodesFrom {
		if len(rec) != format.HeaderSize {
			return headerRecord{}, corruptf("tx %d: header record of %d bytes, want %d", txID, len(rec), format.HeaderSize)
		}
		return headerRecord{header: rec}, nil
	}
	n := headerRecordSize(txID)
	if len(rec) < n || len(rec) > n+maxInlineEntries {
		return headerRecord{}, corruptf("tx %d: header record of %d bytes, want %d to %d", txID, len(rec), n, n+maxInlineEntries)
	}
	return headerRecord{header: rec[:format.HeaderSize], nodes: rec[format.HeaderSize:n], entries: rec[n:]}, nil
}

// nodeInRecord returns node number level of a header record's nodes.
func nodeInRecord(nodes []byte, level uint8) (merkle.Hash, error) {
	var h merkle.Hash
	off := int(level) * merkle.HashSize
	if off+merkle.HashSize > len(nodes) {
		return h, corruptf("no node at level %d in a header record", level)
	}
	copy(h[:], nodes[off:])
	return h, nil
}
