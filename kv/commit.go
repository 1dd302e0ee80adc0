package kv

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
)

// Write is one entry of a transaction.
type Write struct {
	Key      []byte
	Value    []byte // ignored for a delete
	Metadata []byte // optional, opaque, hashed into the entry
	Delete   bool
}

// Committed describes a durable transaction.
type Committed struct {
	TxID uint64
	Time time.Time
	// LogSize and Root are the log's head after the commit group the
	// transaction was written in: LogSize >= TxID, and the checkpoint of
	// that head (CheckpointAt(LogSize)) covers the transaction.
	LogSize uint64
	Root    merkle.Hash
}

// Group commit bounds: a group stops growing at either.
const (
	maxGroupTxs   = 4096
	maxGroupBytes = 64 << 20
)

// pendingTx is a transaction prepared by its caller's goroutine and queued
// for the committer. Everything that does not depend on the tx id or the
// commit time (hashes, encodings) is computed before queueing, in parallel
// across callers; the committer only fills in those two numbers.
//
// Transactions are reused (txpool.go): every buffer here keeps its
// capacity from one use to the next.
type pendingTx struct {
	// holders counts who may still use the transaction (txpool.go).
	holders     atomic.Int32
	entries     uint32
	entriesRoot merkle.Hash
	// entriesRecord is the stored entry list (see records.go).
	entriesRecord []byte
	// versionKeys holds every version key back to back, each ending in an
	// 8-byte tx id slot; keyEnds[i] is the end of key i.
	versionKeys []byte
	keyEnds     []int
	// versionVals holds every version record back to back, each with an
	// 8-byte commit time slot at versionTimeOffset; valEnds[i] is the end
	// of record i.
	versionVals []byte
	valEnds     []int
	// size approximates the bytes the transaction adds to a batch.
	size int
	// commitTime is set by the committer.
	commitTime int64
	// entEnds[i] is the end of entry i in entriesRecord.
	entEnds []int
	// leaves is prepare's scratch for the entries' leaf hashes
	// (preparehash.go).
	leaves []merkle.Hash
	// large marks a transaction whose buffers are not pooled: each is
	// let go as soon as the commit is done with it (txpool.go).
	large bool
	// check, when set, is the transaction's conflict check, held in
	// checkBuf.
	check    *conflictCheck
	checkBuf conflictCheck
	done     chan commitResult
}

// eachWrittenPrefix calls f with the version prefix of every key the
// transaction writes (its version keys without the tx id slot), in order.
func (p *pendingTx) eachWrittenPrefix(f func(start, end int)) {
	start := 0
	for _, end := range p.keyEnds {
		f(start, end-8)
		start = end
	}
}

type commitResult struct {
	committed Committed
	err       error
}

// Commit writes a transaction of one or more entries and returns once it is
// durable: the pebble batch that holds it has been synced, and the
// checkpoint that covers it exists. Concurrent Commits share one batch and
// one sync (group commit). Keys must be distinct within a transaction.
//
// ctx bounds only the wait to enter the commit queue: once queued, a
// transaction is committed or fails on its own, so that the result a caller
// sees is never ambiguous.
func (s *Store) Commit(ctx context.Context, writes []Write) (Committed, error) {
	return s.CommitWith(ctx, writes, CommitOptions{})
}

// CommitWith is Commit made conditional by opts: with a snapshot, it fails
// with ErrConflict, writing nothing, if a key in opts.Check or in
// opts.Ranges has a version newer than the snapshot (see conflict.go).
func (s *Store) CommitWith(ctx context.Context, writes []Write, opts CommitOptions) (Committed, error) {
	start := time.Now()
	if err := s.refs.acquire(); err != nil {
		return Committed{}, err
	}
	defer s.refs.release()
	if s.opts.ReadOnly {
		return Committed{}, ErrReadOnly
	}
	if f := s.failure.Load(); f != nil {
		return Committed{}, *f
	}
	p := newPendingTx()
	if err := s.prepare(p, writes); err != nil {
		p.release()
		return Committed{}, err
	}
	if err := s.prepareCheck(p, opts); err != nil {
		p.release()
		return Committed{}, err
	}
	if !s.commitInline(p) {
		select {
		case s.queue <- p:
		case <-ctx.Done():
			p.release()
			return Committed{}, fmt.Errorf("kv: commit not queued: %w", ctx.Err())
		}
	}
	res := <-p.done
	p.release()
	if res.err == nil {
		s.observeCommit(start)
	}
	return res.committed, res.err
}

