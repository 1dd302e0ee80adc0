package clog

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
)

type group struct {
	first, last uint64
	payload     []byte
}

func payloadOf(i int, n int) []byte {
	return bytes.Repeat([]byte{byte(i + 1)}, n)
}

// writeGroups appends n groups of one tx each, from tx first, with
// payloads of size bytes, to a fresh writer at segment seg.
func writeGroups(t *testing.T, fs vfs.FS, seg uint64, segSize int64, first uint64, n, size int) (*Writer, []group) {
	t.Helper()
	w, err := NewWriter(fs, "/d", seg, segSize)
	if err != nil {
		t.Fatal(err)
	}
	var gs []group
	for i := 0; i < n; i++ {
		g := group{first + uint64(i), first + uint64(i), payloadOf(i, size)}
		if _, err := w.Append(g.first, g.last, g.payload[:3], g.payload[3:]); err != nil {
			t.Fatal(err)
		}
		gs = append(gs, g)
	}
	return w, gs
}

func replayAll(t *testing.T, fs vfs.FS, after uint64) ([]group, Replayed, error) {
	t.Helper()
	var got []group
	res, err := Replay(fs, "/d", after, func(first, last uint64, p []byte) error {
		got = append(got, group{first, last, bytes.Clone(p)})
		return nil
	})
	return got, res, err
}

func newFS(t *testing.T) vfs.FS {
	fs := vfs.NewMem()
	if err := fs.MkdirAll("/d", 0o755); err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestRoundTripAcrossSegments(t *testing.T) {
	fs := newFS(t)
	w, gs := writeGroups(t, fs, 1, 1000, 1, 50, 100) // about 8 records a segment
	if w.Segment() < 5 {
		t.Fatalf("segment %d: expected rotations", w.Segment())
	}
	// A record larger than a segment gets a segment of its own.
	big := group{51, 53, payloadOf(9, 5000)}
	if rotated, err := w.Append(big.first, big.last, nil, big.payload); err != nil || !rotated {
		t.Fatalf("big record: rotated %v, err %v", rotated, err)
	}
	gs = append(gs, big)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, res, err := replayAll(t, fs, 0)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(gs) || res.Last != 53 || res.Groups != 51 {
		t.Fatalf("replayed %d groups to %d; want %d to 53", res.Groups, res.Last, len(gs))
	}
	// After: only what the store lacks.
	got, res, err = replayAll(t, fs, 40)
	if err != nil || len(got) != 11 || got[0].first != 41 || res.Last != 53 {
		t.Fatalf("after 40: %d groups from %v, last %d, err %v", len(got), got[0].first, res.Last, err)
	}
	got, res, err = replayAll(t, fs, 53)
	if err != nil || len(got) != 0 || res.Last != 53 {
		t.Fatalf("after 53: %d groups, last %d, err %v", len(got), res.Last, err)
	}
}

func TestReplayGapIsCorrupt(t *testing.T) {
	fs := newFS(t)
	w, _ := writeGroups(t, fs, 1, 1<<20, 10, 5, 50)
	w.Close()
	// The store holds txs up to 5, the log starts at 10: txs 6-9 are lost.
	if _, _, err := replayAll(t, fs, 5); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("gap: err %v, want ErrCorrupt", err)
	}
	// A store already past the log's start replays from its own end.
	if got, _, err := replayAll(t, fs, 12); err != nil || len(got) != 2 {
		t.Fatalf("after 12: %d groups, err %v", len(got), err)
	}
}

// TestReplaySkipsGapsTheStoreHolds: a crash after a release may leave any
// subset of the released segments (TestCrashMemFS found segment 4 gone
// and segment 3 kept). Groups the store holds are not needed, so a gap
// among them is not damage; a gap after the store's last tx is.
func TestReplaySkipsGapsTheStoreHolds(t *testing.T) {
	fs := newFS(t)
	w, _ := writeGroups(t, fs, 1, 1000, 1, 50, 100) // about 8 records a segment
	last := w.Segment()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if last < 5 {
		t.Fatalf("segment %d: expected rotations", last)
	}
	// Segment 3 is gone; segment 4's first group is where the gap ends.
	data, err := readFile(fs, fs.PathJoin("/d", segmentName(4)))
	if err != nil {
		t.Fatal(err)
	}
	rec, ok := parseRecord(4, data)
	if !ok {
		t.Fatal("segment 4 has no first record")
	}
	firstOf4 := rec.first
	if err := fs.Remove(fs.PathJoin("/d", segmentName(3))); err != nil {
		t.Fatal(err)
	}
	got, res, err := replayAll(t, fs, firstOf4-1)
	if err != nil || len(got) == 0 || got[0].first != firstOf4 || res.Last != 50 {
		t.Fatalf("store holding the gap: %d groups, last %d, err %v", len(got), res.Last, err)
	}
	if _, _, err := replayAll(t, fs, firstOf4-2); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("store missing tx %d of the gap: err %v, want ErrCorrupt", firstOf4-1, err)
	}
}

// tear overwrites part of the last record of segment seg, as a crash
// during its write would leave it.
func tear(t *testing.T, fs vfs.FS, seg uint64, at int64) {
	t.Helper()
	f, err := fs.OpenReadWrite(fs.PathJoin("/d", segmentName(seg)), vfs.WriteCategoryUnspecified)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte{0xff, 0xee}, at); err != nil {
		t.Fatal(err)
	}
}

