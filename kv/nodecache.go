package kv

import (
	"sync"

	"github.com/stela-db/stela/kv/merkle"
)

// nodeCache keeps Merkle nodes of the log in memory. A proof reads about
// 2·log2(n) nodes; the upper ones are few (n/2^upperLevel of them) and
// shared by every proof, and the low ones of recently proven transactions
// are read again by the next proof of a row they wrote (a verified read
// of a table loaded in a few transactions proves the same ones over and
// over): reading each from pebble was a sixth of a verified read's time.
//
// A node is the hash of a perfect subtree of committed transactions, which
// never changes, so the cache needs no invalidation. It is filled as
// proofs read nodes, each part up to its own bound, so that low nodes
// never crowd out the upper ones. Verify reads nodes from pebble
// directly, never from here, so that it checks what is on disk.
type nodeCache struct {
	mu    sync.RWMutex
	nodes map[nodeID]merkle.Hash // guarded by mu
	low   int                    // nodes below upperLevel held
}

type nodeID struct {
	level uint8
	index uint64
}

const (
	// upperLevel is the lowest upper level: nodes covering 32 leaves.
	upperLevel = 5
	// maxCachedNodes bounds the cache (about 64 MiB with map overhead);
	// past it, new nodes are read from pebble each time.
	maxCachedNodes = 1 << 20
	// maxLowNodes bounds the nodes below upperLevel within it.
	maxLowNodes = 1 << 18
)

func (c *nodeCache) get(level uint8, index uint64) (merkle.Hash, bool) {
	c.mu.RLock()
	h, ok := c.nodes[nodeID{level, index}]
	c.mu.RUnlock()
	return h, ok
}

func (c *nodeCache) put(level uint8, index uint64, h merkle.Hash) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nodes == nil {
		c.nodes = make(map[nodeID]merkle.Hash)
	}
	id := nodeID{level, index}
	if _, ok := c.nodes[id]; ok || len(c.nodes) >= maxCachedNodes {
		return
	}
	if level < upperLevel {
		if c.low >= maxLowNodes {
			return
		}
		c.low++
	}
	c.nodes[id] = h
}