// commitInline commits p on the caller's goroutine when the pipeline is
// idle (nothing queued, nothing being built or written), and reports
// whether it did; p's result is then in p.done. A lone commit so skips
// the hand-offs to the committer, the writer and back: the goroutine that
// syncs the commit log goes on to answer (commitlog.go). Under load the
// pipeline is busy and groups form as before.
func (s *Store) commitInline(p *pendingTx) bool {
	if len(s.queue) > 0 || !s.pipe.TryLock() {
		return false
	}
	defer s.pipe.Unlock()
	// With pipe held the committer builds nothing; with busy at 0 the
	// writer has nothing, and gets nothing until pipe is released.
	if s.busy.Load() != 0 || len(s.queue) > 0 {
		return false
	}
	g := &s.inline
	g.txs = append(g.txs[:0], p)
	if s.buildGroup(g, p.size) {
		s.writeBuilt(g)
	}
	clear(g.txs[:cap(g.txs)])
	*g = builtGroup{txs: g.txs[:0]}
	return true
}

// prepare validates a transaction and computes, into p, everything the
// committer does not need to: value digests, entry hashes, the entries
// root and the encodings of the stored records.
func (s *Store) prepare(p *pendingTx, writes []Write) error {
	n := len(writes)
	switch {
	case n == 0:
		return invalidf("a transaction needs at least one entry")
	case n > s.opts.MaxTxEntries:
		return s.CheckTxSize(n, 0)
	}
	if err := checkDistinctKeys(writes); err != nil {
		return err
	}

	// First the limits and every record's place, then the hashes and
	// encodings, written in place into buffers grown once (and, for a
	// large transaction, on all cores: preparehash.go).
	p.entEnds = slices.Grow(p.entEnds[:0], n)[:n]
	p.keyEnds = slices.Grow(p.keyEnds[:0], n)[:n]
	p.valEnds = slices.Grow(p.valEnds[:0], n)[:n]
	var total int64
	recordSize, keysSize, valsSize := 0, 0, 0
	for i := range writes {
		w := &writes[i]
		if err := s.checkWrite(i, w); err != nil {
			return err
		}
		esize, vlen := recordSizes(w)
		recordSize += esize
		p.entEnds[i] = recordSize
		keysSize += versionKeySize(w.Key)
		p.keyEnds[i] = keysSize
		valsSize += vlen
		p.valEnds[i] = valsSize
		total += int64(esize + vlen + len(w.Key) + 16)
		if err := s.CheckTxSize(i+1, total); err != nil {
			return err
		}
	}

	p.entries = uint32(n)
	p.entriesRecord = slices.Grow(p.entriesRecord[:0], recordSize)[:recordSize]
	p.versionKeys = slices.Grow(p.versionKeys[:0], keysSize)[:keysSize]
	p.versionVals = slices.Grow(p.versionVals[:0], valsSize)[:valsSize]
	p.leaves = slices.Grow(p.leaves[:0], n)[:n]
	// The batch's need, to the byte but for the varints: a batch that
	// outgrows its estimate is copied whole into one twice its size
	// (hundreds of MB for a bulk load).
	p.size = recordSize + keysSize + valsSize + 11*(n+1) + format.HeaderSize + 64
	root, ok := p.encodeEntries(writes)
	if !ok {
		return fmt.Errorf("kv: internal error: a record's encoding differs from its computed size")
	}
	p.entriesRoot = root
	p.large = p.footprint() > maxPooledTxBytes
	p.shedPrepared()
	return nil
}

