package kv

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv/clog"
	"github.com/stela-db/stela/kv/merkle"
)

// bloomPolicy is the filter of every level: 10 bits a key, ~1% false
// positives.
var bloomPolicy = bloom.FilterPolicy(10)

// pebbleFormat is the pebble on-disk format of new stores. Pinned, so that
// upgrading pebble never changes what a new store looks like by accident.
const pebbleFormat = pebble.FormatValueSeparation

// Store is a verifiable key/value store: one pebble instance in one
// directory holding a Merkle log of transactions and every version of every
// key. It is safe for concurrent use.
type Store struct {
	dir    string
	opts   Options
	log    zerolog.Logger
	db     *pebble.DB
	origin string
	// nodesFrom is the first transaction whose header record has store
	// format 2's layout (headerrecord.go); set at open.
	nodesFrom uint64
	// listsFrom is the first transaction whose large entry list is under
	// its entry-list key, not its 'E' key (store format 3); set at open.
	listsFrom uint64
	// tail holds, for a read-only store that crashed, the groups of its
	// commit log beyond pebble's tables, in an indexed batch that reads
	// pass through (commitlog.go); nil otherwise.
	tail *pebble.Batch

	// clog is the commit log, the store's WAL (commitlog.go); nil when
	// read-only. release and releaserDone belong to its releaser.
	clog         *clog.Writer
	release      chan uint64
	releaserDone chan struct{}

	// refs counts operations in progress; Close waits for them.
	refs refs

	// iters pools the iterators of point reads (iterpool.go).
	iters iterPool

	// nodeCache holds upper Merkle nodes for proofs.
	nodeCache nodeCache
	// entryTrees holds the entry trees of large transactions recently
	// proven (entrycache.go).
	entryTrees entryTrees
	// latest holds the newest versions of recently read keys
	// (latestcache.go); nil when off.
	latest *latestCache

	// pending holds the keys of groups built but not yet durable, for
	// conflict checks (conflict.go).
	pending pendingWrites

	// state is the last durable state, published by the committer after
	// each synced group (state.go). Readers load it once per operation:
	// everything at or below its size is durable and never changes.
	state publishedState
	// heads keeps the newest checkpoint made of it (checkpoints.go).
	heads headCheckpoints

	// queue feeds transactions to the committer goroutine.
	queue chan *pendingTx
	// closing is closed by Close after refs drained; the committer then
	// exits.
	closing chan struct{}
	// committerDone is closed when the committer goroutine has exited.
	committerDone chan struct{}

	// pipe is held by whoever builds a group: the committer goroutine, or
	// a caller committing inline (commit.go). busy counts groups handed
	// to the writer goroutine and not yet finished.
	pipe sync.Mutex
	busy atomic.Int32
	// inline is the group of an inline commit, under pipe.
	inline builtGroup

	// Fields below are owned by whoever holds pipe (or by Open before
	// the committer starts).
	frontier *merkle.Frontier // right edge of the log's Merkle tree
	lastTime int64            // commit time of the last tx, microseconds

	// free reads the disk's free space for the committer (diskfree.go).
	free freeSpaceProbe

	// failure is set, once, when the write path broke (see pebbleLogger).
	failure atomic.Pointer[error]
	// flushes follows pebble's flushes, so that kv's own give up when
	// they keep failing (flush.go).
	flushes flushHealth

	// stats counts commits for Metrics (metrics.go).
	stats commitStats

	closeOnce sync.Once
	closeErr  error
}

