package clog

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// Replayed says what Replay found.
type Replayed struct {
	// Last is the last tx id of the log, or Replay's after when the log
	// holds nothing beyond it.
	Last uint64
	// Groups counts the records handed to fn.
	Groups int
	// LastSegment is the number of the newest segment, 0 if none.
	LastSegment uint64
}

// Replay reads the log in dir and calls fn, in order, with every group
// whose tx ids are beyond after: the groups a store whose last durable tx
// is after must apply to catch up. The log must continue from after:
// its first such group starts at after+1, or ErrCorrupt is returned. fn
// must not keep payload.
func Replay(fs vfs.FS, dir string, after uint64, fn func(first, last uint64, payload []byte) error) (Replayed, error) {
	segs, err := Segments(fs, dir)
	if err != nil {
		return Replayed{}, err
	}
	res := Replayed{Last: after}
	if len(segs) > 0 {
		res.LastSegment = segs[len(segs)-1]
	}
	var prevLast uint64 // last tx id of the previous record, 0 before the first
	for i, seg := range segs {
		data, err := readFile(fs, fs.PathJoin(dir, segmentName(seg)))
		if err != nil {
			return res, err
		}
		off := 0
		seed := segmentSeed(seg)
		for {
			rec, ok := parseSeeded(seed, data[off:])
			if !ok {
				break
			}
			// Groups the store holds are skipped unchecked: the segments a
			// release gives up may be gone in any subset after a crash
			// (their renames and removals are synced together, and a file
			// system may keep some of them), so the log may have gaps
			// before the store's last tx. From there on it must be whole.
			if prevLast > after && rec.first != prevLast+1 {
				return res, fmt.Errorf("%w: segment %d offset %d: group of txs %d-%d follows tx %d", ErrCorrupt, seg, off, rec.first, rec.last, prevLast)
			}
			prevLast = rec.last
			if rec.last > after {
				if rec.first > res.Last+1 {
					return res, fmt.Errorf("%w: segment %d offset %d: the log resumes at tx %d, the store holds txs up to %d", ErrCorrupt, seg, off, rec.first, res.Last)
				}
				if rec.first != res.Last+1 {
					return res, fmt.Errorf("%w: segment %d offset %d: group of txs %d-%d overlaps the store's tx %d", ErrCorrupt, seg, off, rec.first, rec.last, res.Last)
				}
				if err := fn(rec.first, rec.last, rec.payload); err != nil {
					return res, err
				}
				res.Last = rec.last
				res.Groups++
			}
			off += HeaderSize + len(rec.payload)
		}
		if !endsClean(data[off:]) {
			// A torn record (the last thing written before a crash), or
			// the old records of a recycled segment past the log's end.
			// Either way no later segment may hold a record.
			for _, later := range segs[i+1:] {
				d, err := readFirstRecord(fs, fs.PathJoin(dir, segmentName(later)))
				if err != nil {
					return res, err
				}
				if _, ok := parseRecord(later, d); ok {
					return res, fmt.Errorf("%w: segment %d offset %d: a damaged record is followed by segment %d", ErrCorrupt, seg, off, later)
				}
			}
			return res, nil
		}
	}
	return res, nil
}

type record struct {
	first, last uint64
	payload     []byte
}

// parseRecord reads the record at the start of b, written in segment seg.
func parseRecord(seg uint64, b []byte) (record, bool) {
	return parseSeeded(segmentSeed(seg), b)
}

// parseSeeded is parseRecord with the segment's seed.
func parseSeeded(seed uint32, b []byte) (record, bool) {
	if len(b) < HeaderSize {
		return record{}, false
	}
	n := binary.BigEndian.Uint32(b[0:4])
	if n == 0 || uint64(len(b)-HeaderSize) < uint64(n) {
		return record{}, false
	}
	payload := b[HeaderSize : HeaderSize+int(n)]
	if binary.BigEndian.Uint32(b[4:8]) != checksum(seed, b[8:24], payload) {
		return record{}, false
	}
	r := record{first: binary.BigEndian.Uint64(b[8:16]), last: binary.BigEndian.Uint64(b[16:24]), payload: payload}
	if r.first == 0 || r.last < r.first {
		return record{}, false
	}
	return r, true
}

// endsClean reports whether the bytes after a segment's last record are
// its clean end (nothing, or the zeros it was pre-written with) rather
// than a record torn by a crash.
func endsClean(rest []byte) bool {
	if len(rest) < 4 {
		return true
	}
	return binary.BigEndian.Uint32(rest[0:4]) == 0
}

// readFile reads a segment whole, into a buffer of its size.
func readFile(fs vfs.FS, name string) ([]byte, error) {
	f, err := fs.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	b := make([]byte, fi.Size())
	n, err := io.ReadFull(f, b)
	if err == io.ErrUnexpectedEOF {
		err = nil // shorter than its size a moment ago: read what is there
	}
	return b[:n], err
}

// readFirstRecord reads the bytes of the first record a segment may hold
// (its header and the payload length the header gives, as far as the
// file goes), or fewer when the file is shorter.
func readFirstRecord(fs vfs.FS, name string) ([]byte, error) {
	f, err := fs.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	hdr := make([]byte, HeaderSize)
	if n, err := io.ReadFull(f, hdr); err != nil {
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			return hdr[:n], nil
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := min(int64(binary.BigEndian.Uint32(hdr[0:4])), fi.Size()-HeaderSize)
	b := make([]byte, HeaderSize+size)
	copy(b, hdr)
	n, err := io.ReadFull(f, b[HeaderSize:])
	if err == io.ErrUnexpectedEOF {
		err = nil
	}
	return b[:HeaderSize+n], err
}
