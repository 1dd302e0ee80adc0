package clog

import (
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// spareFiles lists the spare files in the log's directory.
func spareFiles(t *testing.T, fs vfs.FS) []string {
	t.Helper()
	names, err := fs.List("/d")
	if err != nil {
		t.Fatal(err)
	}
	var spares []string
	for _, n := range names {
		if strings.HasPrefix(n, spareName) {
			spares = append(spares, n)
		}
	}
	return spares
}

// TestReleasedSegmentsAreKept: a release keeps up to keptSpares segments
// as spares, the next rotations take them instead of writing zeros, and
// neither replay nor a new writer takes a spare for part of the log.
func TestReleasedSegmentsAreKept(t *testing.T) {
	fs := newFS(t)
	l := newSpareLog(t, fs)
	w, appendN := l.w, l.append
	appendN(60) // segments 1-8
	if err := w.Release(w.Segment()); err != nil {
		t.Fatal(err)
	}
	if segs, _ := Segments(fs, "/d"); len(segs) != 1 {
		t.Fatalf("segments %v after release, want only the current one", segs)
	}
	// kv releases four segments at a time; all four are kept.
	if got := spareFiles(t, fs); len(got) != 4 || len(w.spares.ready) != 4 {
		t.Fatalf("spares on disk %v, ready %v; want 4", got, w.spares.ready)
	}
	built := w.spares.built
	appendN(8 * 3) // rotates into three of them
	if w.spares.built != built {
		t.Fatalf("%d spares of zeros written while recycled ones were ready", w.spares.built-built)
	}
	if got := spareFiles(t, fs); len(got) == 0 {
		t.Fatal("no spare left")
	}

	// A record too large for a full spare goes into a new segment of its
	// own size; the spares stay for the records after it.
	ready := len(w.spares.ready)
	built = w.spares.built
	l.tx++
	if _, err := w.Append(l.tx, l.tx, nil, payloadOf(int(l.tx), 3000)); err != nil {
		t.Fatal(err)
	}
	w.spares.wg.Wait()
	if len(w.spares.ready) != ready || w.spares.built != built {
		t.Fatalf("ready spares %d (%d built) after a large record, want %d (none built)", len(w.spares.ready), w.spares.built-built, ready)
	}
	appendN(3)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := spareFiles(t, fs); len(got) != 0 {
		t.Fatalf("spares %v left after Close", got)
	}
	got, res, err := replayAll(t, fs, 60)
	if err != nil || res.Last != l.tx || len(got) != int(l.tx-60) {
		t.Fatalf("replayed %d groups to %d, err %v; want %d to %d", len(got), res.Last, err, l.tx-60, l.tx)
	}
}

// TestOldSparesAreDiscarded: spares of an earlier run, recycled, built or
// half built, are removed when a writer starts.
func TestOldSparesAreDiscarded(t *testing.T) {
	fs := newFS(t)
	for _, name := range []string{recycledSpareName(3), builtSpareName, builtSpareName + ".tmp"} {
		f, err := fs.Create(fs.PathJoin("/d", name), vfs.WriteCategoryUnspecified)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	w, err := NewWriter(fs, "/d", 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if got := spareFiles(t, fs); len(got) != 0 && (len(got) != 1 || got[0] != builtSpareName) {
		t.Fatalf("spares %v after start, want at most the writer's own", got)
	}
}
