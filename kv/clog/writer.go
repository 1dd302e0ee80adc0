package clog

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// Writer appends records to the log. It is not safe for concurrent use:
// kv's commit path appends one group at a time.
type Writer struct {
	fs   vfs.FS
	dir  string
	size int64 // a segment's size
	next int64 // the size of the next spare: doubling up to size

	seg  uint64   // the current segment's number
	seed uint32   // the current segment's checksum seed
	f    vfs.File // the current segment
	off  int64    // where the next record goes
	end  int64    // the current segment's size: records stop there

	hdr [HeaderSize]byte
	rec []byte // a small record, gathered by write
	// tail holds the bytes of the current segment from the start of the
	// page that off is in up to off: off%pageSize of them.
	tail []byte

	// NoSync skips the sync of each record: a crash may then lose
	// appended groups. Only tests and benchmark set-up use it.
	NoSync bool

	spare spareBuilder
}

// NewWriter starts segment seg (numbers must grow: one past the newest
// existing segment) with segments of size bytes. It removes a spare left
// by an earlier run, and builds spares in the background from then on.
func NewWriter(fs vfs.FS, dir string, seg uint64, size int64) (*Writer, error) {
	if seg == 0 || size < HeaderSize {
		return nil, fmt.Errorf("clog: bad segment %d or size %d", seg, size)
	}
	w := &Writer{fs: fs, dir: dir, size: size, next: min(firstSegmentSize, size)}
	w.spare = spareBuilder{fs: fs, dir: dir}
	w.spare.discardOld()
	// The first segment is pre-written before the first commit, small so
	// that opening stays quick; the next ones double up to size, built in
	// the background.
	if err := w.spare.buildNow(w.next); err != nil {
		w.spare.discardOld() // the first segment starts empty
	}
	if err := w.open(seg, HeaderSize); err != nil {
		return nil, err
	}
	return w, nil
}

// firstSegmentSize is the size of the first segment a writer starts.
const firstSegmentSize = 1 << 20

// Segment returns the current segment's number.
func (w *Writer) Segment() uint64 { return w.seg }

// Append writes a record for the group of txs first..last, whose payload
// is head followed by body (so that a caller can pass part of it from a
// copy), and syncs it. It reports whether the record started a new
// segment: every segment before the current one then holds only groups
// appended before this one. After an error the writer must not be used
// again: the record may be partly written, which a reader takes for the
// log's end.
func (w *Writer) Append(first, last uint64, head, body []byte) (rotated bool, err error) {
	n := len(head) + len(body)
	if n == 0 || uint64(n) > MaxPayload {
		return false, fmt.Errorf("clog: payload of %d bytes", n)
	}
	need := int64(HeaderSize + n)
	if w.off+need > w.end {
		if err := w.rotate(need); err != nil {
			return false, err
		}
		rotated = true
	}
	encodeHeader(&w.hdr, w.seed, first, last, head, body)
	if err := w.write(head, body); err != nil {
		return rotated, err
	}
	if !w.NoSync {
		if err := w.f.SyncData(); err != nil {
			return rotated, err
		}
	}
	w.off += need
	return rotated, nil
}

// write writes the record whose header is in w.hdr at w.off.
//
// A small record (a few single-row commits) is gathered into one buffer
// and written with one system call, in whole pages: from the start of
// the page it begins in (the bytes before it from w.tail, the same as on
// disk) to the end of the page it ends in (zeros, which a reader takes
// for the segment's end). A write of part of a page whose cached copy
// the kernel has dropped makes it read the page from disk first, on the
// commit's path: this virtual machine drops a pre-written segment's
// pages within a minute, and partial writes had 1.4% of single-row
// commits wait for a read (docs/BENCHMARKS.md, "Whole pages in the
// commit log"). A crash during the write leaves the earlier records'
// bytes as they were: they are written again unchanged.
//
// A large record is written in its parts rather than copied; its first
// and last pages may then be read, once per record of over gatherLimit
// bytes.
func (w *Writer) write(head, body []byte) error {
	n := HeaderSize + len(head) + len(body)
	start := w.off - int64(len(w.tail))
	if n <= gatherLimit {
		w.rec = append(append(append(append(w.rec[:0], w.tail...), w.hdr[:]...), head...), body...)
		end := len(w.rec)
		padded := min(roundUp(int64(end), pageSize), w.end-start)
		w.rec = append(w.rec, make([]byte, max(padded-int64(end), 0))...)
		if _, err := w.f.WriteAt(w.rec, start); err != nil {
			return err
		}
		w.keepTail(w.rec[:end])
		return nil
	}
	w.rec = append(append(w.rec[:0], w.tail...), w.hdr[:]...)
	if _, err := w.f.WriteAt(w.rec, start); err != nil {
		return err
	}
	if _, err := w.f.WriteAt(head, w.off+HeaderSize); err != nil {
		return err
	}
	if _, err := w.f.WriteAt(body, w.off+HeaderSize+int64(len(head))); err != nil {
		return err
	}
	w.keepTail(w.rec, head, body)
	return nil
}