// TestGatheredAndPartWrites replays records on both sides of gatherLimit:
// small ones are written from one gathered buffer, large ones in parts.
func TestGatheredAndPartWrites(t *testing.T) {
	fs := newFS(t)
	w, err := NewWriter(fs, "/d", 1, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var gs []group
	for i, size := range []int{10, gatherLimit - HeaderSize, gatherLimit - HeaderSize + 1, 3 * gatherLimit, 20} {
		g := group{uint64(i + 1), uint64(i + 1), payloadOf(i, size)}
		if _, err := w.Append(g.first, g.last, g.payload[:7], g.payload[7:]); err != nil {
			t.Fatal(err)
		}
		gs = append(gs, g)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, res, err := replayAll(t, fs, 0)
	if err != nil || res.Groups != len(gs) || !bytes.Equal(bytes.Join(payloads(got), nil), bytes.Join(payloads(gs), nil)) {
		t.Fatalf("replayed %d groups, err %v; want %d with the same payloads", res.Groups, err, len(gs))
	}
}

func payloads(gs []group) [][]byte {
	var ps [][]byte
	for _, g := range gs {
		ps = append(ps, g.payload)
	}
	return ps
}

func TestTornTailIsTheEnd(t *testing.T) {
	fs := newFS(t)
	w, _ := writeGroups(t, fs, 1, 1<<20, 1, 5, 50)
	w.Close()
	rec := int64(HeaderSize + 50)
	tear(t, fs, 1, 4*rec+HeaderSize+10) // the payload of the fifth record
	got, res, err := replayAll(t, fs, 0)
	if err != nil || len(got) != 4 || res.Last != 4 {
		t.Fatalf("torn tail: %d groups to %d, err %v; want 4", len(got), res.Last, err)
	}
}

func TestTornRecordBeforeAValidOneIsCorrupt(t *testing.T) {
	fs := newFS(t)
	w, _ := writeGroups(t, fs, 1, 200, 1, 6, 50) // two records a segment
	w.Close()
	tear(t, fs, 1, HeaderSize+10) // the first record of segment 1
	if _, _, err := replayAll(t, fs, 0); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("damaged record followed by segments: err %v, want ErrCorrupt", err)
	}
}

func TestRemoveKeepsNewerSegments(t *testing.T) {
	fs := newFS(t)
	w, _ := writeGroups(t, fs, 3, 200, 1, 6, 50)
	defer w.Close()
	if err := Remove(fs, "/d", w.Segment()); err != nil {
		t.Fatal(err)
	}
	segs, err := Segments(fs, "/d")
	if err != nil || len(segs) != 1 || segs[0] != w.Segment() {
		t.Fatalf("segments %v, err %v; want only %d", segs, err, w.Segment())
	}
	got, _, err := replayAll(t, fs, 4)
	if err != nil || len(got) != 2 || got[0].first != 5 {
		t.Fatalf("after removal: %v, err %v", got, err)
	}
}

func TestSpareIsUsed(t *testing.T) {
	fs := newFS(t)
	w, err := NewWriter(fs, "/d", 1, 4096)
	if err != nil {
		t.Fatal(err)
	}
	w.spares.wg.Wait() // the first spare is built
	for i := 0; i < 3; i++ {
		if _, err := w.Append(uint64(i+1), uint64(i+1), nil, payloadOf(i, 3000)); err != nil {
			t.Fatal(err)
		}
		w.spares.wg.Wait()
	}
	w.Close()
	for _, seg := range []uint64{2, 3} {
		fi, err := fs.Stat(fs.PathJoin("/d", segmentName(seg)))
		if err != nil || fi.Size() != 4096 {
			t.Fatalf("segment %d: %v, err %v; want a pre-written 4096-byte file", seg, fi, err)
		}
	}
	if got, _, err := replayAll(t, fs, 0); err != nil || len(got) != 3 {
		t.Fatalf("replay: %d groups, err %v", len(got), err)
	}
}

// spareLog is a writer of 1000-byte segments (about 8 records each)
// whose appends wait for the spare builder, so that which segment takes
// which spare does not depend on timing.
type spareLog struct {
	t  *testing.T
	w  *Writer
	tx uint64 // the last tx appended
}

func newSpareLog(t *testing.T, fs vfs.FS) *spareLog {
	t.Helper()
	w, err := NewWriter(fs, "/d", 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return &spareLog{t: t, w: w}
}

// append appends n records of 100 bytes, one tx each.
func (l *spareLog) append(n int) {
	l.t.Helper()
	for i := 0; i < n; i++ {
		l.tx++
		if _, err := l.w.Append(l.tx, l.tx, nil, payloadOf(int(l.tx), 100)); err != nil {
			l.t.Fatal(err)
		}
		l.w.spares.wg.Wait()
	}
}

// TestRecycledSegments: released segments come back as spares, and the
// old records in them never read as part of the log, neither after a
// rotation (the zero header ends the segment) nor at the log's end.
func TestRecycledSegments(t *testing.T) {
	fs := newFS(t)
	l := newSpareLog(t, fs)
	w, appendN := l.w, l.append
	appendN(30) // segments 1-4 or so, full of records
	released := l.tx
	if err := w.Release(w.Segment()); err != nil {
		t.Fatal(err)
	}
	segs, _ := Segments(fs, "/d")
	if len(segs) != 1 {
		t.Fatalf("segments %v after release, want only the current one", segs)
	}
	if len(w.spares.ready) == 0 {
		t.Fatal("the newest released segment did not become the spare")
	}
	appendN(12) // rotates into the recycled segment, then fills part of it
	w.Close()
	got, res, err := replayAll(t, fs, released)
	if err != nil {
		t.Fatal(err)
	}
	if res.Last != l.tx || len(got) == 0 {
		t.Fatalf("replayed to %d (%d groups), want to %d", res.Last, len(got), l.tx)
	}
}
