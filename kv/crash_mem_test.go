package kv_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
)

// Helpers shared by the crash tests (this file and crash_test.go).
//
// Every transaction the crash tests commit is generated from three numbers:
// a round, the committing goroutine g and that goroutine's counter c. The
// content is a pure function of them, so whoever learns (round, g, c) of an
// acknowledged transaction (a side file, a slice) can rebuild exactly what
// must be stored under its tx id.

// crashWrites returns the writes of generated transaction (round, g, c):
// mostly one put, sometimes 1-50 puts, sometimes a delete; values are a few
// bytes or a few KB, some entries carry metadata.
func crashWrites(round, g, c int) []kv.Write {
	rng := rand.New(rand.NewPCG(uint64(round)<<32|uint64(g), uint64(c)))
	kind := rng.IntN(10)
	if kind == 0 {
		// Delete the first key of this goroutine's previous transaction
		// (which may not exist: deleting a missing key is allowed).
		w := kv.Write{Key: fmt.Appendf(nil, "r%d/g%d/k%d/e0", round, g, c-1), Delete: true}
		if rng.IntN(2) == 0 {
			w.Metadata = fmt.Appendf(nil, "deleted by %d/%d/%d", round, g, c)
		}
		return []kv.Write{w}
	}
	n := 1
	if kind == 1 {
		n = 1 + rng.IntN(50)
	}
	ws := make([]kv.Write, n)
	for i := range ws {
		size := 1 + rng.IntN(100)
		if rng.IntN(8) == 0 {
			size = 1024 + rng.IntN(7*1024)
		}
		v := fmt.Appendf(make([]byte, 0, size+32), "v%d/%d/%d/%d|", round, g, c, i)
		for len(v) < size {
			v = binary.LittleEndian.AppendUint64(v, rng.Uint64())
		}
		ws[i] = kv.Write{Key: fmt.Appendf(nil, "r%d/g%d/k%d/e%d", round, g, c, i), Value: v[:size]}
		if rng.IntN(4) == 0 {
			ws[i].Metadata = fmt.Appendf(nil, "m%d", rng.Uint32())
		}
	}
	return ws
}

