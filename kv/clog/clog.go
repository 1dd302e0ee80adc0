// Package clog is the commit log of a kv store: the write-ahead log of its
// commit groups, which replaces pebble's own WAL.
//
// Why an own log. A synced commit through pebble's WAL passes the batch
// to pebble's flusher goroutine and waits for it to write and sync; with
// kv's committer and writer that is several goroutine hand-offs around
// every fdatasync, and on a two-core virtual machine each costs a thread
// wake-up. The goroutine that commits a group writes and syncs this log
// itself, then applies the batch to pebble with its WAL off
// (docs/BENCHMARKS.md, "Commit without hand-offs").
//
// Files. The log is a sequence of segments named segmentName(n), n
// counting up from 1, in the store's directory. A segment is written from
// offset 0 on; it is, when possible, a file written before (pre-written
// with zeros, or a released segment recycled: spares.go), so that appends
// overwrite written blocks and a sync flushes data only, not the file
// system's journal. Spares are named spareName, alone or followed by a
// dash and the number of the segment they were; readers ignore them, and
// a writer removes those of an earlier run.
//
// Record format (persisted; change only with a new store format):
//
//	offset  size  field
//	0       4     payload length N, big-endian uint32; 0 ends the segment
//	4       4     CRC-32C (Castagnoli) of bytes 8..24+N, seeded with the
//	              segment number, so that a record left from another file
//	              never checks
//	8       8     first tx id of the group, big-endian
//	16      8     last tx id of the group, big-endian
//	24      N     payload (the group's pebble batch)
//
// Records follow each other with no gap; each group's first tx id is the
// previous group's last plus one, across segments too. A zero header
// ends a segment (written and synced at rotation, the zeros a segment
// was pre-written with, or those a small record's write fills the rest
// of its last page with); the next segment continues the log. Small
// records are written in whole pages, the bytes of the page before the
// record written again unchanged (writer.go). A record
// that does not check or runs past the file's end is the end of the log:
// a record torn by a crash during its write, or the old records of a
// recycled segment (whose checksums were seeded with another number).
// Every record is synced before the next is written and every rotation's
// zero header before the next segment's first record, so such an end
// followed by a valid record in a later segment is corruption.
package clog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
	"strconv"
	"strings"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// HeaderSize is the size of a record's header.
const HeaderSize = 24

// MaxPayload is the largest payload a record holds.
const MaxPayload = 1<<32 - 1

const (
	segmentPrefix = "STELA-CLOG-"
	spareName     = "STELA-CLOG-SPARE"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrCorrupt marks a log that cannot be read to its end: a valid record
// after the end, or a gap in the tx ids.
var ErrCorrupt = errors.New("clog: corrupt commit log")

// segmentName is the file name of segment n.
func segmentName(n uint64) string {
	return fmt.Sprintf("%s%016d", segmentPrefix, n)
}

// parseSegmentName returns n for segmentName(n).
func parseSegmentName(name string) (uint64, bool) {
	rest, ok := strings.CutPrefix(name, segmentPrefix)
	if !ok || len(rest) != 16 {
		return 0, false
	}
	n, err := strconv.ParseUint(rest, 10, 64)
	return n, err == nil && n > 0
}

// Segments returns the numbers of the segments in dir, in order.
func Segments(fs vfs.FS, dir string) ([]uint64, error) {
	names, err := fs.List(dir)
	if err != nil {
		return nil, err
	}
	var segs []uint64
	for _, name := range names {
		if n, ok := parseSegmentName(name); ok {
			segs = append(segs, n)
		}
	}
	slices.Sort(segs)
	return segs, nil
}

// encodeHeader fills hdr for a record of the segment whose seed is seed
// (segmentSeed), with payload head followed by body.
func encodeHeader(hdr *[HeaderSize]byte, seed uint32, first, last uint64, head, body []byte) {
	binary.BigEndian.PutUint32(hdr[0:4], uint32(len(head)+len(body)))
	binary.BigEndian.PutUint64(hdr[8:16], first)
	binary.BigEndian.PutUint64(hdr[16:24], last)
	c := crc32.Update(checksum(seed, hdr[8:24], head), castagnoli, body)
	binary.BigEndian.PutUint32(hdr[4:8], c)
}

// segmentSeed is the CRC-32C of segment number seg, from which the
// checksums of the segment's records start.
func segmentSeed(seg uint64) uint32 {
	return crc32.Update(0, castagnoli, binary.BigEndian.AppendUint64(nil, seg))
}

// checksum is a record's CRC-32C, continuing its segment's seed.
func checksum(seed uint32, ids, payload []byte) uint32 {
	return crc32.Update(crc32.Update(seed, castagnoli, ids), castagnoli, payload)
}

// Remove deletes the segments numbered below n, oldest first, and syncs
// the directory.
func Remove(fs vfs.FS, dir string, below uint64) error {
	segs, err := Segments(fs, dir)
	if err != nil {
		return err
	}
	removed := false
	for _, n := range segs {
		if n >= below {
			break
		}
		if err := fs.Remove(fs.PathJoin(dir, segmentName(n))); err != nil {
			return err
		}
		removed = true
	}
	if !removed {
		return nil
	}
	return SyncDir(fs, dir)
}

// SyncDir makes the entries of directory dir durable: a created,
// renamed or removed file survives a crash only after it. The kv store
// uses it for its own files too.
func SyncDir(fs vfs.FS, dir string) error {
	d, err := fs.OpenDir(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
