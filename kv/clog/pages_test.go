package clog

import (
	"bytes"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// writeAt is one WriteAt on a segment: where, how much, and the bytes it
// replaced.
type writeAt struct {
	off      int64
	data     []byte
	replaced []byte
}

// recordingFS notes every WriteAt on the files it opens.
type recordingFS struct {
	vfs.FS
	writes []writeAt
}

func (fs *recordingFS) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := fs.FS.Create(name, c)
	return &recordingFile{File: f, fs: fs}, err
}

func (fs *recordingFS) OpenReadWrite(name string, c vfs.DiskWriteCategory, opts ...vfs.OpenOption) (vfs.File, error) {
	f, err := fs.FS.OpenReadWrite(name, c, opts...)
	return &recordingFile{File: f, fs: fs}, err
}

type recordingFile struct {
	vfs.File
	fs *recordingFS
}

func (f *recordingFile) WriteAt(p []byte, off int64) (int, error) {
	old := make([]byte, len(p))
	n, _ := f.File.ReadAt(old, off)
	f.fs.writes = append(f.fs.writes, writeAt{off: off, data: bytes.Clone(p), replaced: old[:n]})
	return f.File.WriteAt(p, off)
}

// TestSmallRecordsWriteWholePages: a gathered record is written from the
// start of its first page to the end of its last (or the segment's end),
// the bytes before the record unchanged and those after it zeros, so the
// kernel never reads a page to complete the write; records after a large
// one, written in parts, keep to this too, and everything replays.
func TestSmallRecordsWriteWholePages(t *testing.T) {
	fs := &recordingFS{FS: newFS(t)}
	segSize := 8 * pageSize
	w, err := NewWriter(fs, "/d", 1, segSize)
	if err != nil {
		t.Fatal(err)
	}
	w.spares.wg.Wait()
	var gs []group
	sizes := []int{10, 500, int(pageSize), 3000, 3*gatherLimit + 5, 40, 777, int(pageSize) - HeaderSize, 60, 1}
	for i, size := range append(append(sizes, sizes...), sizes...) {
		g := group{uint64(i + 1), uint64(i + 1), payloadOf(i, size)}
		fs.writes = nil
		off := w.off
		rotated, err := w.Append(g.first, g.last, g.payload[:1], g.payload[1:])
		if err != nil {
			t.Fatal(err)
		}
		gs = append(gs, g)
		if rotated {
			off = 0
		}
		if HeaderSize+size > gatherLimit {
			continue
		}
		wr := fs.writes[len(fs.writes)-1]
		end := wr.off + int64(len(wr.data))
		if wr.off%pageSize != 0 || (end%pageSize != 0 && end != w.end) {
			t.Fatalf("record %d (%d bytes at %d): written at %d..%d, not whole pages", i, size, off, wr.off, end)
		}
		before := off - wr.off
		if !bytes.Equal(wr.data[:before], wr.replaced[:min(before, int64(len(wr.replaced)))]) || int64(len(wr.replaced)) < before {
			t.Fatalf("record %d: the %d bytes before it were changed", i, before)
		}
		if pad := wr.data[before+int64(HeaderSize+size):]; len(bytes.Trim(pad, "\x00")) != 0 {
			t.Fatalf("record %d: padding is not zeros", i)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, res, err := replayAll(t, fs, 0)
	if err != nil || res.Groups != len(gs) || !bytes.Equal(bytes.Join(payloads(got), nil), bytes.Join(payloads(gs), nil)) {
		t.Fatalf("replayed %d groups, err %v; want %d with the same payloads", res.Groups, err, len(gs))
	}
}