// Open opens the store in dir, creating it when dir does not exist or is
// empty (unless opts.ReadOnly). A directory that holds something else
// fails with ErrNotStore; one whose data is damaged fails with an error
// wrapping ErrCorrupt. Open never panics on bad data, and never writes to
// a directory it refuses.
func Open(dir string, opts Options) (s *Store, err error) {
	opts = opts.withDefaults()
	s = &Store{
		dir:           dir,
		opts:          opts,
		log:           opts.Logger.With().Str("component", "kv").Str("dir", dir).Logger(),
		queue:         make(chan *pendingTx, 4096),
		closing:       make(chan struct{}),
		committerDone: make(chan struct{}),
		stats:         newCommitStats(),
	}
	s.refs.zero.L = &s.refs.mu

	creating, err := s.prepareDir()
	if err != nil {
		return nil, err
	}
	if !creating {
		// Look before writing: pebble opened read-write on a damaged
		// directory may accept a shorter history and delete the files it
		// no longer references. A read-only look writes nothing.
		if err := s.probe(); err != nil {
			return nil, err
		}
	}
	if opts.LatestCacheSize > 0 {
		s.latest = newLatestCache(opts.LatestCacheSize)
	}
	if err := s.openPebble(creating, opts.ReadOnly); err != nil {
		return nil, err
	}
	if err := s.load(creating); err != nil {
		s.abandonCommitLog()
		_ = s.closePebble()
		return nil, err
	}
	if opts.ReadOnly {
		close(s.committerDone)
	} else {
		s.free = openFreeSpaceProbe(opts.FS, dir)
		go s.runCommitter()
	}
	st := s.state.load()
	s.log.Info().Uint64("size", st.size).Str("origin", s.origin).Bool("read_only", opts.ReadOnly).Msg("store opened")
	return s, nil
}

// Two plain files next to pebble's say what a directory is, so that Open
// can tell a stela store from anything else before pebble touches it:
//
//   - initMarker exists while a store is being created. Creation (pebble's
//     files, then the identity record) is several writes; a directory that
//     still has the marker crashed during creation, holds no transaction,
//     and is created again from scratch.
//   - storeFile replaces it (by an atomic rename) once the identity record
//     is durable. A directory with storeFile is a stela store: if pebble's
//     data then lacks the identity, the store is damaged, not foreign.
const (
	initMarker = "STELA-CREATING"
	storeFile  = "STELA"
)

// prepareDir decides whether Open creates a store, and readies the
// directory for it.
func (s *Store) prepareDir() (creating bool, err error) {
	fs := s.opts.FS
	names, err := fs.List(s.dir)
	if err != nil {
		if _, statErr := fs.Stat(s.dir); statErr == nil {
			return false, fmt.Errorf("kv: %s: %w", s.dir, err) // exists, unreadable or not a directory
		}
		names = nil // does not exist
	}
	has := func(name string) bool { return slices.Contains(names, name) }
	switch {
	case has(storeFile):
		return false, nil
	case len(names) > 0 && !has(initMarker):
		return false, fmt.Errorf("%w: %s holds files but no store", ErrNotStore, s.dir)
	case s.opts.ReadOnly:
		return false, fmt.Errorf("%w: %s does not exist, is empty or was never fully created", ErrNotStore, s.dir)
	}
	if err := fs.MkdirAll(s.dir, 0o755); err != nil {
		return false, fmt.Errorf("kv: create %s: %w", s.dir, err)
	}
	if has(initMarker) {
		// A crash during creation: nothing was ever committed here.
		s.log.Warn().Msg("finishing the creation of a store that was interrupted")
		for _, n := range names {
			if n != initMarker {
				if err := fs.RemoveAll(fs.PathJoin(s.dir, n)); err != nil {
					return false, fmt.Errorf("kv: clear interrupted creation: %w", err)
				}
			}
		}
		return true, nil
	}
	f, err := fs.Create(fs.PathJoin(s.dir, initMarker), vfs.WriteCategoryUnspecified)
	if err != nil {
		return false, fmt.Errorf("kv: create %s: %w", s.dir, err)
	}
	_, werr := f.Write([]byte(storeMagic + "\n"))
	if err := errors.Join(werr, f.Sync(), f.Close(), clog.SyncDir(fs, s.dir)); err != nil {
		return false, fmt.Errorf("kv: create %s: %w", s.dir, err)
	}
	return true, nil
}

// probe opens an existing directory read-only and checks that it is a
// stela store before anything may write to it.
func (s *Store) probe() (err error) {
	if s.opts.ReadOnly {
		return nil // the real open is read-only already
	}
	if err := s.openPebble(false, true); err != nil {
		return err
	}
	defer func() { err = errors.Join(err, s.closePebble()); s.db = nil }()
	defer recoverFatal(&err)
	_, err = s.identity()
	return err
}

