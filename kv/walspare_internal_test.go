package kv

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/rs/zerolog"
)

// TestWALSpareReplacesShortRecycledWAL: when pebble recycles an old WAL
// smaller than the spare, it gets the spare (every write an overwrite)
// and the old WAL is removed; a recycled WAL at least as large as the
// spare is reused as pebble asked, and the spare is kept for later.
func TestWALSpareReplacesShortRecycledWAL(t *testing.T) {
	const spare = 1 << 20
	dir := t.TempDir()
	w := newWALSpareFS(vfs.Default, dir, spare, zerolog.Nop())
	defer w.close()
	w.ensure()
	size := func(name string) int64 {
		t.Helper()
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	writeFile := func(name string, n int) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), make([]byte, n), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	writeFile("000004.log", 64<<10)
	f, err := w.ReuseForWrite(filepath.Join(dir, "000004.log"), filepath.Join(dir, "000009.log"), vfs.WriteCategoryUnspecified)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := size("000009.log"); got != spare {
		t.Errorf("WAL recycled from a 64 KiB one: %d bytes, want the spare's %d", got, spare)
	}
	if _, err := os.Stat(filepath.Join(dir, "000004.log")); !os.IsNotExist(err) {
		t.Errorf("the short WAL replaced by the spare is still there: %v", err)
	}

	w.wg.Wait() // the next spare (2 MiB is past the 1 MiB limit: 1 MiB)
	w.mu.Lock()
	ready, spareSize := w.ready, w.spareSize
	w.mu.Unlock()
	if !ready || spareSize != spare {
		t.Fatalf("after use: spare ready %v of %d bytes, want a new one of %d", ready, spareSize, spare)
	}
	writeFile("000005.log", 3<<20)
	f, err = w.ReuseForWrite(filepath.Join(dir, "000005.log"), filepath.Join(dir, "000010.log"), vfs.WriteCategoryUnspecified)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := size("000010.log"); got != 3<<20 {
		t.Errorf("WAL recycled from a 3 MiB one: %d bytes, want the old WAL reused", got)
	}
	if got := size(walSpareName); got != spare {
		t.Errorf("spare %d bytes after a larger WAL was recycled, want it kept", got)
	}
}