// writesSum is a short checksum of a transaction's writes.
func writesSum(ws []kv.Write) string {
	h := sha256.New()
	for _, w := range ws {
		var hdr [13]byte
		binary.BigEndian.PutUint32(hdr[0:], uint32(len(w.Key)))
		binary.BigEndian.PutUint32(hdr[4:], uint32(len(w.Value)))
		binary.BigEndian.PutUint32(hdr[8:], uint32(len(w.Metadata)))
		if w.Delete {
			hdr[12] = 1
		}
		h.Write(hdr[:])
		h.Write(w.Key)
		if !w.Delete {
			h.Write(w.Value)
		}
		h.Write(w.Metadata)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// checkTxWrites checks that transaction id holds exactly ws, in order, both
// through Tx and, for deep checks, through GetAt (the version index).
func checkTxWrites(s *kv.Store, id uint64, ws []kv.Write, deep bool) error {
	tx, err := s.Tx(id)
	if err != nil {
		return fmt.Errorf("Tx(%d): %w", id, err)
	}
	if tx.Header.TxID != id {
		return fmt.Errorf("Tx(%d): header holds tx %d", id, tx.Header.TxID)
	}
	if int(tx.Header.Entries) != len(ws) || len(tx.Entries) != len(ws) {
		return fmt.Errorf("tx %d: %d entries (header says %d), wrote %d", id, len(tx.Entries), tx.Header.Entries, len(ws))
	}
	for i, w := range ws {
		e := tx.Entries[i]
		wantKind, wantValue := format.KindPut, w.Value
		if w.Delete {
			wantKind, wantValue = format.KindDelete, nil
		}
		switch {
		case e.Kind != wantKind:
			return fmt.Errorf("tx %d entry %d: kind %s, wrote %s", id, i, e.Kind, wantKind)
		case !bytes.Equal(e.Key, w.Key):
			return fmt.Errorf("tx %d entry %d: key %q, wrote %q", id, i, e.Key, w.Key)
		case !bytes.Equal(e.Metadata, w.Metadata):
			return fmt.Errorf("tx %d entry %d (%q): metadata %q, wrote %q", id, i, w.Key, e.Metadata, w.Metadata)
		case !bytes.Equal(e.Value, wantValue):
			return fmt.Errorf("tx %d entry %d (%q): value of %d bytes differs from the %d written", id, i, w.Key, len(e.Value), len(wantValue))
		case !w.Delete && e.ValueDigest != sha256.Sum256(w.Value):
			return fmt.Errorf("tx %d entry %d (%q): value digest does not match the value written", id, i, w.Key)
		}
		if !deep {
			continue
		}
		v, err := s.GetAt(w.Key, id)
		switch {
		case w.Delete:
			if !errors.Is(err, kv.ErrNotFound) {
				return fmt.Errorf("GetAt(%q, %d) after its delete: %v, want ErrNotFound", w.Key, id, err)
			}
		case err != nil:
			return fmt.Errorf("GetAt(%q, %d): %w", w.Key, id, err)
		case v.TxID != id || v.Index != uint32(i) || !bytes.Equal(v.Value, w.Value) || !bytes.Equal(v.Metadata, w.Metadata):
			return fmt.Errorf("GetAt(%q, %d) = version of tx %d, entry %d, %d bytes; want tx %d entry %d, %d bytes",
				w.Key, id, v.TxID, v.Index, len(v.Value), id, i, len(w.Value))
		}
	}
	return nil
}

// crashSeed returns the seed of a crash test: STELA_CRASH_SEED, or a random
// one. It is logged so that a failure can be replayed.
func crashSeed(t testing.TB) uint64 {
	t.Helper()
	seed := rand.Uint64()
	if s := os.Getenv("STELA_CRASH_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("STELA_CRASH_SEED=%q: %v", s, err)
		}
		seed = v
	}
	t.Logf("seed %d (replay the random choices with STELA_CRASH_SEED=%d)", seed, seed)
	return seed
}

// raceEnabled reports whether the test binary was built with -race: the
// crash tests then do less, as the race detector slows pebble ~10 times.
var raceEnabled = sync.OnceValue(func() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
})

// checkConsistent checks that the log of size m with root r1 is a prefix of
// the log s holds now (through a consistency proof of the store's, checked
// with the merkle package).
func checkConsistent(s *kv.Store, m uint64, r1 merkle.Hash) error {
	cp := s.Checkpoint()
	if m == 0 {
		return nil // every log extends the empty one
	}
	if cp.Size < m {
		return fmt.Errorf("the log has %d transactions, fewer than the %d of an earlier checkpoint", cp.Size, m)
	}
	proof, err := s.ConsistencyProof(m, cp.Size)
	if err != nil {
		return fmt.Errorf("ConsistencyProof(%d, %d): %w", m, cp.Size, err)
	}
	if err := merkle.VerifyConsistency(m, cp.Size, proof, r1, cp.Root); err != nil {
		return fmt.Errorf("log of size %d (root %s) is not a prefix of the log of size %d (root %s): %w", m, r1, cp.Size, cp.Root, err)
	}
	return nil
}

// parentWrites is a transaction committed by a test itself, r-th of its kind.
func parentWrites(r int) []kv.Write {
	return []kv.Write{{Key: fmt.Appendf(nil, "parent/%d", r), Value: fmt.Appendf(nil, "after round %d", r)}}
}

// memAck is a transaction acknowledged in TestCrashMemFS.
type memAck struct {
	round  int
	id     uint64
	g, c   int
	cpSize uint64
	cpRoot merkle.Hash
}