// pebbleOptions returns the pebble configuration of the store.
func (s *Store) pebbleOptions(creating, readOnly bool) *pebble.Options {
	po := &pebble.Options{
		FS:               s.opts.FS,
		Logger:           pebbleLogger{log: s.log, onFatal: func(err error) { s.markFailed(err) }},
		EventListener:    eventListener(s.log, &s.flushes),
		ReadOnly:         readOnly,
		ErrorIfNotExists: !creating,
		MemTableSize:     32 << 20,
		Comparer:         comparer,
		CacheSize:        s.opts.CacheSize,
		// The commit log is the store's WAL (commitlog.go): a group is
		// synced there before pebble sees it. A read-only open writes
		// nothing, and leaves pebble to replay the WAL files of stores
		// written before the commit log.
		DisableWAL: !readOnly,
	}
	if s.opts.Cache != nil {
		po.Cache = s.opts.Cache.c
	}
	if creating {
		po.FormatMajorVersion = pebbleFormat
	}
	for i := range po.Levels {
		// Bloom filters spare reads of tables that lack a key (headers,
		// nodes and entry lists are read by exact key).
		po.Levels[i].FilterPolicy = bloomPolicy
		po.Levels[i].BlockSize = dataBlockSize
	}
	return po
}

// dataBlockSize is the size of the sstables' data blocks: 32 KiB rather
// than pebble's 4 KiB, as CockroachDB sets it, because a full read then
// looks up an eighth as many blocks in the block cache (6-15% faster
// reads of 1M rows, docs/BENCHMARKS.md), while a point read, which
// binary-searches the block it lands in, measured the same with tables
// larger than the cache.
const dataBlockSize = 32 << 10

// openPebble opens the pebble instance, translating its failures.
func (s *Store) openPebble(creating, readOnly bool) (err error) {
	defer recoverFatal(&err)
	db, err := pebble.Open(s.dir, s.pebbleOptions(creating, readOnly))
	if err != nil {
		if errors.Is(err, pebble.ErrDBDoesNotExist) {
			return corruptf("%s is marked as a stela store but its pebble files are missing", s.dir)
		}
		return fmt.Errorf("kv: open %s: %w: %v", s.dir, ErrCorrupt, err)
	}
	s.db = db
	return nil
}

// identity reads and checks the store identity record. The directory has
// storeFile, so a missing identity means damage.
func (s *Store) identity() (storeIdentity, error) {
	idBytes, err := s.getRaw(metaStoreKey)
	if errors.Is(err, ErrNotFound) {
		return storeIdentity{}, corruptf("%s is marked as a stela store but its data holds no store identity", s.dir)
	}
	if err != nil {
		return storeIdentity{}, err
	}
	id, err := decodeStoreIdentity(idBytes)
	if err != nil {
		return id, fmt.Errorf("%w (%s)", err, s.dir)
	}
	return id, nil
}

// load reads the store identity and the log's state, creating the identity
// of a new store.
func (s *Store) load(creating bool) (err error) {
	defer recoverFatal(&err)
	var id storeIdentity
	if creating {
		if id, err = s.initialize(); err != nil {
			return err
		}
	} else if id, err = s.identity(); err != nil {
		return err
	}
	origin, err := s.getRaw(metaOriginKey)
	if err != nil {
		return fmt.Errorf("kv: read origin: %w", missingAsCorrupt(err, "origin"))
	}
	s.origin = string(origin)
	if s.opts.Origin != "" && s.opts.Origin != s.origin {
		return fmt.Errorf("kv: %s has origin %q; it cannot be reopened as %q", s.dir, s.origin, s.opts.Origin)
	}
	if s.opts.Signer == nil && s.opts.SignerFor != nil {
		signer, err := s.opts.SignerFor(s.origin)
		if err != nil {
			return fmt.Errorf("kv: signer for %q: %w", s.origin, err)
		}
		s.opts.Signer = signer
	}
	if s.opts.ReadOnly {
		err = s.readCommitLogTail()
	} else {
		err = s.openCommitLog()
	}
	if err != nil {
		return err
	}
	if id.version < storeFormatVersion && !s.opts.ReadOnly {
		if id, err = s.upgrade(id); err != nil {
			return err
		}
	}
	s.nodesFrom, s.listsFrom = id.nodesFrom, id.listsFrom
	return s.loadState()
}

