package kv

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/stela-db/stela/kv/clog"
)

// The commit log.
//
// Durability. A read-write store runs pebble with its WAL off: a group is
// durable once its record in the commit log (kv/clog) is synced, and only
// then is its batch applied to pebble's memtable. Pebble's sstables hold
// every group up to some tx (memtables are flushed in order, a batch is
// never split), and the log holds every group since the oldest segment
// not yet released. So:
//
//   - Open replays the log's groups beyond the last tx pebble holds, in
//     order, flushes them into sstables, and removes the old segments;
//     writing resumes in a new segment. A log that ends in a damaged
//     record ends there, as PostgreSQL's WAL does (a crash during the
//     last write leaves one).
//   - A segment is released once pebble has flushed every group in it:
//     every releaseEvery rotations the releaser goroutine flushes
//     pebble's memtables and releases the segments older than the new
//     one (the newest are recycled as spares for the next segments, the
//     others removed: clog/spares.go).
//   - Close flushes pebble, then removes every segment.
//
// Stores written with pebble's WAL on (before the commit log) open as
// before: pebble replays its own WAL files at open and flushes them.
//
// A read-only open cannot replay into pebble: it reads the groups beyond
// pebble's tables into an indexed batch that its reads go through.

// DefaultLogSegmentSize is the commit log's segment size in the server.
// Each segment is written with zeros ahead of time (so that syncs flush
// data, not the file system's journal), which costs that many bytes of
// disk writes.
const DefaultLogSegmentSize = 32 << 20

// smallLogSegmentSize is the segment size when Options leave it 0 (tests,
// and the short-lived stores of tools such as restore and verify).
const smallLogSegmentSize = 1 << 20

// replayCommitLog hands apply, in order, a batch holding each group of
// the commit log beyond the last tx pebble holds (see clog.Replay).
func (s *Store) replayCommitLog(apply func(*pebble.Batch) error) (after uint64, res clog.Replayed, err error) {
	if after, err = s.lastHeaderID(); err != nil {
		return 0, res, err
	}
	res, err = clog.Replay(s.opts.FS, s.dir, after, func(first, last uint64, payload []byte) error {
		b := s.db.NewBatch()
		defer b.Close()
		if err := b.SetRepr(bytes.Clone(payload)); err != nil {
			return corruptf("commit log group of txs %d-%d: %v", first, last, err)
		}
		return apply(b)
	})
	switch {
	case errors.Is(err, clog.ErrCorrupt):
		err = fmt.Errorf("kv: %w: %v", ErrCorrupt, err)
	case err != nil:
		err = fmt.Errorf("kv: read commit log: %w", err)
	}
	return after, res, err
}

// openCommitLog replays the commit log into pebble and starts a new
// segment. Open calls it, read-write, after opening pebble and before
// loading the state.
func (s *Store) openCommitLog() error {
	after, res, err := s.replayCommitLog(func(b *pebble.Batch) error { return b.Commit(pebble.NoSync) })
	if err != nil {
		return err
	}
	if res.Groups > 0 {
		if err := s.flush(); err != nil {
			return fmt.Errorf("kv: flush the replayed commit log: %w", err)
		}
		s.log.Info().Int("groups", res.Groups).Uint64("from_tx", after+1).Uint64("to_tx", res.Last).
			Msg("commit log replayed")
	}
	w, err := clog.NewWriter(s.opts.FS, s.dir, res.LastSegment+1, s.opts.LogSegmentSize)
	if err != nil {
		return fmt.Errorf("kv: start commit log: %w", err)
	}
	w.NoSync = s.opts.unsafeNoSync
	// Every group of the old segments is in pebble's tables now.
	if err := w.Release(res.LastSegment + 1); err != nil {
		_ = w.Close()
		return fmt.Errorf("kv: release replayed commit log segments: %w", err)
	}
	s.clog = w
	s.release = make(chan uint64, 1)
	s.releaserDone = make(chan struct{})
	go s.runReleaser()
	return nil
}