// TestCrashMemFS commits from concurrent goroutines to a store on pebble's
// crash-simulating filesystem and, while commits are in flight, takes crash
// clones of it: the synced data plus, for some clones, a random part of
// what was not synced. A store opened on a clone must hold every
// transaction acknowledged before the clone was taken, exactly, verify in
// full, and accept new commits.
//
// The clones are taken in epochs, each on a fresh store: MemFS copies a
// whole file at each sync, so a long-lived store would make the test
// quadratic.
func TestCrashMemFS(t *testing.T) {
	seed := crashSeed(t)
	rng := rand.New(rand.NewPCG(seed, 0x6d656d6673))
	epochs, perEpoch := 10, 5
	if testing.Short() || raceEnabled() {
		epochs = 2
	}
	start := time.Now()
	var st memStats
	for e := range epochs {
		runMemEpoch(t, e, perEpoch, seed, rng, &st)
	}
	t.Logf("%d clones in %v; %d transactions acknowledged; %d checked on clones; %d present on clones without having been acknowledged before the clone",
		epochs*perEpoch, time.Since(start).Round(time.Millisecond), st.acked, st.checked, st.unacked)
}

// memStats sums up TestCrashMemFS.
type memStats struct{ acked, checked, unacked uint64 }

// runMemEpoch runs one epoch of TestCrashMemFS: a fresh store, committing
// goroutines, and clones crash clones taken at random moments.
func runMemEpoch(t *testing.T, epoch, clones int, seed uint64, rng *rand.Rand, st *memStats) {
	t.Helper()
	const (
		workers = 4
		dir     = "/db"
	)
	mem := vfs.NewCrashableMem()
	// Commit log segments pre-written with zeros as the server has them
	// (commitlog.go), small so that the log rotates often: replay must stop
	// at a segment's zeroed tail and must find the records of the next.
	s := openAt(t, dir, kv.Options{FS: mem, LogSegmentSize: 256 << 10})
	origin := s.Origin()

	var (
		mu     sync.Mutex
		acked  []memAck // in acknowledgement order
		failed error
		// gate pauses the committers while a clone is checked, so that
		// the log grows only while clones are being taken.
		gate sync.RWMutex
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for c := 0; ; c++ {
				select {
				case <-stop:
					return
				default:
				}
				gate.RLock()
				res, err := s.Commit(context.Background(), crashWrites(epoch, g, c))
				mu.Lock()
				if err != nil {
					if failed == nil {
						failed = fmt.Errorf("goroutine %d, commit %d: %w", g, c, err)
					}
					mu.Unlock()
					gate.RUnlock()
					return
				}
				acked = append(acked, memAck{round: epoch, id: res.TxID, g: g, c: c, cpSize: res.LogSize, cpRoot: res.Root})
				mu.Unlock()
				gate.RUnlock()
			}
		})
	}
	// Stop the committers before anything else, also when a check fails.
	stopWorkers := sync.OnceFunc(func() {
		close(stop)
		wg.Wait()
	})
	defer func() {
		stopWorkers()
		if err := s.Close(); err != nil {
			t.Errorf("epoch %d: close: %v", epoch, err)
		}
	}()

	for i := range clones {
		n := epoch*clones + i
		time.Sleep(time.Duration(rng.IntN(20000)) * time.Microsecond)
		p := []int{0, 10, 50, 90}[i%4]
		if i%5 == 4 {
			p = 1 + rng.IntN(99)
		}
		// Snapshot the acknowledgements before cloning: each of them
		// happened before the clone, so its synced batch is in it.
		mu.Lock()
		before := acked[:len(acked):len(acked)]
		err := failed
		mu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		clone := mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: p, RNG: rand.New(rand.NewPCG(seed, uint64(n)))})
		func() {
			gate.Lock()
			defer gate.Unlock() // also when the check fails
			checked, unacked := checkMemClone(t, n, p, clone, dir, origin, before, rng)
			st.checked += checked
			st.unacked += unacked
		}()
	}
	stopWorkers()
	if failed != nil {
		t.Fatal(failed)
	}
	st.acked += uint64(len(acked))
	if _, err := s.Verify(context.Background(), kv.VerifyOptions{}); err != nil {
		t.Fatalf("epoch %d: verify the original store: %v", epoch, err)
	}
}

