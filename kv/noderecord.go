package kv

import (
	"fmt"
	"math/bits"

	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
)

// Header records (store format 2). The value under a transaction's header
// key is its header followed by the Merkle nodes of the log that its leaf
// completes:
//
//	offset        size  field
//	0             54    header: the format.Header encoding (hashed into the leaf)
//	54            32·n  the nodes (l, i>>l) for l = 0 .. n-1, level 0 first,
//	                    where i = txID-1 is the transaction's leaf and n is one
//	                    more than the number of trailing one bits of i
//
// Node (level, index) is completed by the leaf (index+1)<<level - 1, that
// is by transaction (index+1)<<level, and is the level-th node of that
// transaction's record. Level 0 is the leaf hash itself, kept so that
// Open and Verify compare a header with the leaf the tree was built from.
//
// Why here. A single-row commit wrote about two node records besides its
// header, entry list and version: five pebble keys where three now do.
// Pebble's cost grows with its keys (memtable inserts, flushes and
// compactions were a fifth of the server's CPU in single-row INSERTs at 64
// connections), and storing the nodes with the header cut the server's
// CPU per INSERT by about a tenth (docs/BENCHMARKS.md, "Merkle nodes in
// the header record").
//
// Transactions before the store's nodesFrom (those written in format 1)
// have a header record of the header alone and their nodes under node keys
// (keys.go).

// nodesCompleted is the number of nodes the leaf of txID completes.
func nodesCompleted(txID uint64) int {
	return 1 + bits.TrailingZeros64(^(txID - 1))
}

// headerRecordSize is the size of txID's header record in format 2.
func headerRecordSize(txID uint64) int {
	return format.HeaderSize + merkle.HashSize*nodesCompleted(txID)
}

// completingTx is the transaction whose leaf completes node (level, index).
func completingTx(level uint8, index uint64) uint64 {
	return (index + 1) << level
}

// splitHeaderRecord splits txID's header record into the header encoding
// and the nodes, checking the record's size for the store's format: a
// transaction before nodesFrom has no nodes in its record.
func (s *Store) splitHeaderRecord(txID uint64, rec []byte) (hdr, nodes []byte, err error) {
	want := format.HeaderSize
	if txID >= s.nodesFrom {
		want = headerRecordSize(txID)
	}
	if len(rec) != want {
		return nil, nil, corruptf("tx %d: header record of %d bytes, want %d", txID, len(rec), want)
	}
	return rec[:format.HeaderSize], rec[format.HeaderSize:], nil
}

// nodeInRecord returns node number level of a header record's nodes.
func nodeInRecord(nodes []byte, level uint8) (merkle.Hash, error) {
	var h merkle.Hash
	off := int(level) * merkle.HashSize
	if off+merkle.HashSize > len(nodes) {
		return h, fmt.Errorf("kv: %w: no node at level %d in a header record", ErrCorrupt, level)
	}
	copy(h[:], nodes[off:])
	return h, nil
}