// readCommitLogTail gives a read-only store the groups of its commit log
// beyond pebble's tables (a crash left them there): it applies them to an
// indexed batch, never committed, that every read goes through.
func (s *Store) readCommitLogTail() error {
	tail := s.db.NewIndexedBatch()
	after, res, err := s.replayCommitLog(func(b *pebble.Batch) error { return tail.Apply(b, nil) })
	if err != nil || res.Groups == 0 {
		return errors.Join(err, tail.Close())
	}
	s.tail = tail
	s.log.Info().Int("groups", res.Groups).Uint64("from_tx", after+1).Uint64("to_tx", res.Last).
		Msg("read-only store: commit log read into memory")
	return nil
}

// logGroup appends group g's record, batch header head and the rest of
// its batch body, to the commit log and syncs it, then offers the
// releaser the segments before a new one.
func (s *Store) logGroup(g *builtGroup, head, body []byte) error {
	rotated, err := s.clog.Append(g.first, g.first+uint64(len(g.txs))-1, head, body)
	if err != nil {
		return fmt.Errorf("kv: commit log: %w", err)
	}
	if rotated {
		select {
		case s.release <- s.clog.Segment():
		default: // a release is pending; the next rotation covers these
		}
	}
	return nil
}

// runReleaser releases the segments whose groups pebble has flushed. It
// is sent the number n of each new segment (or some of them: a send that
// finds one pending is dropped); once n is releaseEvery past the last
// release, it flushes pebble's memtables (every group in a segment before
// n was applied before n was sent) and releases the segments before n.
func (s *Store) runReleaser() {
	defer close(s.releaserDone)
	var released uint64 // segments below it are released
	for n := range s.release {
		if s.failure.Load() != nil {
			continue // keep everything for the replay at reopen
		}
		if released == 0 {
			released = n - 1
		}
		if n-released < releaseEvery {
			continue
		}
		released = n
		if err := s.flush(); err != nil {
			s.log.Warn().Err(err).Msg("flush for commit log release failed; segments kept")
			continue
		}
		if err := s.clog.Release(n); err != nil {
			s.log.Warn().Err(err).Msg("releasing commit log segments failed")
		}
	}
}

// releaseEvery is how many segments the releaser lets pile up before it
// flushes pebble and releases them. A flush at every rotation made bulk
// loads stall on pebble's memtable count limit (a forced flush of a
// memtable pebble would have flushed later on its own); the log holds up
// to this many segments more in exchange.
const releaseEvery = 4

// abandonCommitLog stops the releaser and closes the log after a failed
// Open, leaving every segment for the next.
func (s *Store) abandonCommitLog() {
	if s.clog == nil {
		return
	}
	close(s.release)
	s.waitReleaser()
	_ = s.clog.Close()
	s.clog = nil
}

// waitReleaser waits for the releaser to exit, unless the write path has
// failed: a flush may then never return (pebble blocks the goroutine
// that meets a fatal error), and the store is being abandoned anyway.
func (s *Store) waitReleaser() {
	for {
		select {
		case <-s.releaserDone:
			return
		case <-time.After(100 * time.Millisecond):
			if s.failure.Load() != nil {
				return
			}
		}
	}
}

// closeCommitLog stops the releaser and, unless the write path failed,
// flushes pebble and removes every segment: a clean Close leaves the
// store's tables complete, which read-only opens need.
func (s *Store) closeCommitLog() error {
	if s.clog == nil {
		return nil
	}
	close(s.release)
	s.waitReleaser()
	seg := s.clog.Segment()
	err := s.clog.Close()
	if s.failure.Load() != nil || err != nil {
		return err
	}
	if err := s.flush(); err != nil {
		return fmt.Errorf("kv: flush at close: %w", err)
	}
	return clog.Remove(s.opts.FS, s.dir, seg+1)
}
