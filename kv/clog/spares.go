package clog

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// Spare segments.
//
// A segment has its full size before its first record goes in, so that a
// record's sync flushes data blocks only: a file that grows, or blocks
// allocated but never written, make fdatasync commit the file system's
// journal too. A new segment is therefore a spare renamed, which is one
// of:
//
//   - recycled: a released segment. Its old records are never read,
//     since the checksums of a segment's records are seeded with its
//     number (Release);
//   - built: a file of zeros, written and synced in the background when
//     no recycled spare is at hand.
//
// Up to keptSpares are kept. A bulk load fills a server segment (32 MiB)
// in under a second, and kv releases segments four at a time: with one
// spare, three of every four released segments were removed and their
// replacements written as zeros, as many bytes again as the log, and
// 5.5% of the CPU of a kv test committing 10,000-row transactions
// (docs/BENCHMARKS.md, "Recycled commit log segments").
type spares struct {
	fs   vfs.FS
	dir  string
	keep int // the most spares held at once

	mu       sync.Mutex
	ready    []spare // oldest first
	building bool
	stopped  bool
	built    int // spares of zeros written, for tests
	wg       sync.WaitGroup
}

// keptSpares is how many spares a writer holds: as many as kv releases
// at once. They cost that many segments of disk space at most, beside the
// segments in use.
const keptSpares = 4

// spare is a ready spare: a file of the log's directory that no reader
// looks at (its name is not a segment's).
type spare struct {
	name string
	size int64
}

// builtSpareName is the name of the spare of zeros; it is written under
// builtSpareName + ".tmp" first. Recycled spares are named by
// recycledSpareName.
const builtSpareName = spareName

// recycledSpareName is the name of the spare made of segment seg.
func recycledSpareName(seg uint64) string {
	return fmt.Sprintf("%s-%016d", spareName, seg)
}

func (s *spares) path(name string) string { return s.fs.PathJoin(s.dir, name) }

// discardOld removes every spare, ready or half built, of an earlier run.
func (s *spares) discardOld() {
	names, err := s.fs.List(s.dir)
	if err != nil {
		return
	}
	for _, name := range names {
		if strings.HasPrefix(name, spareName) {
			_ = s.fs.Remove(s.path(name))
		}
	}
}

// take renames a ready spare of at least need bytes to name, returning
// its size. Spares smaller than full (left from the first, smaller
// segments) that cannot hold need are removed: segments only grow.
func (s *spares) take(name string, need, full int64) (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < len(s.ready); {
		sp := s.ready[i]
		if sp.size < need && sp.size >= full {
			i++ // a full spare kept for the records to come
			continue
		}
		s.ready = slices.Delete(s.ready, i, i+1)
		if sp.size < need {
			_ = s.fs.Remove(s.path(sp.name))
			continue
		}
		if err := s.fs.Rename(s.path(sp.name), name); err != nil {
			_ = s.fs.Remove(s.path(sp.name))
			return 0, false
		}
		return sp.size, true
	}
	return 0, false
}

// adopt makes segment seg, at path, a spare, unless keep spares are held
// (counting one being built) or it is smaller than minSize bytes.
func (s *spares) adopt(path string, seg uint64, minSize int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	held := len(s.ready)
	if s.building {
		held++
	}
	if s.stopped || held >= s.keep {
		return false
	}
	fi, err := s.fs.Stat(path)
	if err != nil || fi.Size() < max(minSize, HeaderSize) {
		return false
	}
	name := recycledSpareName(seg)
	if err := s.fs.Rename(path, s.path(name)); err != nil {
		return false
	}
	s.ready = append(s.ready, spare{name: name, size: fi.Size()})
	return true
}

// buildNow builds a spare of size bytes on the caller's goroutine.
func (s *spares) buildNow(size int64) error {
	err := s.build(size)
	if err == nil {
		s.mu.Lock()
		s.ready = append(s.ready, spare{name: builtSpareName, size: size})
		s.built++
		s.mu.Unlock()
	}
	return err
}

// start builds a spare of size bytes in the background, unless one is
// ready or being built.
func (s *spares) start(size int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.ready) > 0 || s.building || s.stopped {
		return
	}
	s.building = true
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		err := s.build(size)
		s.mu.Lock()
		s.building = false
		if err == nil {
			s.ready = append(s.ready, spare{name: builtSpareName, size: size})
			s.built++
		}
		s.mu.Unlock()
	}()
}

// build writes the built spare: zeros to a temporary name, synced,
// renamed. Only one is built at a time, and only while no spare is ready,
// so the name is free. A failure (a full disk) only means that the next
// segment starts empty.
func (s *spares) build(size int64) error {
	final := s.path(builtSpareName)
	tmp := final + ".tmp"
	f, err := s.fs.Create(tmp, vfs.WriteCategoryUnspecified)
	if err != nil {
		return err
	}
	zeros := make([]byte, min(size, 1<<20))
	for off := int64(0); off < size && err == nil; off += int64(len(zeros)) {
		n := min(int64(len(zeros)), size-off)
		_, err = f.Write(zeros[:n])
		if err == nil && s.isStopped() {
			err = errors.New("clog: writer closed")
		}
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.fs.Rename(tmp, final)
	}
	if err != nil {
		_ = s.fs.Remove(tmp)
		return err
	}
	// The rename is made durable by the directory sync of the segment
	// that takes the spare.
	return nil
}

func (s *spares) isStopped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopped
}

// stop waits for a build in progress, which gives up early.
func (s *spares) stop() {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	s.wg.Wait()
}
