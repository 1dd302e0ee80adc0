package kv

import (
	"sync"

	"github.com/stela-db/stela/kv/merkle"
)

// nodeCache keeps the log's upper Merkle nodes in memory. A proof reads
// about 2·log2(n) nodes; the upper ones are few (n/2^minCachedLevel of
// them) and shared by every proof, so caching them leaves a proof only
// the handful of low nodes to read from pebble.
//
// A node is the hash of a perfect subtree of committed transactions, which
// never changes, so the cache needs no invalidation. It is filled as
// proofs read nodes. Verify reads nodes from pebble directly, never from
// here, so that it checks what is on disk.
type nodeCache struct {
	mu    sync.RWMutex
	nodes map[nodeID]merkle.Hash // guarded by mu
}

type nodeID struct {
	level uint8
	index uint64
}

const (
	// minCachedLevel is the lowest level kept: nodes covering 32 leaves.
	minCachedLevel = 5
	// maxCachedNodes bounds the cache (about 64 MiB with map overhead);
	// past it, new nodes are read from pebble each time.
	maxCachedNodes = 1 << 20
)

func (c *nodeCache) get(level uint8, index uint64) (merkle.Hash, bool) {
	if level < minCachedLevel {
		return merkle.Hash{}, false
	}
	c.mu.RLock()
	h, ok := c.nodes[nodeID{level, index}]
	c.mu.RUnlock()
	return h, ok
}

func (c *nodeCache) put(level uint8, index uint64, h merkle.Hash) {
	if level < minCachedLevel {
		return
	}
	c.mu.Lock()
	if c.nodes == nil {
		c.nodes = make(map[nodeID]merkle.Hash)
	}
	if len(c.nodes) < maxCachedNodes {
		c.nodes[nodeID{level, index}] = h
	}
	c.mu.Unlock()
}