// checkMemClone opens a store on a crash clone and checks it against the
// transactions acknowledged before the clone was taken. It returns the
// number of transactions it checked and the number of transactions present
// beyond the last acknowledged one.
func checkMemClone(t *testing.T, i, p int, clone *vfs.MemFS, dir, origin string, before []memAck, rng *rand.Rand) (checked, unacked uint64) {
	t.Helper()
	s, err := kv.Open(dir, kv.Options{FS: clone, MinFreeBytes: -1, LogSegmentSize: 256 << 10})
	if err != nil {
		t.Fatalf("clone %d (%d%% unsynced data): reopen: %v", i, p, err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Errorf("clone %d: close: %v", i, err)
		}
	}()
	last := s.LastTx()
	var maxAck memAck
	for _, a := range before {
		if a.id > maxAck.id {
			maxAck = a
		}
	}
	if last < maxAck.id {
		t.Fatalf("clone %d (%d%% unsynced data): LastTx %d after reopen, but tx %d was acknowledged before the crash",
			i, p, last, maxAck.id)
	}
	if maxAck.cpSize > last {
		t.Fatalf("clone %d (%d%% unsynced data): LastTx %d after reopen, but tx %d was acknowledged with a checkpoint of size %d",
			i, p, last, maxAck.id, maxAck.cpSize)
	}
	// The checkpoint handed out with the last acknowledgement must still
	// hold: the log at that size is unchanged, and the log grew from it.
	trusted := kv.Checkpoint{Origin: origin, Size: maxAck.cpSize, Root: maxAck.cpRoot}
	if _, err := s.Verify(context.Background(), kv.VerifyOptions{Trusted: &trusted}); err != nil {
		t.Fatalf("clone %d (%d%% unsynced data, LastTx %d): verify: %v", i, p, last, err)
	}
	if err := checkConsistent(s, maxAck.cpSize, maxAck.cpRoot); err != nil {
		t.Fatalf("clone %d: %v", i, err)
	}

	// Content: the last 200 acknowledged transactions and 100 older ones,
	// plus the checkpoint each was acknowledged with.
	check := func(a memAck) {
		if err := checkTxWrites(s, a.id, crashWrites(a.round, a.g, a.c), true); err != nil {
			t.Fatalf("clone %d (%d%% unsynced data): acknowledged %v", i, p, err)
		}
		cp, err := s.CheckpointAt(a.cpSize)
		if err != nil {
			t.Fatalf("clone %d: CheckpointAt(%d): %v", i, a.cpSize, err)
		}
		if cp.Root != a.cpRoot {
			t.Fatalf("clone %d: tx %d was acknowledged with checkpoint (%d, %s); after the crash the root at %d is %s",
				i, a.id, a.cpSize, a.cpRoot, a.cpSize, cp.Root)
		}
		checked++
	}
	recent := max(0, len(before)-200)
	for _, a := range before[recent:] {
		check(a)
	}
	for range min(100, recent) {
		check(before[rng.IntN(recent)])
	}

	// The store takes new commits, and they are durable in their turn: a
	// crash clone of the clone, taken after the commit, holds it.
	ws := []kv.Write{{Key: fmt.Appendf(nil, "clone/%d", i), Value: fmt.Appendf(nil, "after crash %d", i)}}
	res, err := s.Commit(context.Background(), ws)
	if err != nil {
		t.Fatalf("clone %d: commit after reopen: %v", i, err)
	}
	if res.TxID != last+1 {
		t.Fatalf("clone %d: commit after reopen got tx %d, want %d", i, res.TxID, last+1)
	}
	if i%5 == 0 {
		s2, err := kv.Open(dir, kv.Options{FS: clone.CrashClone(vfs.CrashCloneCfg{}), MinFreeBytes: -1})
		if err != nil {
			t.Fatalf("clone %d, crashed again after a commit: reopen: %v", i, err)
		}
		if err := checkTxWrites(s2, res.TxID, ws, true); err != nil {
			t.Fatalf("clone %d, crashed again after a commit: %v", i, err)
		}
		if _, err := s2.Verify(context.Background(), kv.VerifyOptions{}); err != nil {
			t.Fatalf("clone %d, crashed again after a commit: verify: %v", i, err)
		}
		if err := s2.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return checked, last - maxAck.id
}

// syncHookFS calls hook before and after every file or directory sync: the
// moments at which a crash clone without unsynced data changes.
type syncHookFS struct {
	vfs.FS
	hook func()
}

type syncHookFile struct {
	vfs.File
	hook func()
}

func (f syncHookFile) Sync() error {
	f.hook()
	defer f.hook()
	return f.File.Sync()
}

func (f syncHookFile) SyncData() error {
	f.hook()
	defer f.hook()
	return f.File.SyncData()
}

func (fs syncHookFS) wrap(f vfs.File, err error) (vfs.File, error) {
	if err != nil {
		return nil, err
	}
	return syncHookFile{File: f, hook: fs.hook}, nil
}

func (fs syncHookFS) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	return fs.wrap(fs.FS.Create(name, c))
}

