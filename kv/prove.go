package kv

import (
	"bytes"
	"fmt"

	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
	"github.com/stela-db/stela/kv/proof"
)

// nodeReader reads the log's stored Merkle nodes. It implements
// merkle.NodeReader; a missing or malformed node is corruption, because
// callers only ask for nodes of the committed tree.
type nodeReader struct {
	s      *Store
	cached bool // use the store's node cache
}

// nodes reads nodes through the node cache; proofs use it.
func (s *Store) nodes() nodeReader { return nodeReader{s: s, cached: true} }

// diskNodes reads nodes from pebble only; Verify uses it.
func (s *Store) diskNodes() nodeReader { return nodeReader{s: s} }

// Node returns the hash of the perfect subtree (level, index).
func (r nodeReader) Node(level uint8, index uint64) (merkle.Hash, error) {
	if r.cached {
		if h, ok := r.s.nodeCache.get(level, index); ok {
			return h, nil
		}
	}
	h, err := r.read(level, index)
	if err == nil && r.cached {
		r.s.nodeCache.put(level, index, h)
	}
	return h, err
}

// read reads node (level, index) from the header record of the
// transaction that completed it, or from its node key when that
// transaction was written in store format 1 (headerrecord.go).
func (r nodeReader) read(level uint8, index uint64) (merkle.Hash, error) {
	var h merkle.Hash
	if txID := completingTx(level, index); txID >= r.s.nodesFrom {
		rec, err := r.s.getRaw(txKey(prefixHeader, txID))
		if err != nil {
			return h, missingAsCorrupt(err, "tx %d: header record, which holds Merkle node (level %d, index %d)", txID, level, index)
		}
		hr, err := r.s.splitHeaderRecord(txID, rec)
		if err != nil {
			return h, err
		}
		return nodeInRecord(hr.nodes, level)
	}
	b, err := r.s.getRaw(nodeKey(level, index))
	if err != nil {
		return h, missingAsCorrupt(err, "Merkle node (level %d, index %d)", level, index)
	}
	if len(b) != merkle.HashSize {
		return h, corruptf("Merkle node (level %d, index %d) has %d bytes", level, index, len(b))
	}
	copy(h[:], b)
	return h, nil
}

// InclusionProof proves that transaction txID is leaf txID-1 of the log
// when it had size transactions (txID <= size <= LastTx).
func (s *Store) InclusionProof(txID, size uint64) (proof []merkle.Hash, err error) {
	if err := s.begin(size); err != nil {
		return nil, err
	}
	defer s.end(&err)
	if txID == 0 || txID > size {
		return nil, invalidf("tx %d is not in a log of size %d", txID, size)
	}
	return merkle.InclusionProof(s.nodes(), leafIndex(txID), size)
}

// ConsistencyProof proves that the log of size1 transactions is a prefix
// of the log of size2 (0 < size1 <= size2 <= LastTx).
func (s *Store) ConsistencyProof(size1, size2 uint64) (proof []merkle.Hash, err error) {
	if err := s.begin(size2); err != nil {
		return nil, err
	}
	defer s.end(&err)
	if size1 == 0 || size1 > size2 {
		return nil, invalidf("no consistency proof from size %d to %d", size1, size2)
	}
	return merkle.ConsistencyProof(s.nodes(), size1, size2)
}

// EntryProof proves that entry index of transaction txID is in the tree of
// the transaction's entries, whose root the header holds. It reads the
// transaction's entry list once.
func (s *Store) EntryProof(txID uint64, index uint32) (proof []merkle.Hash, err error) {
	if err := s.begin(txID); err != nil {
		return nil, err
	}
	defer s.end(&err)
	h, entries, err := s.txEntries(txID)
	if err != nil {
		return nil, err
	}
	if index >= h.Entries {
		return nil, invalidf("tx %d has %d entries; no entry %d", txID, h.Entries, index)
	}
	return entryPath(entries, index)
}

// entryPath builds the inclusion proof of entries[index] in the
// transaction's entry tree.
func entryPath(entries []format.Entry, index uint32) ([]merkle.Hash, error) {
	leaves := make([]merkle.Hash, len(entries))
	for i := range entries {
		leaves[i] = entries[i].LeafHash()
	}
	tree := merkle.NewTree(leaves)
	p, err := merkle.InclusionProof(tree, uint64(index), uint64(len(leaves)))
	if err != nil {
		return nil, fmt.Errorf("kv: entry proof: %w", err)
	}
	return p, nil
}

// ProveKey proves the version of key visible at atTx (its latest version
// written at or before atTx, which may be a delete) in the log of size
// transactions. Requires atTx <= size <= LastTx. A key with no version at
// atTx gives ErrNotFound.
func (s *Store) ProveKey(key []byte, atTx, size uint64) (*proof.KeyProof, error) {
	if atTx > size {
		return nil, invalidf("tx %d is after the proof's log size %d", atTx, size)
	}
	v, found, err := s.getVersionAt(key, atTx, false)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, notFoundError{key: string(key), tx: atTx}
	}
	return s.proveVersion(v, size)
}

// proveVersion builds the proof of a version read from the store.
func (s *Store) proveVersion(v Version, size uint64) (p *proof.KeyProof, err error) {
	if err := s.begin(size); err != nil {
		return nil, err
	}
	defer s.end(&err)
	et, err := s.entryTreeOf(v.TxID)
	if err != nil {
		return nil, err
	}
	h, entries := et.header, et.entries
	if v.Index >= h.Entries || !bytes.Equal(entries[v.Index].Key, v.Key) {
		return nil, corruptf("tx %d: version of %q points at entry %d, which is not it", v.TxID, v.Key, v.Index)
	}
	entryPath, err := merkle.InclusionProof(et.tree, uint64(v.Index), uint64(len(entries)))
	if err != nil {
		return nil, fmt.Errorf("kv: entry proof: %w", err)
	}
	txPath, err := merkle.InclusionProof(s.nodes(), leafIndex(v.TxID), size)
	if err != nil {
		return nil, err
	}
	return &proof.KeyProof{
		Key: v.Key, Value: v.Value, Metadata: v.Metadata, Deleted: v.Deleted,
		EntryIndex: v.Index, EntryPath: entryPath,
		Header: h, Size: size, TxPath: txPath,
	}, nil
}

// ProveConsistency returns ConsistencyProof(size1, size2) as a
// proof.ConsistencyProof.
func (s *Store) ProveConsistency(size1, size2 uint64) (*proof.ConsistencyProof, error) {
	path, err := s.ConsistencyProof(size1, size2)
	if err != nil {
		return nil, err
	}
	return &proof.ConsistencyProof{Size1: size1, Size2: size2, Path: path}, nil
}