// recordSizes returns the sizes of w's entry in the entry list and of
// its version record.
func recordSizes(w *Write) (entry, version int) {
	entry = format.Entry{Key: w.Key, Metadata: w.Metadata}.EncodedSize()
	version = versionRecordFixed + len(w.Metadata)
	if !w.Delete {
		version += len(w.Value)
	}
	return entry, version
}

// TxBytes is what w adds to the size of its transaction, as
// Options.MaxTxBytes bounds it: a caller that buffers a transaction's
// writes can sum it to refuse one too large before the commit
// (CheckTxSize) rather than at it.
func TxBytes(w *Write) int64 {
	entry, version := recordSizes(w)
	return int64(entry + version + len(w.Key) + 16)
}

// CheckTxSize fails with ErrTooLarge if a transaction of entries writes
// adding up to bytes (TxBytes) is past the store's limits.
func (s *Store) CheckTxSize(entries int, bytes int64) error {
	switch {
	case entries > s.opts.MaxTxEntries:
		return tooLargef("%d entries in one transaction; the limit is %d", entries, s.opts.MaxTxEntries)
	case bytes > s.opts.MaxTxBytes:
		return tooLargef("transaction exceeds %d bytes", s.opts.MaxTxBytes)
	}
	return nil
}

// checkWrite validates one write against the store's limits.
func (s *Store) checkWrite(i int, w *Write) error {
	switch {
	case len(w.Key) == 0:
		return invalidf("entry %d: empty key", i)
	case len(w.Key) > format.MaxKeySize:
		return tooLargef("entry %d: key of %d bytes; the limit is %d", i, len(w.Key), format.MaxKeySize)
	case len(w.Metadata) > format.MaxMetadataSize:
		return tooLargef("entry %d: metadata of %d bytes; the limit is %d", i, len(w.Metadata), format.MaxMetadataSize)
	case !w.Delete && len(w.Value) > s.opts.MaxValueSize:
		return tooLargef("entry %d: value of %d bytes; the limit is %d", i, len(w.Value), s.opts.MaxValueSize)
	}
	return nil
}

// checkDistinctKeys rejects a transaction that writes a key twice: a key
// has at most one version per transaction.
func checkDistinctKeys(writes []Write) error {
	// Writes in strictly increasing key order (the engine's, which come
	// from an ordered buffer) are distinct: one pass, no map.
	increasing := true
	for i := 1; i < len(writes) && increasing; i++ {
		increasing = bytes.Compare(writes[i-1].Key, writes[i].Key) < 0
	}
	if increasing {
		return nil
	}
	if len(writes) <= 8 {
		for i := range writes {
			for j := i + 1; j < len(writes); j++ {
				if bytes.Equal(writes[i].Key, writes[j].Key) {
					return invalidf("key %q appears twice in one transaction (entries %d and %d)", writes[i].Key, i, j)
				}
			}
		}
		return nil
	}
	seen := make(map[string]int, len(writes))
	for i, w := range writes {
		if j, ok := seen[string(w.Key)]; ok {
			return invalidf("key %q appears twice in one transaction (entries %d and %d)", w.Key, j, i)
		}
		seen[string(w.Key)] = i
	}
	return nil
}