// upgrade makes a store of an older format a format-4 store before
// anything is committed to it: the transactions from the next one on keep
// their nodes in their header records (format 2) and a large entry list
// under its entry-list key (format 3), in parts (format 4). The new
// identity is flushed, so that a build that reads only older formats
// refuses the store from then on. Format 3's lists need nothing: a list of
// one part is format 4's too.
func (s *Store) upgrade(id storeIdentity) (storeIdentity, error) {
	last, err := s.lastHeaderID()
	if err != nil {
		return id, err
	}
	up := storeIdentity{version: storeFormatVersion, created: id.created, nodesFrom: id.nodesFrom, listsFrom: id.listsFrom}
	if id.version < 2 {
		up.nodesFrom = last + 1
	}
	if id.version < 3 {
		up.listsFrom = last + 1
	}
	b := s.db.NewBatch()
	defer b.Close()
	if err := b.Set(metaStoreKey, up.encode(), nil); err != nil {
		return id, err
	}
	if err := s.commitFlushed(b); err != nil {
		return id, err
	}
	s.log.Info().Uint16("from", id.version).Uint16("to", up.version).Uint64("nodes_in_headers_from_tx", up.nodesFrom).
		Uint64("lists_in_header_family_from_tx", up.listsFrom).Msg("store format upgraded")
	return up, nil
}

// commitFlushed makes a batch written outside the commit log durable:
// pebble's WAL is off (commitlog.go), so it is durable once flushed into
// a table.
func (s *Store) commitFlushed(b *pebble.Batch) error {
	if err := b.Commit(pebble.NoSync); err != nil {
		return err
	}
	return s.flush()
}

// initialize writes the identity of a new store, then renames the creation
// marker to storeFile: from then on the directory is a store.
func (s *Store) initialize() (storeIdentity, error) {
	id := storeIdentity{version: storeFormatVersion, created: s.opts.Now().UnixMicro(), nodesFrom: 1, listsFrom: 1}
	origin := s.opts.Origin
	if origin == "" {
		origin = "stela.local/" + filepath.Base(filepath.Clean(s.dir))
	}
	if err := validateOrigin(origin); err != nil {
		return id, err
	}
	b := s.db.NewBatch()
	defer b.Close()
	if err := b.Set(metaStoreKey, id.encode(), nil); err != nil {
		return id, err
	}
	if err := b.Set(metaOriginKey, []byte(origin), nil); err != nil {
		return id, err
	}
	if err := s.commitFlushed(b); err != nil {
		return id, err
	}
	fs := s.opts.FS
	if err := fs.Rename(fs.PathJoin(s.dir, initMarker), fs.PathJoin(s.dir, storeFile)); err != nil {
		return id, fmt.Errorf("kv: finish creating %s: %w", s.dir, err)
	}
	return id, clog.SyncDir(fs, s.dir)
}

// loadState finds the last committed transaction and rebuilds the right
// edge of the Merkle tree, checking that the two agree.
func (s *Store) loadState() error {
	size, err := s.lastHeaderID()
	if err != nil {
		return err
	}
	nodes := s.diskNodes()
	fr, err := merkle.NewFrontier(nodes, size)
	if err != nil {
		return fmt.Errorf("kv: rebuild tree of size %d: %w", size, err)
	}
	st := state{size: size, root: fr.Root()}
	if size > 0 {
		h, err := s.header(size)
		if err != nil {
			return err
		}
		leaf, err := nodes.Node(0, leafIndex(size))
		if err != nil {
			return err
		}
		if leaf != merkle.Hash(h.LeafHash()) {
			return corruptf("tx %d: header does not match its leaf in the log", size)
		}
		st.time = h.Time
	}
	s.frontier = fr
	s.lastTime = st.time
	// Made now, so that a signer that cannot sign fails Open.
	cp, err := s.makeCheckpoint(st.size, st.root)
	if err != nil {
		return err
	}
	s.heads.newest = cp
	s.state.publish(st)
	return nil
}