func (fs syncHookFS) Open(name string, opts ...vfs.OpenOption) (vfs.File, error) {
	return fs.wrap(fs.FS.Open(name, opts...))
}

func (fs syncHookFS) OpenReadWrite(name string, c vfs.DiskWriteCategory, opts ...vfs.OpenOption) (vfs.File, error) {
	return fs.wrap(fs.FS.OpenReadWrite(name, c, opts...))
}

func (fs syncHookFS) OpenDir(name string) (vfs.File, error) {
	return fs.wrap(fs.FS.OpenDir(name))
}

func (fs syncHookFS) ReuseForWrite(oldname, newname string, c vfs.DiskWriteCategory) (vfs.File, error) {
	return fs.wrap(fs.FS.ReuseForWrite(oldname, newname, c))
}

// syncClones wraps mem so that, while it is on, a crash clone of mem is
// taken before and after every sync: every state a crash can leave, if
// only synced data survives.
//
// Clones with unsynced data (UnsyncedDataPercent > 0) would not do here:
// MemFS then keeps each unsynced directory entry independently of the
// others, and pebble, when it rotates its MANIFEST (at every Open), relies
// on the new MANIFEST's entry being durable whenever the new marker's is
// (both become durable at one directory sync). A clone that has the
// marker without the MANIFEST does not open ("could not open manifest
// file"): a limit of pebble under that strict model, not of kv.
// TestCrashMemFS takes such clones while commits are in flight instead.
type syncClones struct {
	mu     sync.Mutex
	on     bool
	clones []*vfs.MemFS
}

func (c *syncClones) fs(mem *vfs.MemFS) vfs.FS {
	return syncHookFS{FS: mem, hook: func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.on {
			c.clones = append(c.clones, mem.CrashClone(vfs.CrashCloneCfg{}))
		}
	}}
}

// count returns the number of clones taken so far.
func (c *syncClones) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.clones)
}

// set turns cloning on or off and returns count().
func (c *syncClones) set(on bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.on = on
	return len(c.clones)
}