// The committer.
//
// Invariants:
//  1. Tx ids are assigned by whoever holds s.pipe (the committer, or a
//     caller committing inline), consecutively, in the order transactions
//     enter a group; the log's leaves are in tx id order.
//  2. A transaction is acknowledged only after the record of the group
//     holding it (one pebble batch: header, entry list, versions, Merkle
//     nodes) is synced in the commit log (commitlog.go). One record, one
//     batch: after a crash the store holds all of a group or none of it.
//  3. Groups are logged and applied to pebble one at a time, in tx id
//     order; a group is applied only after the previous one was logged
//     and applied, so a log failure is seen by the group that met it,
//     before anything later is written.
//  4. state is published after the sync and before the acknowledgements,
//     in group order, so a caller that saw its Commit return can read its
//     own write, and readers never see a group before the ones before it.
//
// Two goroutines form a pipeline, so that one group is built while the
// previous one is written and synced:
//
//	committer: 1. take the first queued transaction, then whatever else is
//	              queued (up to maxGroupTxs / maxGroupBytes) without waiting;
//	           2. check free disk space against Options.MinFreeBytes;
//	           3. for each transaction assign id and time, add header, entry
//	              list and versions to a batch, append its leaf to the tree
//	              and add the nodes that became complete; hand the batch to
//	              the writer.
//	writer:    4. log the group and sync the log, apply the batch to
//	              pebble (commitBatch);
//	           5. publish the state (state.go; between the two steps of
//	              the cache of newest versions, latestcache.go), acknowledge
//	              every transaction of the group. Checkpoints are signed
//	              when asked for (checkpoints.go), not here.
//
// When the pipeline is idle, a caller runs steps 1-5 for its own
// transaction on its goroutine instead (commitInline): the committer
// builds nothing while the caller holds s.pipe, and the writer has
// nothing while s.busy is 0.
//
// If step 2 fails, nothing is built and the store goes on. If step 4 fails,
// the group and every group built behind it fail, and the store refuses
// further writes (ErrFailed) until it is reopened, which replays the
// commit log.
func (s *Store) runCommitter() {
	built := make(chan *builtGroup, 1)
	// free holds groups the writer is done with, for reuse: one is
	// being built while another is written.
	free := make(chan *builtGroup, 2)
	writerDone := make(chan struct{})
	// idle is signaled each time the writer finishes a group.
	idle := make(chan struct{}, 1)
	go s.runWriter(built, free, writerDone, idle)
	defer func() {
		close(built)
		<-writerDone
		close(s.committerDone)
	}()

	for {
		var g *builtGroup
		select {
		case g = <-free:
		default:
			g = &builtGroup{txs: make([]*pendingTx, 0, 64)}
		}
		var group []*pendingTx
		select {
		case p := <-s.queue:
			s.pipe.Lock()
			group = append(g.txs, p)
		case <-s.closing:
			// refs drained before closing, so nothing is left to commit:
			// every Commit waits for its result while holding a ref.
			s.failQueued(ErrClosed)
			return
		}
		bytes := group[0].size
		// Gather what is queued; while the writer is still syncing the
		// previous group, keep gathering until it is done: one sync then
		// covers everyone who arrived during the last one, instead of a
		// small group built at once and a large one left to wait behind
		// it. (The group's transactions hold refs, so Close waits.)
	gather:
		for len(group) < maxGroupTxs && bytes < maxGroupBytes {
			select {
			case p := <-s.queue:
				group = append(group, p)
				bytes += p.size
				continue
			default:
			}
			if s.busy.Load() == 0 {
				break gather
			}
			select {
			case p := <-s.queue:
				group = append(group, p)
				bytes += p.size
			case <-idle:
			}
		}
		g.txs = group
		if s.buildGroup(g, bytes) {
			s.busy.Add(1)
			s.pipe.Unlock()
			built <- g
		} else {
			s.pipe.Unlock()
			g.recycle(free)
		}
	}
}

// builtGroup is a group whose batch is built, waiting for the writer.
type builtGroup struct {
	txs   []*pendingTx
	batch *pebble.Batch
	first uint64 // tx id of txs[0]
	size  uint64 // log size after the group
	root  merkle.Hash
	time  int64 // commit time of the group's last tx
}

// recycle empties a group whose transactions all have their answer and
// offers it for reuse. Its transactions may be reused by then: their
// pointers are dropped, not followed.
func (g *builtGroup) recycle(free chan<- *builtGroup) {
	clear(g.txs[:cap(g.txs)]) // admit may have dropped some past len
	*g = builtGroup{txs: g.txs[:0]}
	select {
	case free <- g:
	default:
	}
}

// failGroup fails every transaction of a group.
func failGroup(txs []*pendingTx, err error) {
	for _, p := range txs {
		p.done <- commitResult{err: err}
	}
}