// keepTail sets w.tail to the bytes of the last page of parts, which
// were written from the start of a page on and end where the next record
// begins.
func (w *Writer) keepTail(parts ...[]byte) {
	total := 0
	for _, p := range parts {
		total += len(p)
	}
	skip := total - total%int(pageSize)
	w.tail = w.tail[:0]
	for _, p := range parts {
		if skip >= len(p) {
			skip -= len(p)
			continue
		}
		w.tail = append(w.tail, p[skip:]...)
		skip = 0
	}
}

// roundUp rounds n up to a multiple of m.
func roundUp(n, m int64) int64 { return (n + m - 1) / m * m }

// gatherLimit is the largest record write gathers into one buffer.
const gatherLimit = 64 << 10

// pageSize is the unit of the log's small writes: the kernel's page,
// which it reads from disk before a write of part of it when it is not
// cached.
var pageSize = int64(os.Getpagesize())

// rotate closes the current segment and opens the next, large enough for
// a record of need bytes.
func (w *Writer) rotate(need int64) error {
	// A zero header ends the segment for readers: a recycled file holds
	// old records past it. It is synced before the next segment gets a
	// record, so a reader never takes an old record for a torn one
	// followed by more of the log.
	if w.off+HeaderSize <= w.end {
		var zero [HeaderSize]byte
		if _, err := w.f.WriteAt(zero[:], w.off); err != nil {
			return err
		}
		if err := w.f.SyncData(); err != nil {
			return err
		}
	}
	if err := w.f.Close(); err != nil {
		return err
	}
	w.f = nil
	return w.open(w.seg+1, need)
}

// open makes segment seg the current one: the spare renamed, when one is
// ready and large enough, or else a new empty file. Either way the
// directory is synced before a record goes into the segment, so that a
// synced record's file survives a crash.
func (w *Writer) open(seg uint64, need int64) error {
	name := w.fs.PathJoin(w.dir, segmentName(seg))
	var f vfs.File
	end := max(w.next, need)
	if spareSize, ok := w.spare.take(name, need); ok {
		var err error
		if f, err = w.fs.OpenReadWrite(name, vfs.WriteCategoryUnspecified); err != nil {
			return err
		}
		end = spareSize
	} else {
		var err error
		if f, err = w.fs.Create(name, vfs.WriteCategoryUnspecified); err != nil {
			return err
		}
	}
	if err := SyncDir(w.fs, w.dir); err != nil {
		return errors.Join(err, f.Close())
	}
	w.seg, w.seed, w.f, w.off, w.end = seg, segmentSeed(seg), f, 0, end
	w.tail = w.tail[:0]
	w.next = min(2*w.next, w.size)
	w.spare.start(w.next)
	return nil
}

