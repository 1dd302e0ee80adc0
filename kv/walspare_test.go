package kv_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stela-db/stela/kv"
)

// TestWALSpare checks the pre-written WAL on the operating system's file
// system: pebble's WAL is the pre-written file, a new spare is ready soon
// after, and a store reopened (after a clean close, and after the leftovers
// of an interrupted spare) has every transaction.
func TestWALSpare(t *testing.T) {
	const size = 1 << 20
	dir := t.TempDir()
	opts := kv.Options{WALSpareSize: size}
	s := openAt(t, dir, opts)
	waitSpare(t, dir, size)
	if wal := walSizes(t, dir); len(wal) != 1 || wal[0] < size {
		t.Fatalf("WAL sizes %v, want one WAL of at least %d bytes (the spare)", wal, size)
	}
	commitN(t, s, 0, 300)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// A spare of the wrong size (a crash while it was renamed in, a
	// changed setting) and a half-written one are thrown away.
	if err := os.WriteFile(filepath.Join(dir, "STELA-WAL-SPARE"), []byte("short"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "STELA-WAL-SPARE.tmp"), make([]byte, 100), 0o644); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, dir, opts)
	waitSpare(t, dir, size)
	if _, err := os.Stat(filepath.Join(dir, "STELA-WAL-SPARE.tmp")); !os.IsNotExist(err) {
		t.Errorf("half-written spare left behind: %v", err)
	}
	checkN(t, s, 0, 300)
	commitN(t, s, 300, 600)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Without the option, the store opens as ever and leaves the spare.
	s = openAt(t, dir, kv.Options{})
	checkN(t, s, 0, 600)
	if _, err := s.Verify(context.Background(), kv.VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

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

// waitSpare waits for the background spare to be written.
func waitSpare(t *testing.T, dir string, size int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		fi, err := os.Stat(filepath.Join(dir, "STELA-WAL-SPARE"))
		if err == nil && fi.Size() == size {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no spare of %d bytes after 10s: %v", size, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func walSizes(t *testing.T, dir string) []int64 {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int64
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".log") {
			fi, err := e.Info()
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, fi.Size())
		}
	}
	return sizes
}

// TestWALSpareGrows: spares start small and double with each WAL pebble
// takes (its memtables, and so its WALs, grow the same way after an
// open), up to the configured size.
func TestWALSpareGrows(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir, kv.Options{WALSpareSize: 4 << 20})
	// The open's WAL took a 1 MiB spare; the next one is 2 MiB.
	waitSpare(t, dir, 2<<20)
	if wal := walSizes(t, dir); len(wal) != 1 || wal[0] != 1<<20 {
		t.Fatalf("WAL sizes %v, want one WAL of the first spare's 1 MiB", wal)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
