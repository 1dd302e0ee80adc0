package kv

import (
	"errors"
	"strings"
	"sync"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/rs/zerolog"
)

// Pre-written WAL files.
//
// Every commit waits for one fdatasync of pebble's WAL. When the write
// extends the file, or lands in space that was only reserved (fallocate),
// the sync must also commit the file system's journal (the new size, the
// extent now written); when it overwrites blocks that already hold data, it
// flushes just the data. On this project's reference machine (ext4) that is
// 165 µs against 130 µs per single-row commit, a fifth of the latency.
// PostgreSQL gets the same effect by filling each WAL segment with zeros
// before using it.
//
// walSpareFS does that for pebble: in the background it writes a file of
// zeros (walSpareName) and syncs it, and when pebble creates its next WAL
// it is handed that file renamed, opened at offset 0 without truncation.
// Pebble's WAL reader stops at the zeroed tail as it does for its own
// preallocated and recycled WALs (a zeroed chunk with nothing valid after
// it is the end of the log, not corruption), so recovery is unchanged.
// Pebble also recycles old WALs, which are then fully written too; the
// spare covers the WALs it creates anew. Without a spare (none built yet,
// the disk full), pebble creates the WAL as usual: the spare is only ever
// an optimization.
const walSpareName = "STELA-WAL-SPARE"

// DefaultWALSpareSize matches the memtable size: a WAL holds about one
// memtable's worth of writes before pebble rotates it.
const DefaultWALSpareSize = 32 << 20

// walSpareStart is the first spare's size. Pebble starts every open with
// a small memtable and doubles it at each rotation up to its size, and a
// WAL holds about a memtable: the spares follow, each twice the last, so
// that the early, short WALs do not each cost a full-size file of zeros.
const walSpareStart = 1 << 20

type walSpareFS struct {
	vfs.FS
	dir  string
	size int64 // the largest spare
	log  zerolog.Logger

	mu       sync.Mutex
	next     int64 // the size of the next spare to write
	ready    bool  // the spare file exists, written and synced
	building bool
	closed   bool
	wg       sync.WaitGroup
}

func newWALSpareFS(fs vfs.FS, dir string, size int64, log zerolog.Logger) *walSpareFS {
	// pebble names its WALs with the file system's PathJoin; compare
	// directories spelled the same way.
	w := &walSpareFS{FS: fs, dir: fs.PathDir(fs.PathJoin(dir, walSpareName)), size: size, log: log,
		next: min(walSpareStart, size)}
	if fi, err := fs.Stat(w.path()); err == nil {
		if fi.Size() >= w.next && fi.Size() <= size {
			// Left by the last run. A spare is renamed into place only
			// after it was written and synced, so it is whole.
			w.ready = true
		} else {
			_ = fs.Remove(w.path()) // not one of ours, or the size setting changed
		}
	}
	_ = fs.Remove(w.path() + ".tmp") // a build the last run did not finish
	return w
}

func (w *walSpareFS) path() string { return w.FS.PathJoin(w.dir, walSpareName) }

// Create hands pebble the spare for a new WAL in the store's directory.
func (w *walSpareFS) Create(name string, category vfs.DiskWriteCategory) (vfs.File, error) {
	if !strings.HasSuffix(name, ".log") || w.FS.PathDir(name) != w.dir {
		return w.FS.Create(name, category)
	}
	w.mu.Lock()
	ready := w.ready
	w.ready = false
	if ready {
		w.next = min(2*w.next, w.size)
	}
	w.mu.Unlock()
	defer w.build()
	if ready {
		f, err := w.FS.ReuseForWrite(w.path(), name, category)
		if err == nil {
			return f, nil
		}
		w.log.Warn().Err(err).Msg("could not use the pre-written WAL file; creating one")
	}
	return w.FS.Create(name, category)
}

// ensure writes a spare now unless one exists: pebble creates a WAL as it
// opens, and that one should be pre-written too.
func (w *walSpareFS) ensure() {
	w.mu.Lock()
	ready := w.ready
	w.mu.Unlock()
	if ready {
		return
	}
	if err := w.write(); err != nil {
		w.log.Debug().Err(err).Msg("no pre-written WAL file")
		return
	}
	w.mu.Lock()
	w.ready = true
	w.mu.Unlock()
}

// build starts writing a new spare unless one exists or is being written.
func (w *walSpareFS) build() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ready || w.building || w.closed {
		return
	}
	w.building = true
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		err := w.write()
		w.mu.Lock()
		w.building = false
		w.ready = err == nil
		w.mu.Unlock()
		if err != nil {
			// A full disk is reported by the commit path; here it only
			// means the next WAL is created the ordinary way.
			w.log.Debug().Err(err).Msg("no pre-written WAL file")
		}
	}()
}

// write fills a temporary file with zeros, syncs it and renames it to the
// spare's name.
func (w *walSpareFS) write() (err error) {
	tmp := w.path() + ".tmp"
	f, err := w.FS.Create(tmp, vfs.WriteCategoryUnspecified)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = w.FS.Remove(tmp)
		}
	}()
	w.mu.Lock()
	size := w.next
	w.mu.Unlock()
	zeros := make([]byte, 1<<20)
	for n := int64(0); n < size && err == nil; n += int64(len(zeros)) {
		if w.isClosed() {
			err = errors.New("store closing")
			break
		}
		chunk := zeros[:min(int64(len(zeros)), size-n)]
		_, err = f.Write(chunk)
	}
	if err = errors.Join(err, f.Sync(), f.Close()); err != nil {
		return err
	}
	return w.FS.Rename(tmp, w.path())
}

func (w *walSpareFS) isClosed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closed
}

// close waits for a spare being written; the finished spare stays for the
// next open.
func (w *walSpareFS) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.wg.Wait()
}
