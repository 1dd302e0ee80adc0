package kv

import "github.com/cockroachdb/pebble/v2"

// Cache is a block cache several stores share: a server with many
// databases gives them one memory budget for cached blocks instead of one
// each, and the busiest database gets most of it.
type Cache struct{ c *pebble.Cache }

// NewCache returns a cache of size bytes. Close it after the stores that
// use it are closed.
func NewCache(size int64) *Cache { return &Cache{c: pebble.NewCache(size)} }

// Close releases the creator's reference; the memory goes when the last
// store using the cache has closed too.
func (c *Cache) Close() { c.c.Unref() }
