package clog

import (
	"errors"
	"fmt"
	"os"

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

	spares spares
}

// NewWriter starts segment seg (numbers must grow: one past the newest
// existing segment) with segments of size bytes. It removes the spares
// left by an earlier run, and builds spares in the background from then
// on.
func NewWriter(fs vfs.FS, dir string, seg uint64, size int64) (*Writer, error) {
	if seg == 0 || size < HeaderSize {
		return nil, fmt.Errorf("clog: bad segment %d or size %d", seg, size)
	}
	w := &Writer{fs: fs, dir: dir, size: size, next: min(firstSegmentSize, size)}
	w.spares = spares{fs: fs, dir: dir, keep: keptSpares}
	w.spares.discardOld()
	// The first segment is pre-written before the first commit, small so
	// that opening stays quick; the next ones double up to size, built in
	// the background.
	if err := w.spares.buildNow(w.next); err != nil {
		w.spares.discardOld() // the first segment starts empty
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
	if spareSize, ok := w.spares.take(name, need, w.size); ok {
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
	w.spares.start(w.next)
	return nil
}

// Release gives up the segments numbered below n, whose groups the
// caller has made durable elsewhere. The newest of them become spares
// (spares.go) while fewer than keptSpares are held, and the others are
// removed. A recycled segment's old records are never read, as the
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
	for len(old) > 0 {
		newest := old[len(old)-1]
		if !w.spares.adopt(w.fs.PathJoin(w.dir, segmentName(newest)), newest, w.size) {
			break
		}
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
// removes the spares.
func (w *Writer) Close() error {
	w.spares.stop()
	w.spares.discardOld()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