// buildGroup runs steps 2-3 for the group g.txs, leaving in g.txs the
// transactions admitted and in g their batch. It returns false when no
// transaction is left to write (each has its answer).
func (s *Store) buildGroup(g *builtGroup, bytes int) bool {
	if f := s.failure.Load(); f != nil {
		failGroup(g.txs, *f)
		return false
	}
	if err := s.checkFreeSpace(bytes); err != nil {
		failGroup(g.txs, err)
		return false
	}
	kept, err := s.admit(g.txs)
	if err != nil {
		s.fail(err, s.frontier.Size()+1, len(g.txs))
		failGroup(g.txs, *s.failure.Load())
		return false
	}
	g.txs = kept
	if len(kept) == 0 {
		return false
	}
	g.first = s.frontier.Size() + 1
	if err := s.writeGroup(g, bytes); err != nil {
		s.fail(err, g.first, len(kept))
		failGroup(kept, *s.failure.Load())
		return false
	}
	return true
}

// admit runs the conflict checks of a group's transactions in order,
// failing those that conflict, and records the keys of the others as
// pending: a later transaction in this group or the next must see them.
func (s *Store) admit(group []*pendingTx) (kept []*pendingTx, err error) {
	defer recoverFatal(&err)
	// Forget the pending keys of durable groups first, then open the
	// iterator: every key forgotten here was in pebble before the
	// iterator's snapshot, so no write is missed in between.
	durable := s.LastTx()
	s.pending.pruneThrough(durable)
	var it *pebble.Iterator
	defer func() {
		if it != nil {
			it.Close()
		}
	}()
	nextID := s.frontier.Size() + 1
	kept = group[:0]
	for _, p := range group {
		if p.check != nil {
			// A transaction that read at the last durable tx can only
			// conflict with pending writes: pebble holds nothing newer
			// than durable that pending does not also hold.
			var read *pebble.Iterator
			if p.check.snapshot < durable {
				if it == nil {
					if it, err = s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixVersion}, UpperBound: []byte{prefixVersion + 1}}); err != nil {
						return group, err
					}
				}
				read = it
			}
			if cerr := s.checkConflicts(p.check, read); cerr != nil {
				if !errors.Is(cerr, ErrConflict) {
					return group, cerr
				}
				p.done <- commitResult{err: cerr}
				continue
			}
		}
		p.shedChecked()
		s.pending.addTx(p, nextID)
		kept = append(kept, p)
		nextID++
	}
	return kept, nil
}

// fail records the failure that stops the write path (the first one wins).
func (s *Store) fail(err error, firstTx uint64, txs int) {
	if s.markFailed(err) {
		s.log.Error().Err(err).Uint64("first_tx", firstTx).Int("txs", txs).
			Msg("commit failed; the store refuses writes until it is reopened")
	}
}

// runWriter commits each built group in order, then publishes and
// acknowledges it (steps 4-5).
func (s *Store) runWriter(built <-chan *builtGroup, free chan<- *builtGroup, done chan<- struct{}, idle chan<- struct{}) {
	defer close(done)
	for g := range built {
		s.writeBuilt(g)
		g.recycle(free)
		s.busy.Add(-1)
		select {
		case idle <- struct{}{}:
		default:
		}
	}
}

// writeBuilt runs steps 4-5 for one group.
func (s *Store) writeBuilt(g *builtGroup) {
	if err := s.commitBatch(g); err != nil {
		s.fail(err, g.first, len(g.txs))
		failGroup(g.txs, *s.failure.Load())
		return
	}
	s.observeGroup(g)
	if s.latest != nil {
		s.latest.commitGroup(g.txs, s.latest.beginCommit)
	}
	s.state.publish(state{size: g.size, root: g.root, time: g.time})
	if s.latest != nil {
		s.latest.commitGroup(g.txs, s.latest.endCommit)
	}
	// Sending a result is the writer's last use of that transaction: its
	// caller may reuse it at once (txpool.go).
	for i, p := range g.txs {
		p.done <- commitResult{committed: Committed{
			TxID:    g.first + uint64(i),
			Time:    time.UnixMicro(p.commitTime).UTC(),
			LogSize: g.size,
			Root:    g.root,
		}}
	}
}