// Release gives up the segments numbered below n, whose groups the
// caller has made durable elsewhere: the newest becomes the next spare,
// unless one is ready or being built, and the others are removed. A
// recycled segment spares writing a file of zeros (for a bulk load, as
// many bytes again as the log); its old records are never read, as the
// checksums of a segment's records are seeded with its number. Release
// may run concurrently with Append.
func (w *Writer) Release(n uint64) error {
	segs, err := Segments(w.fs, w.dir)
	if err != nil {
		return err
	}
	var old []uint64
	for _, seg := range segs {
		if seg < n {
			old = append(old, seg)
		}
	}
	if len(old) == 0 {
		return nil
	}
	newest := old[len(old)-1]
	if w.spare.adopt(w.fs.PathJoin(w.dir, segmentName(newest))) {
		old = old[:len(old)-1]
	}
	for _, seg := range old {
		if err := w.fs.Remove(w.fs.PathJoin(w.dir, segmentName(seg))); err != nil {
			return err
		}
	}
	return SyncDir(w.fs, w.dir)
}

// Close closes the current segment, waits for the spare builder and
// removes the spare.
func (w *Writer) Close() error {
	w.spare.stop()
	w.spare.discardOld()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}

// spareBuilder writes the next segment ahead of time in the background: a
// file of zeros, synced, under spareName.
type spareBuilder struct {
	fs  vfs.FS
	dir string

	mu       sync.Mutex
	size     int64 // the ready spare's size, or the one being built
	ready    bool
	building bool
	stopped  bool
	wg       sync.WaitGroup
}

func (b *spareBuilder) path() string { return b.fs.PathJoin(b.dir, spareName) }

// discardOld removes a spare or half-built spare of an earlier run.
func (b *spareBuilder) discardOld() {
	_ = b.fs.Remove(b.path())
	_ = b.fs.Remove(b.path() + ".tmp")
}

// take renames the ready spare to name if it holds need bytes, returning
// its size; a spare too small is removed.
func (b *spareBuilder) take(name string, need int64) (int64, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.ready {
		return 0, false
	}
	b.ready = false
	if need > b.size {
		// Too small for this record, and for the ones to come (segments
		// only grow): make room for a larger one.
		_ = b.fs.Remove(b.path())
		return 0, false
	}
	if err := b.fs.Rename(b.path(), name); err != nil {
		return 0, false
	}
	return b.size, true
}

// adopt makes the file at path the spare, unless one is ready or being
// built.
func (b *spareBuilder) adopt(path string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ready || b.building || b.stopped {
		return false
	}
	fi, err := b.fs.Stat(path)
	if err != nil || fi.Size() < HeaderSize {
		return false
	}
	if err := b.fs.Rename(path, b.path()); err != nil {
		return false
	}
	b.size, b.ready = fi.Size(), true
	return true
}

// buildNow builds a spare of size bytes on the caller's goroutine.
func (b *spareBuilder) buildNow(size int64) error {
	err := b.build(size)
	b.mu.Lock()
	b.size, b.ready = size, err == nil
	b.mu.Unlock()
	return err
}

// start builds a spare of size bytes in the background, unless one is
// ready or being built.
func (b *spareBuilder) start(size int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ready || b.building || b.stopped {
		return
	}
	b.building, b.size = true, size
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		err := b.build(size)
		b.mu.Lock()
		b.building = false
		b.ready = err == nil
		b.mu.Unlock()
	}()
}

// build writes a spare: zeros to a temporary name, synced, renamed. A
// failure (a full disk) only means that the next segment starts empty.
func (b *spareBuilder) build(size int64) error {
	tmp := b.path() + ".tmp"
	f, err := b.fs.Create(tmp, vfs.WriteCategoryUnspecified)
	if err != nil {
		return err
	}
	zeros := make([]byte, min(size, 1<<20))
	for off := int64(0); off < size && err == nil; off += int64(len(zeros)) {
		n := min(int64(len(zeros)), size-off)
		_, err = f.Write(zeros[:n])
		if err == nil && b.isStopped() {
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
		err = b.fs.Rename(tmp, b.path())
	}
	if err != nil {
		_ = b.fs.Remove(tmp)
		return err
	}
	// The rename is made durable by the directory sync of the segment
	// that takes the spare.
	return nil
}

func (b *spareBuilder) isStopped() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stopped
}

// stop waits for a build in progress, which gives up early.
func (b *spareBuilder) stop() {
	b.mu.Lock()
	b.stopped = true
	b.mu.Unlock()
	b.wg.Wait()
}
