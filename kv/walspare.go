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
// Pebble also recycles old WALs; a recycled WAL is written only as far as
// it was used, and early WALs are short (see walSpareStart), so a WAL
// recycled from one of them is mostly appended to. When the spare is
// larger than the WAL pebble offers to recycle, the spare is used instead
// and the old WAL removed (ReuseForWrite). Without a spare (none built yet,
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

	mu        sync.Mutex
	next      int64 // the size of the next spare to write
	ready     bool  // the spare file exists, written and synced
	spareSize int64 // the ready spare's size
	building  bool
	closed    bool
	wg        sync.WaitGroup
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
			w.ready, w.spareSize = true, fi.Size()
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
	if !w.isWAL(name) {
		return w.FS.Create(name, category)
	}
	if f, ok := w.takeSpare(name, category, 0); ok {
		return f, nil
	}
	return w.FS.Create(name, category)
}

// ReuseForWrite is pebble recycling the obsolete WAL oldname as newname.
// When the spare is larger than oldname, the spare becomes newname and
// oldname is removed (ReuseForWrite's contract lets the file system
// create a new file instead of reusing the old one).
func (w *walSpareFS) ReuseForWrite(oldname, newname string, category vfs.DiskWriteCategory) (vfs.File, error) {
	if !w.isWAL(newname) {
		return w.FS.ReuseForWrite(oldname, newname, category)
	}
	old, err := w.FS.Stat(oldname)
	if err != nil {
		return w.FS.ReuseForWrite(oldname, newname, category)
	}
	f, ok := w.takeSpare(newname, category, old.Size())
	if !ok {
		return w.FS.ReuseForWrite(oldname, newname, category)
	}
	if err := w.FS.Remove(oldname); err != nil {
		// Harmless: pebble removes WALs older than its oldest live one
		// when it next opens the store.
		w.log.Warn().Err(err).Str("file", oldname).Msg("could not remove a WAL replaced by the pre-written one")
	}
	return f, nil
}

func (w *walSpareFS) isWAL(name string) bool {
	return strings.HasSuffix(name, ".log") && w.FS.PathDir(name) == w.dir
}

// takeSpare renames the spare to name and opens it, if a spare larger
// than minSize bytes is ready; a new spare is then built in the background.
func (w *walSpareFS) takeSpare(name string, category vfs.DiskWriteCategory, minSize int64) (vfs.File, bool) {
	w.mu.Lock()
	ready := w.ready && w.spareSize > minSize
	if ready {
		w.ready = false
		w.next = min(2*w.next, w.size)
	}
	w.mu.Unlock()
	if !ready {
		return nil, false
	}
	defer w.build()
	f, err := w.FS.ReuseForWrite(w.path(), name, category)
	if err != nil {
		w.log.Warn().Err(err).Msg("could not use the pre-written WAL file")
		return nil, false
	}
	return f, true
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
	size, err := w.write()
	if err != nil {
		w.log.Debug().Err(err).Msg("no pre-written WAL file")
		return
	}
	w.mu.Lock()
	w.ready, w.spareSize = true, size
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
		size, err := w.write()
		w.mu.Lock()
		w.building = false
		w.ready, w.spareSize = err == nil, size
		w.mu.Unlock()
		if err != nil {
			// A full disk is reported by the commit path; here it only
			// means the next WAL is created the ordinary way.
			w.log.Debug().Err(err).Msg("no pre-written WAL file")
		}
	}()
}

// write fills a temporary file with zeros, syncs it and renames it to the
// spare's name. It returns the spare's size.
func (w *walSpareFS) write() (size int64, err error) {
	tmp := w.path() + ".tmp"
	f, err := w.FS.Create(tmp, vfs.WriteCategoryUnspecified)
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			_ = w.FS.Remove(tmp)
		}
	}()
	w.mu.Lock()
	size = w.next
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
		return 0, err
	}
	return size, w.FS.Rename(tmp, w.path())
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
