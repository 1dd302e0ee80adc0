package kv_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stela-db/stela/kv"
)

func commitN(t *testing.T, s *kv.Store, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		k := fmt.Sprintf("k%05d", i)
		if _, err := s.Commit(context.Background(), []kv.Write{{Key: []byte(k), Value: []byte("v" + k)}}); err != nil {
			t.Fatal(err)
		}
	}
}

func checkN(t *testing.T, s *kv.Store, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		k := fmt.Sprintf("k%05d", i)
		v, err := s.Get([]byte(k))
		if err != nil || string(v.Value) != "v"+k {
			t.Fatalf("%s: %q, %v", k, v.Value, err)
		}
	}
}

// TestCommitLogCrashReplay: a copy of an open store is what a crash
// leaves, its recent commits only in the commit log. A read-only open
// reads the log into memory and sees every transaction, writing nothing;
// a read-write open replays the log into pebble, and after its clean
// Close the store has no log left and opens read-only with everything.
func TestCommitLogCrashReplay(t *testing.T) {
	live := t.TempDir()
	s := openAt(t, live, kv.Options{})
	commitN(t, s, 0, 300)
	crashed := t.TempDir()
	tpCopyDir(t, live, crashed)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	segs := fltGlobAny(t, crashed, "STELA-CLOG-0*")
	if len(segs) == 0 {
		t.Fatal("the open store had no commit log segment")
	}

	ro := openAt(t, crashed, kv.Options{ReadOnly: true})
	if ro.LastTx() != 300 {
		t.Fatalf("read-only open of a crashed store sees tx %d, want 300", ro.LastTx())
	}
	checkN(t, ro, 0, 300)
	if _, err := ro.Verify(context.Background(), kv.VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	if after := fltGlobAny(t, crashed, "STELA-CLOG-0*"); len(after) != len(segs) {
		t.Fatalf("a read-only open changed the log: %v, was %v", after, segs)
	}

	s = openAt(t, crashed, kv.Options{})
	if s.LastTx() != 300 {
		t.Fatalf("replayed to tx %d, want 300", s.LastTx())
	}
	checkN(t, s, 0, 300)
	commitN(t, s, 300, 310)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if segs := fltGlobAny(t, crashed, "STELA-CLOG-0*"); len(segs) != 0 {
		t.Fatalf("segments left after a clean close: %v", segs)
	}
	ro = openAt(t, crashed, kv.Options{ReadOnly: true})
	defer ro.Close()
	checkN(t, ro, 0, 310)
	if _, err := ro.Verify(context.Background(), kv.VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestCommitLogReleasesSegments: segments whose groups pebble has
// flushed are removed while the store runs, so the log stays short.
func TestCommitLogReleasesSegments(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir, kv.Options{LogSegmentSize: 64 << 10})
	defer s.Close()
	value := strings.Repeat("v", 4000)
	for i := 0; i < 400; i++ { // about 25 segments
		put(t, s, fmt.Sprintf("k%d", i), value)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		segs := fltGlobAny(t, dir, "STELA-CLOG-0*")
		if len(segs) <= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d segments after 400 commits of 4 KB in 64 KiB segments; want them released", len(segs))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// fltGlobAny is filepath.Glob in dir, without requiring a match.
func fltGlobAny(t *testing.T, dir, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	return m
}
