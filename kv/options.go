package kv

import (
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv/checkpoint"
)

// Default limits.
const (
	DefaultMaxValueSize = 32 << 20
	DefaultMaxTxEntries = 1_000_000
	DefaultMaxTxBytes   = 1 << 30
	DefaultMinFreeBytes = 128 << 20
	DefaultCacheSize    = 64 << 20
	// DefaultLatestCacheSize bounds the cache of keys' newest versions
	// (latestcache.go).
	DefaultLatestCacheSize = 32 << 20
)

// Options configure a store. The zero value is usable.
type Options struct {
	// Origin names the log in its checkpoints (C2SP "origin" line, also the
	// signing key's name). It is fixed when the store is created; reopening
	// with a different non-empty Origin fails. Default: "stela.local/" plus
	// the data directory's base name.
	Origin string

	// Signer signs checkpoints. Without one, checkpoints are unsigned
	// bodies: still checkable against a root obtained out of band.
	Signer checkpoint.Signer

	// SignerFor, when Signer is nil, makes the signer once the store's
	// origin is known (stored at creation, so it is read at Open): one key
	// serves several stores, and a signer's name must be its log's origin.
	// An error fails Open.
	SignerFor func(origin string) (checkpoint.Signer, error)

	// MaxValueSize is the largest value, in bytes (default 32 MiB).
	MaxValueSize int
	// MaxTxEntries is the largest number of entries in one transaction
	// (default 1,000,000).
	MaxTxEntries int
	// MaxTxBytes bounds the encoded size of one transaction (default 1 GiB).
	MaxTxBytes int64

	// MinFreeBytes is the free space the disk of the data directory must
	// keep: a commit that finds less fails with ErrDiskFull and writes
	// nothing. The reserve leaves room for pebble's own flushes and
	// compactions, whose I/O errors would otherwise stop the store.
	// Default 128 MiB; negative disables the check.
	MinFreeBytes int64

	// CacheSize is the size of pebble's block cache, in bytes (default
	// 64 MiB). Proofs read O(log n) Merkle nodes each, scattered across the
	// log: a cache that holds the hot part of the tree keeps them cheap.
	CacheSize int64

	// Cache, when set, is a block cache shared with other stores; it
	// replaces CacheSize.
	Cache *Cache

	// LatestCacheSize bounds the memory of the cache of recently read
	// keys' newest versions, which answers point reads at current
	// snapshots without a pebble seek (latestcache.go). Default
	// DefaultLatestCacheSize; negative turns it off.
	LatestCacheSize int64

	// ReadOnly opens an existing store without writing to it.
	ReadOnly bool

	// Logger receives the store's logs (and pebble's). Default: discard.
	Logger *zerolog.Logger

	// FS is the filesystem; default the operating system's. Tests pass
	// pebble's in-memory or fault-injecting filesystems.
	FS vfs.FS

	// LogSegmentSize is the size of the commit log's segments
	// (commitlog.go), each written with zeros ahead of time. The server
	// uses DefaultLogSegmentSize; 0 means 1 MiB, which tests use, as each
	// segment costs that many bytes of writes.
	LogSegmentSize int64

	// Now is the clock for commit times. Default time.Now.
	Now func() time.Time

	// unsafeNoSync skips the fsync of commits. Only tests and benchmark
	// set-up use it, through export_test.go: a crash can then lose
	// acknowledged transactions.
	unsafeNoSync bool
}

// withDefaults returns a copy of o with zero fields set to their defaults.
func (o Options) withDefaults() Options {
	if o.MaxValueSize <= 0 {
		o.MaxValueSize = DefaultMaxValueSize
	}
	if o.MaxTxEntries <= 0 {
		o.MaxTxEntries = DefaultMaxTxEntries
	}
	if o.MaxTxBytes <= 0 {
		o.MaxTxBytes = DefaultMaxTxBytes
	}
	if o.CacheSize <= 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.LatestCacheSize == 0 {
		o.LatestCacheSize = DefaultLatestCacheSize
	}
	if o.MinFreeBytes == 0 {
		o.MinFreeBytes = DefaultMinFreeBytes
	}
	if o.Logger == nil {
		l := zerolog.Nop()
		o.Logger = &l
	}
	if o.FS == nil {
		o.FS = vfs.Default
	}
	if o.LogSegmentSize <= 0 {
		o.LogSegmentSize = smallLogSegmentSize
	}

	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}
