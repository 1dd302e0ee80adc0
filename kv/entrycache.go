package kv

import (
	"container/list"
	"sync"

	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
)

// entryTrees caches the entry trees of recently proven transactions. A
// row written by a transaction of many rows (a bulk INSERT) needs, for
// its proof, the hashes of all of that transaction's entries: rebuilding
// them per proof made a verified read of such a row ten times slower than
// a plain read. Committed transactions never change, so a cached tree
// stays right; the cache only bounds memory.
type entryTrees struct {
	mu    sync.Mutex
	byTx  map[uint64]*list.Element
	order *list.List // front: most recently used
}

type entryTree struct {
	tx      uint64
	header  format.Header
	entries []format.Entry
	tree    *merkle.Tree
}

const (
	// Small transactions are cheap to rehash; cache the large ones.
	minCachedEntries = 16
	maxCachedTrees   = 64
)

func (c *entryTrees) get(tx uint64) *entryTree {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byTx[tx]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*entryTree)
	}
	return nil
}

func (c *entryTrees) put(t *entryTree) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byTx == nil {
		c.byTx, c.order = map[uint64]*list.Element{}, list.New()
	}
	if _, ok := c.byTx[t.tx]; ok {
		return
	}
	c.byTx[t.tx] = c.order.PushFront(t)
	for c.order.Len() > maxCachedTrees {
		old := c.order.Remove(c.order.Back()).(*entryTree)
		delete(c.byTx, old.tx)
	}
}

// entryTreeOf returns a committed transaction's header, entries and entry
// tree, from the cache when it holds them.
func (s *Store) entryTreeOf(txID uint64) (*entryTree, error) {
	if t := s.entryTrees.get(txID); t != nil {
		return t, nil
	}
	h, entries, err := s.txEntries(txID)
	if err != nil {
		return nil, err
	}
	leaves := make([]merkle.Hash, len(entries))
	for i := range entries {
		leaves[i] = entries[i].LeafHash()
	}
	t := &entryTree{tx: txID, header: h, entries: entries, tree: merkle.NewTree(leaves)}
	if len(entries) >= minCachedEntries {
		s.entryTrees.put(t)
	}
	return t, nil
}