// commitBatch makes group g durable in the commit log, then applies its
// batch to pebble (whose WAL is off), and releases the batch. A group
// built after an earlier group failed is not written at all.
func (s *Store) commitBatch(g *builtGroup) (err error) {
	b := g.batch
	defer func() {
		// Closing a batch that pebble failed to commit may panic as well.
		defer recoverFatal(new(error))
		_ = b.Close()
	}()
	if f := s.failure.Load(); f != nil {
		return *f
	}
	defer recoverFatal(&err)
	repr := b.Repr()
	if len(repr) < overlapApplyBytes {
		if err := s.logGroup(g, nil, repr); err != nil {
			return err
		}
		return b.Commit(pebble.NoSync)
	}
	// A large group (a bulk load): apply it to pebble's memtable while
	// the log is written and synced, as pebble does with its own WAL. Kv's
	// readers do not see it before the state is published; if the log
	// fails, the store fails and pebble's memtable, which has no WAL, is
	// not replayed at reopen. Pebble writes the sequence number into the
	// batch's header when it applies it, so the log takes the header
	// from a copy.
	var head [batchHeaderLen]byte
	copy(head[:], repr)
	applied := make(chan error, 1)
	go func() {
		var aerr error
		func() {
			defer recoverFatal(&aerr)
			aerr = b.Commit(pebble.NoSync)
		}()
		applied <- aerr
	}()
	lerr := s.logGroup(g, head[:], repr[batchHeaderLen:])
	return errors.Join(lerr, <-applied)
}

// overlapApplyBytes is the batch size from which a group is applied to
// pebble while its log record is synced. Below it the hand-off to
// another goroutine costs more than the overlap saves.
const overlapApplyBytes = 256 << 10

// batchHeaderLen is the length of a pebble batch's header: the sequence
// number (8 bytes) and the count (4), in pebble's batch format.
const batchHeaderLen = 12

// failQueued fails every transaction left in the queue.
func (s *Store) failQueued(err error) {
	for {
		select {
		case p := <-s.queue:
			p.done <- commitResult{err: err}
		default:
			return
		}
	}
}

// writeGroup builds the batch of g's transactions (step 3). On error the
// in-memory tree may hold the group's leaves: the caller marks the store
// failed, after which the tree is never used again.
func (s *Store) writeGroup(g *builtGroup, bytes int) (err error) {
	defer recoverFatal(&err)
	group := g.txs
	b := s.db.NewBatchWithSize(bytes + 256*len(group))
	built := false
	defer func() {
		if !built {
			_ = b.Close()
		}
	}()

	// A transaction's header record: its header, the nodes its leaf
	// completes (headerrecord.go), at most one per level, and a small entry
	// list.
	var rec [format.HeaderSize + 64*merkle.HashSize + maxInlineEntries]byte
	n := 0
	emit := func(_ uint8, _ uint64, h merkle.Hash) {
		n += copy(rec[n:], h[:])
	}
	for _, p := range group {
		txID := s.frontier.Size() + 1
		now := s.opts.Now().UnixMicro()
		if now < s.lastTime {
			now = s.lastTime // commit times never decrease
		}
		s.lastTime = now
		p.commitTime = now

		h := format.Header{Version: format.HeaderVersion, TxID: txID, Time: now, Entries: p.entries, EntriesRoot: p.entriesRoot}
		n = len(h.AppendEncoding(rec[:0]))
		s.frontier.Append(h.LeafHash(), emit)
		if err := s.setTxRecords(b, txID, rec[:n], p.entriesRecord); err != nil {
			return err
		}
		p.shedList()
		kStart, vStart := 0, 0
		for i := range p.keyEnds {
			k := p.versionKeys[kStart:p.keyEnds[i]]
			v := p.versionVals[vStart:p.valEnds[i]]
			kStart, vStart = p.keyEnds[i], p.valEnds[i]
			binary.BigEndian.PutUint64(k[len(k)-8:], ^txID)
			binary.BigEndian.PutUint64(v[versionTimeOffset:], uint64(now))
			if err := b.Set(k, v, nil); err != nil {
				return err
			}
		}
		p.shedWritten()
	}
	g.batch, g.size, g.root, g.time = b, s.frontier.Size(), s.frontier.Root(), s.lastTime
	built = true
	return nil
}