// TestCrashMemFSCreate crashes while a new store is created, at every
// moment where what is durable changes (before and after each sync). The
// directory must open again, as a new, empty store. (Before the creation
// marker files of store.go, a crash between pebble's creation and the sync
// of the identity record left a directory Open refused for good.)
func TestCrashMemFSCreate(t *testing.T) {
	const dir = "/db"
	mem := vfs.NewCrashableMem()
	var c syncClones
	c.set(true)
	s := openAt(t, dir, kv.Options{FS: c.fs(mem)})
	n := c.set(false)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// reopen opens a crashed creation and checks it is a new store;
	// opened, when set, is called once Open has returned.
	reopen := func(where string, fs vfs.FS, opened func()) {
		s, err := kv.Open(dir, kv.Options{FS: fs, MinFreeBytes: -1})
		if opened != nil {
			opened()
		}
		if err != nil {
			t.Fatalf("%s: reopen: %v", where, err)
		}
		if last := s.LastTx(); last != 0 {
			t.Fatalf("%s: LastTx %d, want 0", where, last)
		}
		if _, err := s.Verify(context.Background(), kv.VerifyOptions{}); err != nil {
			t.Fatalf("%s: verify: %v", where, err)
		}
		if _, err := s.Commit(context.Background(), []kv.Write{{Key: []byte("k"), Value: []byte("v")}}); err != nil {
			t.Fatalf("%s: commit after reopen: %v", where, err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("%s: close: %v", where, err)
		}
	}
	nested := 0
	for i, clone := range c.clones[:n] {
		where := fmt.Sprintf("crash at point %d of %d of the creation", i, n)
		if i%5 != 0 {
			reopen(where, clone, nil)
			continue
		}
		// Crash again while the interrupted creation is redone.
		var c2 syncClones
		c2.set(true)
		n2 := 0
		reopen(where, c2.fs(clone), func() { n2 = c2.set(false) })
		for j, clone2 := range c2.clones[:n2] {
			reopen(fmt.Sprintf("%s, then at point %d of %d of the reopening", where, j, n2), clone2, nil)
		}
		nested += n2
	}
	t.Logf("%d crash points while creating, %d while reopening after such a crash", n, nested)
}

// TestCrashMemFSLifecycle crashes an existing store at every moment where
// what is durable changes (before and after each sync) while it is
// opened, takes concurrent commits, is closed, reopened, takes more
// commits and is closed again. At each crash point the store must open,
// hold every commit acknowledged before the crash, exactly, verify, and
// take a commit.
func TestCrashMemFSLifecycle(t *testing.T) {
	const (
		dir     = "/db"
		workers = 4
	)
	perG := 10
	if testing.Short() || raceEnabled() {
		perG = 3
	}
	mem := vfs.NewCrashableMem()
	var c syncClones
	s := openAt(t, dir, kv.Options{FS: c.fs(mem)})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	type ack struct {
		after  int // crash points taken before the acknowledgement
		id     uint64
		round  int
		g, c   int
		cpSize uint64
		cpRoot merkle.Hash
	}
	var (
		mu    sync.Mutex
		acked []ack
	)
	c.set(true)
	for round := range 2 {
		s := openAt(t, dir, kv.Options{FS: c.fs(mem)})
		var wg sync.WaitGroup
		for g := range workers {
			wg.Go(func() {
				for i := range perG {
					res, err := s.Commit(context.Background(), crashWrites(round, g, i))
					if err != nil {
						t.Errorf("commit: %v", err)
						return
					}
					n := c.count()
					mu.Lock()
					acked = append(acked, ack{after: n, id: res.TxID, round: round, g: g, c: i, cpSize: res.LogSize, cpRoot: res.Root})
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	n := c.set(false)
	t.Logf("%d crash points, %d commits", n, len(acked))

	for i, clone := range c.clones[:n] {
		s, err := kv.Open(dir, kv.Options{FS: clone, MinFreeBytes: -1, LogSegmentSize: 256 << 10})
		if err != nil {
			t.Fatalf("crash point %d of %d: reopen: %v", i, n, err)
		}
		last := s.LastTx()
		var maxAck ack
		for _, a := range acked {
			if a.after > i { // acknowledged after the crash point
				continue
			}
			if a.id > maxAck.id {
				maxAck = a
			}
			if err := checkTxWrites(s, a.id, crashWrites(a.round, a.g, a.c), true); err != nil {
				t.Fatalf("crash point %d of %d (LastTx %d): acknowledged %v", i, n, last, err)
			}
			if a.cpSize > last {
				t.Fatalf("crash point %d of %d: LastTx %d, but tx %d was acknowledged with a checkpoint of size %d", i, n, last, a.id, a.cpSize)
			}
		}
		trusted := kv.Checkpoint{Origin: s.Origin(), Size: maxAck.cpSize, Root: maxAck.cpRoot}
		if _, err := s.Verify(context.Background(), kv.VerifyOptions{Trusted: &trusted}); err != nil {
			t.Errorf("crash point %d of %d: verify: %v", i, n, err)
		}
		if res, err := s.Commit(context.Background(), parentWrites(i)); err != nil || res.TxID != last+1 {
			t.Errorf("crash point %d of %d: commit after reopen: tx %d, %v; want tx %d", i, n, res.TxID, err, last+1)
		}
		if err := s.Close(); err != nil {
			t.Errorf("crash point %d: close: %v", i, err)
		}
	}
}