// lastHeaderID returns the id of the last stored header, 0 if none.
func (s *Store) lastHeaderID() (uint64, error) {
	it, err := s.reads().NewIter(&pebble.IterOptions{
		LowerBound: []byte{prefixHeader},
		UpperBound: []byte{prefixHeader + 1},
	})
	if err != nil {
		return 0, err
	}
	defer it.Close()
	if !it.Last() {
		return 0, it.Error()
	}
	k := it.Key()
	if len(k) != 9 && !isEntryListKey(k) && !isEntryListPartKey(k) {
		return 0, corruptf("header key %x malformed", k)
	}
	return txIDFromKey(k), nil
}

// Close waits for operations in progress (including open iterators),
// stops the committer after it has committed what was queued, and closes
// the files. Later calls return the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		start := time.Now()
		done := make(chan struct{})
		go func() {
			// Say why Close is slow if an iterator was left open.
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				s.log.Warn().Dur("waited", time.Since(start)).Msg("close is waiting for open iterators or operations")
			}
		}()
		s.refs.close()
		close(done)
		close(s.closing)
		<-s.committerDone
		s.free.close()
		s.drainIters(true)
		s.closeErr = errors.Join(s.closeCommitLog(), s.closePebble())
		s.log.Info().Msg("store closed")
	})
	return s.closeErr
}

// reads returns what reads go through: pebble, or the read-only tail
// over it.
func (s *Store) reads() pebble.Reader {
	if s.tail != nil {
		return s.tail
	}
	return s.db
}

// closePebble closes the pebble instance; after a write-path failure pebble
// may report that failure again or panic, both of which become errors.
func (s *Store) closePebble() (err error) {
	defer recoverFatal(&err)
	if s.db == nil {
		return nil
	}
	s.drainIters(false)
	if s.tail != nil {
		_ = s.tail.Close()
		s.tail = nil
	}
	return s.db.Close()
}

// begin starts an operation that reads at txID: it fails once the store
// is closing, or unless txID is committed. A successful begin must be
// paired with a deferred end.
func (s *Store) begin(txID uint64) error {
	if err := s.refs.acquire(); err != nil {
		return err
	}
	if err := s.checkTx(txID); err != nil {
		s.refs.release()
		return err
	}
	return nil
}

// end, deferred after a successful begin, ends the operation and turns a
// pebble failure panic into an error in *err.
func (s *Store) end(err *error) {
	defer s.refs.release()
	handleFatal(recover(), err)
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// Logger is the store's logger (Options.Logger), for the layers above to
// report what they cannot return.
func (s *Store) Logger() *zerolog.Logger { return &s.log }

// Origin returns the log's name as written in its checkpoints.
func (s *Store) Origin() string { return s.origin }

// LastTx returns the id of the last durable transaction (0 when the log is
// empty). Every read at or below it sees a fixed snapshot.
func (s *Store) LastTx() uint64 { return s.state.lastSize() }

// markFailed records the failure that stops the write path, wrapped in
// ErrFailed. The first failure wins; it reports whether this was it.
func (s *Store) markFailed(err error) bool {
	if !errors.Is(err, ErrFailed) {
		err = fmt.Errorf("%w: %w", ErrFailed, err)
	}
	return s.failure.CompareAndSwap(nil, &err)
}

// Failed returns the error that stopped the store's write path, or nil.
func (s *Store) Failed() error {
	if st := s.failure.Load(); st != nil {
		return *st
	}
	return nil
}

// leafIndex converts a tx id to its 0-based leaf index in the log. It is
// the only place where the two numberings meet.
func leafIndex(txID uint64) uint64 { return txID - 1 }
