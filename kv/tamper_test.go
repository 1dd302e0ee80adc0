package kv_test

// Tamper detection: an attacker with access to the data directory changes
// stored bytes through pebble directly, bypassing kv. Each case changes ONE
// stored record of a known store and checks that
//
//   - kv.Open refuses the store with an error wrapping kv.ErrCorrupt (only
//     for what Open's sanity check covers: the last tx's header and leaf),
//     or Verify (plain and with the checkpoint taken before the change as
//     Trusted) returns a *kv.VerifyError naming the tampered tx and wrapping
//     kv.ErrCorrupt; and
//   - what the store serves after the change fails client-side
//     verification against the checkpoint taken before it.
//
// The log (tpWrites) is built once per test and copied for each case, so
// that every case tampers with its own store. The stored key layout is
// re-implemented here from keys.go and records.go on purpose: the test pins
// the documented layout.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
)

// Stored layout (keys.go, records.go).

func tpTxKey(prefix byte, txID uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{prefix}, txID)
}

func tpHeaderKey(txID uint64) []byte  { return tpTxKey('H', txID) }
func tpEntriesKey(txID uint64) []byte { return tpTxKey('E', txID) }

// tpListKey is format 3's key of an entry list not in its header record:
// the header key followed by 'L'.
func tpListKey(txID uint64) []byte { return append(tpHeaderKey(txID), 'L') }

// A header record is the 54-byte header followed by the Merkle nodes the
// tx's leaf completes, level 0 first, then the entry list when it is at
// most 1 KiB (headerrecord.go): node (level, index) is completed by tx
// (index+1)<<level.
const tpHeaderSize = 54

// tpNodesIn is the number of nodes tx's header record holds: one more than
// the trailing one bits of its leaf, tx-1.
func tpNodesIn(tx uint64) int {
	n := 1
	for leaf := tx - 1; leaf&1 == 1; leaf >>= 1 {
		n++
	}
	return n
}

// tpNodeAt returns the header key that holds node (level, index) and the
// node's offset in the record.
func tpNodeAt(level uint8, index uint64) (key []byte, off int) {
	return tpHeaderKey((index + 1) << level), tpHeaderSize + 32*int(level)
}

// tpVersionKey is 'V' || key with 0x00 escaped as 0x00 0xFF || 0x00 0x01 ||
// ^txID big-endian.
func tpVersionKey(key []byte, txID uint64) []byte {
	k := []byte{'V'}
	for _, b := range key {
		if b == 0 {
			k = append(k, 0, 0xFF)
		} else {
			k = append(k, b)
		}
	}
	k = append(k, 0, 1)
	return binary.BigEndian.AppendUint64(k, ^txID)
}

// tpVersionRecord is the value of a version key: kind(1) index(4) time(8)
// metadata length(4) metadata value.
type tpVersionRecord struct {
	kind     format.Kind
	index    uint32
	time     int64
	metadata []byte
	value    []byte
}

func tpDecodeVersion(t testing.TB, b []byte) tpVersionRecord {
	t.Helper()
	if len(b) < 17 {
		t.Fatalf("version record of %d bytes", len(b))
	}
	n := binary.BigEndian.Uint32(b[13:])
	return tpVersionRecord{
		kind:     format.Kind(b[0]),
		index:    binary.BigEndian.Uint32(b[1:]),
		time:     int64(binary.BigEndian.Uint64(b[5:])),
		metadata: append([]byte(nil), b[17:17+n]...),
		value:    append([]byte(nil), b[17+n:]...),
	}
}

func (r tpVersionRecord) encode() []byte {
	b := []byte{byte(r.kind)}
	b = binary.BigEndian.AppendUint32(b, r.index)
	b = binary.BigEndian.AppendUint64(b, uint64(r.time))
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.metadata)))
	b = append(b, r.metadata...)
	return append(b, r.value...)
}

// The tampered log.

const (
	tpOrigin = "example.com/tamper"
	tpSize   = 50
)

// tpWrites returns the writes of tx i of the tampered log: a multi-entry tx
// every tenth (i%10 == 5: two puts with and without metadata, a put of a
// shared key, a delete with metadata), deletes at i%7 == 3, otherwise a put
// of one of five shared keys, with metadata on even txs.
func tpWrites(i int) []kv.Write {
	shared := []byte(fmt.Sprintf("k%d", i%5))
	switch {
	case i%10 == 5:
		return []kv.Write{
			{Key: []byte(fmt.Sprintf("m%02d/a", i)), Value: []byte(fmt.Sprintf("a-%d", i))},
			{Key: []byte(fmt.Sprintf("m%02d/b", i)), Value: []byte(fmt.Sprintf("b-value-%d", i)), Metadata: []byte(fmt.Sprintf("md-%d", i))},
			{Key: shared, Value: []byte(fmt.Sprintf("multi-%d", i))},
			{Key: []byte(fmt.Sprintf("gone%d", i)), Delete: true, Metadata: []byte(fmt.Sprintf("why-%d", i))},
		}
	case i%7 == 3:
		return []kv.Write{{Key: shared, Delete: true}}
	default:
		w := kv.Write{Key: shared, Value: []byte(fmt.Sprintf("v%d", i))}
		if i%2 == 0 {
			w.Metadata = []byte(fmt.Sprintf("md%d", i))
		}
		return []kv.Write{w}
	}
}

// tpBuild writes the tampered log's tpSize transactions into dir and
// returns the checkpoint taken before any tampering.
func tpBuild(t testing.TB, dir string) kv.Checkpoint {
	t.Helper()
	s := openAt(t, dir, kv.Options{Origin: tpOrigin})
	defer s.Close()
	for i := 1; i <= tpSize; i++ {
		c, err := s.Commit(context.Background(), tpWrites(i))
		if err != nil {
			t.Fatalf("commit %d: %v", i, err)
		}
		if c.TxID != uint64(i) {
			t.Fatalf("tx id %d, want %d", c.TxID, i)
		}
	}
	cp := s.Checkpoint()
	if cp.Size != tpSize {
		t.Fatalf("checkpoint size %d", cp.Size)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return cp
}

// tpCopyDir copies the regular files of a closed store.
func tpCopyDir(t testing.TB, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		in, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dst, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			t.Fatal(err)
		}
		in.Close()
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// tpPebbleLogger keeps pebble quiet; Fatalf panics (only the attacker's
// pebble uses it, on the test goroutine).
type tpPebbleLogger struct{}

func (tpPebbleLogger) Infof(string, ...any)              {}
func (tpPebbleLogger) Errorf(string, ...any)             {}
func (tpPebbleLogger) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// tpAttacker is direct pebble access to a closed store's directory.
type tpAttacker struct {
	t  testing.TB
	db *pebble.DB
}

func (a tpAttacker) get(k []byte) []byte {
	a.t.Helper()
	v, closer, err := a.db.Get(k)
	if err != nil {
		a.t.Fatalf("attacker: get %x: %v", k, err)
	}
	defer closer.Close()
	return append([]byte(nil), v...)
}

// has reports whether a record is stored under k.
func (a tpAttacker) has(k []byte) bool {
	a.t.Helper()
	_, closer, err := a.db.Get(k)
	if err == pebble.ErrNotFound {
		return false
	}
	if err != nil {
		a.t.Fatalf("attacker: get %x: %v", k, err)
	}
	closer.Close()
	return true
}

func (a tpAttacker) set(k, v []byte) {
	a.t.Helper()
	if err := a.db.Set(k, v, pebble.Sync); err != nil {
		a.t.Fatalf("attacker: set %x: %v", k, err)
	}
}

func (a tpAttacker) del(k []byte) {
	a.t.Helper()
	a.get(k) // must exist
	if err := a.db.Delete(k, pebble.Sync); err != nil {
		a.t.Fatalf("attacker: delete %x: %v", k, err)
	}
}

// flip changes one byte of the record under k (the byte at off, counted
// from the end when negative).
func (a tpAttacker) flip(k []byte, off int) {
	a.t.Helper()
	v := a.get(k)
	if off < 0 {
		off += len(v)
	}
	v[off] ^= 0x01
	a.set(k, v)
}

// entriesAt returns where tx's entry list is: after the nodes in its
// header record, or at the start of its own key (format 3's, or the 'E'
// key of older formats).
func (a tpAttacker) entriesAt(txID uint64) (key []byte, off int) {
	a.t.Helper()
	base := tpHeaderSize + 32*tpNodesIn(txID)
	if len(a.get(tpHeaderKey(txID))) > base {
		return tpHeaderKey(txID), base
	}
	if a.has(tpListKey(txID)) {
		return tpListKey(txID), 0
	}
	return tpEntriesKey(txID), 0
}

// flipEntries flips the byte at off of tx's entry list (from its end when
// negative).
func (a tpAttacker) flipEntries(txID uint64, off int) {
	a.t.Helper()
	k, base := a.entriesAt(txID)
	if off >= 0 {
		off += base
	}
	a.flip(k, off)
}

// setEntries replaces tx's entry list where it is stored.
func (a tpAttacker) setEntries(txID uint64, list []byte) {
	a.t.Helper()
	k, base := a.entriesAt(txID)
	a.set(k, append(a.get(k)[:base], list...))
}

// editVersion rewrites the version record of key at txID.
func (a tpAttacker) editVersion(key string, txID uint64, edit func(r *tpVersionRecord)) {
	a.t.Helper()
	k := tpVersionKey([]byte(key), txID)
	r := tpDecodeVersion(a.t, a.get(k))
	edit(&r)
	a.set(k, r.encode())
}

// entryOffset returns the offset of entry i in tx txID's entry list and the
// entry's key length.
func (a tpAttacker) entryOffset(txID uint64, i int) (off, keyLen int) {
	a.t.Helper()
	k, base := a.entriesAt(txID)
	b := a.get(k)[base:]
	for j := 0; ; j++ {
		e, n, err := format.DecodeEntry(b[off:])
		if err != nil {
			a.t.Fatalf("attacker: entry %d of tx %d: %v", j, txID, err)
		}
		if j == i {
			return off, len(e.Key)
		}
		off += n
	}
}

func (a tpAttacker) headerTime(txID uint64) int64 {
	a.t.Helper()
	h, err := format.DecodeHeader(a.get(tpHeaderKey(txID))[:tpHeaderSize])
	if err != nil {
		a.t.Fatal(err)
	}
	return h.Time
}

// tpTamper opens dir with pebble directly, lets fn change it, and closes.
func tpTamper(t testing.TB, dir string, fn func(a tpAttacker)) {
	t.Helper()
	db, err := pebble.Open(dir, &pebble.Options{Logger: tpPebbleLogger{}, Comparer: kv.PebbleComparer()})
	if err != nil {
		t.Fatalf("attacker: pebble.Open: %v", err)
	}
	fn(tpAttacker{t: t, db: db})
	if err := db.Close(); err != nil {
		t.Fatalf("attacker: close: %v", err)
	}
}

// Client-side checks. Each returns nil when what the store serves verifies
// against the trusted checkpoint cp, and an error saying what failed
// otherwise.

// tpClientEntry checks the version of key written by txID as a client that
// reads it (History, so that deletes are served too) and proves it: the
// entry rebuilt from the served key, value and metadata must lead through
// EntryProof to the header's entries root, the served time and index must
// be the header's and the proof's, and the header must be in the log of cp.
func tpClientEntry(s *kv.Store, cp kv.Checkpoint, key string, txID uint64) error {
	hist, err := s.History([]byte(key))
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	var v *kv.Version
	for i := range hist {
		if hist[i].TxID == txID {
			v = &hist[i]
		}
	}
	if v == nil {
		return fmt.Errorf("no version of %q at tx %d is served", key, txID)
	}
	e := format.NewPut(v.Key, v.Value, v.Metadata)
	if v.Deleted {
		e = format.NewDelete(v.Key, v.Metadata)
	}
	h, err := s.TxHeader(txID)
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	if v.Time != h.Time {
		return fmt.Errorf("version time %d, header time %d", v.Time, h.Time)
	}
	ep, err := s.EntryProof(txID, v.Index)
	if err != nil {
		return fmt.Errorf("entry proof: %w", err)
	}
	root, err := merkle.RootFromInclusionProof(e.LeafHash(), uint64(v.Index), uint64(h.Entries), ep)
	if err != nil {
		return fmt.Errorf("entry proof: %w", err)
	}
	if root != h.EntriesRoot {
		return fmt.Errorf("entry leads to entries root %s, the header says %s", root, merkle.Hash(h.EntriesRoot))
	}
	return tpClientHeader(s, cp, txID, h)
}

// tpClientHeader checks that header h of txID is in the log of cp.
func tpClientHeader(s *kv.Store, cp kv.Checkpoint, txID uint64, h format.Header) error {
	if h.TxID != txID {
		return fmt.Errorf("header of tx %d says tx %d", txID, h.TxID)
	}
	ip, err := s.InclusionProof(txID, cp.Size)
	if err != nil {
		return fmt.Errorf("inclusion proof: %w", err)
	}
	if err := merkle.VerifyInclusion(h.LeafHash(), txID-1, cp.Size, ip, cp.Root); err != nil {
		return fmt.Errorf("header inclusion in checkpoint %d: %w", cp.Size, err)
	}
	return nil
}

// tpClientTx checks a whole transaction as served by Tx: every served value
// must match its entry's digest, every entry must prove into the header's
// entries root, and the header into cp.
func tpClientTx(s *kv.Store, cp kv.Checkpoint, txID uint64) error {
	tx, err := s.Tx(txID)
	if err != nil {
		return fmt.Errorf("tx: %w", err)
	}
	h := tx.Header
	if int(h.Entries) != len(tx.Entries) {
		return fmt.Errorf("header counts %d entries, %d served", h.Entries, len(tx.Entries))
	}
	for i, e := range tx.Entries {
		if e.Kind == format.KindPut && sha256.Sum256(e.Value) != e.ValueDigest {
			return fmt.Errorf("entry %d: served value does not match the served digest", i)
		}
		ep, err := s.EntryProof(txID, uint32(i))
		if err != nil {
			return fmt.Errorf("entry %d: proof: %w", i, err)
		}
		if err := merkle.VerifyInclusion(e.LeafHash(), uint64(i), uint64(h.Entries), ep, h.EntriesRoot); err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
	}
	return tpClientHeader(s, cp, txID, h)
}

// tpClientConsistency checks that the store's current checkpoint extends cp.
func tpClientConsistency(s *kv.Store, cp kv.Checkpoint) error {
	cur := s.Checkpoint()
	if cur.Size < cp.Size {
		return fmt.Errorf("log has %d txs; the trusted checkpoint %d (rolled back)", cur.Size, cp.Size)
	}
	p, err := s.ConsistencyProof(cp.Size, cur.Size)
	if err != nil {
		return fmt.Errorf("consistency proof: %w", err)
	}
	if err := merkle.VerifyConsistency(cp.Size, cur.Size, p, cp.Root, cur.Root); err != nil {
		return fmt.Errorf("consistency %d -> %d: %w", cp.Size, cur.Size, err)
	}
	return nil
}

// tpTemplate builds the log to tamper with in a temp dir of the calling
// test; each case tampers with its own copy.
func tpTemplate(t *testing.T) (string, kv.Checkpoint) {
	t.Helper()
	dir := t.TempDir()
	return dir, tpBuild(t, dir)
}

// tpLogger is a zerolog logger into the test's log.
func tpLogger(t testing.TB) *zerolog.Logger {
	l := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	return &l
}

// tpOpen opens a copy of the template (with the stored origin). The
// cache of newest versions is off: the cases show what reads of tampered
// storage return, and a cached version read before a planted one would
// hide it from a later read (it is still caught by Verify).
func tpOpen(t *testing.T, dir string) (*kv.Store, error) {
	t.Helper()
	return kv.Open(dir, kv.Options{Logger: tpLogger(t), MinFreeBytes: -1, LatestCacheSize: -1})
}

// TestTamperBaseline checks the client checks themselves: on an untampered
// copy every tx, every entry and the checkpoint verify, so that their
// failures below are caused by the tampering.
func TestTamperBaseline(t *testing.T) {
	tmpl, cp := tpTemplate(t)
	s, err := tpOpen(t, tmpl)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Checkpoint(); got.Root != cp.Root || got.Size != cp.Size {
		t.Fatalf("reopened checkpoint %+v, want %+v", got, cp)
	}
	for _, opts := range []kv.VerifyOptions{{}, {Trusted: &cp}} {
		if _, err := s.Verify(context.Background(), opts); err != nil {
			t.Fatal(err)
		}
	}
	if err := tpClientConsistency(s, cp); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= tpSize; i++ {
		if err := tpClientTx(s, cp, uint64(i)); err != nil {
			t.Fatalf("tx %d: %v", i, err)
		}
		for _, w := range tpWrites(i) {
			if err := tpClientEntry(s, cp, string(w.Key), uint64(i)); err != nil {
				t.Fatalf("tx %d, key %q: %v", i, w.Key, err)
			}
		}
	}
}

// tpCase is one tampering.
type tpCase struct {
	name   string
	tamper func(a tpAttacker)
	// openFails: kv.Open must refuse the store with ErrCorrupt (its sanity
	// check covers the last tx's header and leaf). Otherwise Open must
	// succeed.
	openFails bool
	// wantTx is the tx Verify must name, plain and with Trusted.
	wantTx uint64
	// plainPasses: plain Verify cannot see the change (a clean truncation);
	// only Verify with Trusted fails.
	plainPasses bool
	// client must return an error: what the store serves after the change
	// does not verify against the checkpoint taken before it.
	client func(t *testing.T, s *kv.Store, cp kv.Checkpoint) error
}

// Targets in the log built by tpWrites.
const (
	tpMultiTx  = 25 // m25/a, m25/b (md), k0, delete gone25 (md)
	tpPutTx    = 30 // put k0 with metadata
	tpDeleteTx = 3  // delete k3
)

func tpEntryOf(key string, txID uint64) func(*testing.T, *kv.Store, kv.Checkpoint) error {
	return func(_ *testing.T, s *kv.Store, cp kv.Checkpoint) error { return tpClientEntry(s, cp, key, txID) }
}

func tpTxOf(txID uint64) func(*testing.T, *kv.Store, kv.Checkpoint) error {
	return func(_ *testing.T, s *kv.Store, cp kv.Checkpoint) error { return tpClientTx(s, cp, txID) }
}

func tpConsistencyOf(_ *testing.T, s *kv.Store, cp kv.Checkpoint) error {
	return tpClientConsistency(s, cp)
}

// tpNodeCase tampers with Merkle node (level, index) of a non-right-edge
// subtree. It is checked by Verify when tx (index+1)<<level is appended; a
// client detects it in the inclusion proof of a tx under the sibling
// subtree, whose path holds the node.
func tpNodeCase(level uint8, index uint64) tpCase {
	sibTx := (index^1)<<level + 1
	return tpCase{
		name:   fmt.Sprintf("node/level%d-index%d", level, index),
		tamper: func(a tpAttacker) { k, off := tpNodeAt(level, index); a.flip(k, off+7) },
		wantTx: (index + 1) << level,
		client: func(t *testing.T, s *kv.Store, cp kv.Checkpoint) error {
			// The tx under the node itself still proves (its path does not
			// hold the node), and the root is unchanged: only proofs through
			// the node fail.
			if err := tpClientTx(s, cp, index<<level+1); err != nil {
				t.Errorf("tx %d under the node: %v", index<<level+1, err)
			}
			if err := tpClientConsistency(s, cp); err != nil {
				t.Errorf("root changed by an inner node: %v", err)
			}
			return tpClientTx(s, cp, sibTx)
		},
	}
}

// tpRightEdgeNodeCase tampers with a node of the log's right edge, which
// Open reads to rebuild the tree: the store's root changes.
func tpRightEdgeNodeCase(level uint8, index uint64) tpCase {
	return tpCase{
		name:   fmt.Sprintf("node/right-edge-level%d-index%d", level, index),
		tamper: func(a tpAttacker) { k, off := tpNodeAt(level, index); a.flip(k, off) },
		wantTx: (index + 1) << level,
		client: func(t *testing.T, s *kv.Store, cp kv.Checkpoint) error {
			if s.Checkpoint().Root == cp.Root {
				t.Errorf("the root did not change")
			}
			return tpClientConsistency(s, cp)
		},
	}
}

func tpCases() []tpCase {
	return []tpCase{
		// 1. A byte of a stored value.
		{
			name:   "value/byte",
			tamper: func(a tpAttacker) { a.flip(tpVersionKey([]byte("m25/b"), tpMultiTx), -1) },
			wantTx: tpMultiTx,
			client: func(t *testing.T, s *kv.Store, cp kv.Checkpoint) error {
				v, err := s.GetAt([]byte("m25/b"), tpMultiTx)
				if err != nil || bytes.Equal(v.Value, []byte("b-value-25")) {
					t.Errorf("GetAt serves %q, %v; want the changed value", v.Value, err)
				}
				if err := tpClientEntry(s, cp, "m25/a", tpMultiTx); err != nil {
					t.Errorf("untouched entry of the same tx: %v", err)
				}
				return tpClientEntry(s, cp, "m25/b", tpMultiTx)
			},
		},
		{
			name:   "value/byte-via-tx",
			tamper: func(a tpAttacker) { a.flip(tpVersionKey([]byte("k0"), tpPutTx), -1) },
			wantTx: tpPutTx,
			client: tpTxOf(tpPutTx),
		},
		// 2. The other fields of a version record.
		{
			name: "version/time",
			tamper: func(a tpAttacker) {
				a.editVersion("m25/b", tpMultiTx, func(r *tpVersionRecord) { r.time++ })
			},
			wantTx: tpMultiTx,
			client: tpEntryOf("m25/b", tpMultiTx),
		},
		{
			name: "version/index",
			tamper: func(a tpAttacker) {
				a.editVersion("m25/b", tpMultiTx, func(r *tpVersionRecord) { r.index = 2 })
			},
			wantTx: tpMultiTx,
			client: tpEntryOf("m25/b", tpMultiTx),
		},
		{
			name: "version/index-out-of-range",
			tamper: func(a tpAttacker) {
				a.editVersion("k0", tpPutTx, func(r *tpVersionRecord) { r.index = 1 })
			},
			wantTx: tpPutTx,
			client: tpEntryOf("k0", tpPutTx),
		},
		{
			name: "version/metadata-byte",
			tamper: func(a tpAttacker) {
				a.editVersion("m25/b", tpMultiTx, func(r *tpVersionRecord) { r.metadata[0] ^= 1 })
			},
			wantTx: tpMultiTx,
			client: tpEntryOf("m25/b", tpMultiTx),
		},
		{
			name: "version/metadata-dropped",
			tamper: func(a tpAttacker) {
				a.editVersion("m25/b", tpMultiTx, func(r *tpVersionRecord) { r.metadata = nil })
			},
			wantTx: tpMultiTx,
			client: tpEntryOf("m25/b", tpMultiTx),
		},
		{
			name: "version/kind-put-to-delete",
			tamper: func(a tpAttacker) {
				a.editVersion("m25/b", tpMultiTx, func(r *tpVersionRecord) { r.kind, r.value = format.KindDelete, nil })
			},
			wantTx: tpMultiTx,
			client: tpEntryOf("m25/b", tpMultiTx),
		},
		{
			name: "version/kind-delete-to-put",
			tamper: func(a tpAttacker) {
				a.editVersion("k3", tpDeleteTx, func(r *tpVersionRecord) { r.kind, r.value = format.KindPut, []byte("resurrected") })
			},
			wantTx: tpDeleteTx,
			client: func(t *testing.T, s *kv.Store, cp kv.Checkpoint) error {
				if v, err := s.GetAt([]byte("k3"), tpDeleteTx); err != nil || string(v.Value) != "resurrected" {
					t.Errorf("GetAt(k3, %d) = %q, %v; want the forged value", tpDeleteTx, v.Value, err)
				}
				return tpClientEntry(s, cp, "k3", tpDeleteTx)
			},
		},
		{
			name: "version/undecodable-kind",
			tamper: func(a tpAttacker) {
				a.editVersion("m25/b", tpMultiTx, func(r *tpVersionRecord) { r.kind = 7 })
			},
			wantTx: tpMultiTx,
			client: func(t *testing.T, s *kv.Store, cp kv.Checkpoint) error {
				_, err := s.GetAt([]byte("m25/b"), tpMultiTx)
				if !errors.Is(err, kv.ErrCorrupt) {
					t.Errorf("GetAt of an undecodable record: %v, want ErrCorrupt", err)
				}
				return tpClientEntry(s, cp, "m25/b", tpMultiTx)
			},
		},
		// 3. A tx header.
		{
			name:   "header/time",
			tamper: func(a tpAttacker) { a.flip(tpHeaderKey(tpPutTx), 17) }, // low byte of the time
			wantTx: tpPutTx,
			client: tpTxOf(tpPutTx),
		},
		{
			name:   "header/entries-root",
			tamper: func(a tpAttacker) { a.flip(tpHeaderKey(tpMultiTx), 22) },
			wantTx: tpMultiTx,
			client: tpTxOf(tpMultiTx),
		},
		{
			name: "header/entries-root-recomputed",
			// A consistent forgery: the value, the entry list and the
			// header's entries root all changed together. Only the log's
			// leaf (and the checkpoint) still bind the original.
			tamper: func(a tpAttacker) {
				forged := []byte("forged")
				a.editVersion("k0", tpPutTx, func(r *tpVersionRecord) { r.value = forged })
				e := format.NewPut([]byte("k0"), forged, []byte("md30"))
				a.setEntries(tpPutTx, e.Encode())
				rec := a.get(tpHeaderKey(tpPutTx))
				h, err := format.DecodeHeader(rec[:tpHeaderSize])
				if err != nil {
					a.t.Fatal(err)
				}
				h.EntriesRoot = merkle.RootOf([]merkle.Hash{e.LeafHash()})
				a.set(tpHeaderKey(tpPutTx), append(h.Encode(), rec[tpHeaderSize:]...))
			},
			wantTx: tpPutTx,
			client: tpTxOf(tpPutTx),
		},
		{
			name:   "header/entry-count",
			tamper: func(a tpAttacker) { a.flip(tpHeaderKey(tpMultiTx), 21) }, // 4 -> 5
			wantTx: tpMultiTx,
			client: tpTxOf(tpMultiTx),
		},
		{
			name:   "header/tx-id",
			tamper: func(a tpAttacker) { a.flip(tpHeaderKey(tpPutTx), 9) },
			wantTx: tpPutTx,
			client: tpTxOf(tpPutTx),
		},
		{
			// A byte added after the nodes: the record's size no longer
			// fits its tx id.
			name: "header/record-size",
			tamper: func(a tpAttacker) {
				k := tpHeaderKey(tpPutTx)
				a.set(k, append(a.get(k), 0))
			},
			wantTx: tpPutTx,
			client: tpTxOf(tpPutTx),
		},
		{
			name:      "header/last-tx",
			tamper:    func(a tpAttacker) { a.flip(tpHeaderKey(tpSize), 17) },
			openFails: true,
		},
		// 4. An entry inside an entry list.
		{
			name: "entries/value-digest",
			tamper: func(a tpAttacker) {
				off, keyLen := a.entryOffset(tpMultiTx, 1)
				a.flipEntries(tpMultiTx, off+3+keyLen)
			},
			wantTx: tpMultiTx,
			client: tpTxOf(tpMultiTx),
		},
		{
			name: "entries/key",
			tamper: func(a tpAttacker) {
				off, keyLen := a.entryOffset(tpMultiTx, 1)
				a.flipEntries(tpMultiTx, off+3+keyLen-1) // m25/b -> m25/c
			},
			wantTx: tpMultiTx,
			client: tpTxOf(tpMultiTx),
		},
		{
			name: "entries/metadata",
			tamper: func(a tpAttacker) {
				a.flipEntries(tpMultiTx, -1) // last byte of the delete's metadata
			},
			wantTx: tpMultiTx,
			client: tpTxOf(tpMultiTx),
		},
		{
			name: "entries/kind",
			tamper: func(a tpAttacker) {
				off, _ := a.entryOffset(tpMultiTx, 0)
				a.flipEntries(tpMultiTx, off) // put (1) -> 0: undecodable
			},
			wantTx: tpMultiTx,
			client: tpTxOf(tpMultiTx),
		},
		// 5. Merkle nodes.
		tpNodeCase(0, 19), // leaf of tx 20; tx 19's proof holds it
		tpNodeCase(2, 2),  // leaves 8..11 (txs 9..12), checked at tx 12
		tpNodeCase(3, 1),  // leaves 8..15 (txs 9..16), checked at tx 16
		tpRightEdgeNodeCase(5, 0),
		tpRightEdgeNodeCase(1, 24),
		{
			name:      "node/leaf-of-last-tx",
			tamper:    func(a tpAttacker) { k, off := tpNodeAt(0, tpSize-1); a.flip(k, off+31) },
			openFails: true,
		},
		{
			// Tx 12's record completes nodes (0, 11), (1, 5) and (2, 2).
			// Node (1, 5) covers leaves 10 and 11 (txs 11 and 12): checked at
			// tx 12; the proofs of txs 9 and 10 (under its sibling (1, 4))
			// hold it.
			name: "node/deleted",
			tamper: func(a tpAttacker) {
				k, _ := tpNodeAt(1, 5)
				a.set(k, a.get(k)[:tpHeaderSize])
			},
			wantTx: 12,
			client: tpTxOf(9),
		},
		// 6. Version records deleted, added.
		{
			name:   "version/deleted",
			tamper: func(a tpAttacker) { a.del(tpVersionKey([]byte("m25/b"), tpMultiTx)) },
			wantTx: tpMultiTx,
			client: func(t *testing.T, s *kv.Store, cp kv.Checkpoint) error {
				if err := tpClientTx(s, cp, tpMultiTx); !errors.Is(err, kv.ErrCorrupt) {
					t.Errorf("Tx of a tx with a missing version: %v, want ErrCorrupt", err)
				}
				return tpClientEntry(s, cp, "m25/b", tpMultiTx)
			},
		},
		{
			name: "version/stray-at-existing-tx",
			// Tx 26 (a put of k1) did not write m25/a.
			tamper: func(a tpAttacker) {
				r := tpVersionRecord{kind: format.KindPut, index: 0, time: a.headerTime(26), value: []byte("forged")}
				a.set(tpVersionKey([]byte("m25/a"), 26), r.encode())
			},
			wantTx: 26,
			client: func(t *testing.T, s *kv.Store, cp kv.Checkpoint) error {
				v, err := s.Get([]byte("m25/a"))
				if err != nil || v.TxID != 26 || string(v.Value) != "forged" {
					t.Errorf("Get(m25/a) = %q@%d, %v; want the forged version", v.Value, v.TxID, err)
				}
				return tpClientEntry(s, cp, "m25/a", 26)
			},
		},
		{
			name: "version/beyond-the-log",
			// A version at tx 51: invisible until the log reaches tx 51,
			// which then serves it as m25/a's latest version.
			tamper: func(a tpAttacker) {
				r := tpVersionRecord{kind: format.KindPut, index: 0, time: a.headerTime(tpSize) + 1, value: []byte("future")}
				a.set(tpVersionKey([]byte("m25/a"), tpSize+1), r.encode())
			},
			wantTx: tpSize + 1,
			client: func(t *testing.T, s *kv.Store, cp kv.Checkpoint) error {
				if v, err := s.Get([]byte("m25/a")); err != nil || v.TxID != tpMultiTx {
					t.Errorf("Get(m25/a) before tx 51 = %q@%d, %v; want the version of tx 25", v.Value, v.TxID, err)
				}
				c, err := s.Commit(context.Background(), []kv.Write{{Key: []byte("other"), Value: []byte("x")}})
				if err != nil {
					t.Fatal(err)
				}
				v, err := s.Get([]byte("m25/a"))
				if err != nil || v.TxID != c.TxID || string(v.Value) != "future" {
					t.Errorf("Get(m25/a) at tx 51 = %q@%d, %v; want the planted version", v.Value, v.TxID, err)
				}
				var ve *kv.VerifyError
				if _, err := s.Verify(context.Background(), kv.VerifyOptions{}); !errors.As(err, &ve) || ve.TxID != c.TxID {
					t.Errorf("verify after tx 51: %v, want a VerifyError at tx 51", err)
				}
				cp2, err := s.CheckpointAt(c.LogSize)
				if err != nil {
					t.Fatal(err)
				}
				if err := tpClientConsistency(s, cp); err != nil {
					t.Errorf("the new checkpoint does not extend the old one: %v", err)
				}
				return tpClientEntry(s, cp2, "m25/a", c.TxID)
			},
		},
		// 7. Missing headers: a gap, a truncation.
		{
			name:   "header/deleted-gap",
			tamper: func(a tpAttacker) { a.del(tpHeaderKey(tpMultiTx)) },
			wantTx: tpMultiTx,
			client: tpTxOf(tpMultiTx),
		},
		{
			// Only the header of the last tx is deleted: the log now ends at
			// tx 49, but the entry list (and versions) of tx 50 remain, and
			// plain Verify sees them as records beyond the log.
			name:   "truncate/last-header",
			tamper: func(a tpAttacker) { a.del(tpHeaderKey(tpSize)) },
			wantTx: tpSize,
			client: tpConsistencyOf,
		},
		{
			// Every record of the last tx is deleted: header (with the nodes
			// it completed), entry list and versions. What remains is a
			// perfectly consistent log of 49 txs, so plain Verify cannot
			// know that a tx is missing; only a checkpoint obtained before
			// (Trusted) shows the rollback.
			name: "truncate/last-tx",
			tamper: func(a tpAttacker) {
				a.del(tpHeaderKey(tpSize)) // with its entry list
				for _, w := range tpWrites(tpSize) {
					a.del(tpVersionKey(w.Key, tpSize))
				}
			},
			wantTx:      tpSize,
			plainPasses: true,
			client:      tpConsistencyOf,
		},
	}
}

func TestTamper(t *testing.T) {
	tmpl, cp := tpTemplate(t)
	for _, tc := range tpCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			tpCopyDir(t, tmpl, dir)
			tpTamper(t, dir, tc.tamper)

			s, err := tpOpen(t, dir)
			if tc.openFails {
				if err == nil {
					s.Close()
					t.Fatal("Open accepted a store whose last tx was changed")
				}
				if !errors.Is(err, kv.ErrCorrupt) {
					t.Fatalf("Open: %v, want an error wrapping ErrCorrupt", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v (only the last tx's header and leaf are Open's to check)", err)
			}
			defer s.Close()

			for _, trusted := range []bool{false, true} {
				opts := kv.VerifyOptions{}
				if trusted {
					opts.Trusted = &cp
				}
				_, err := s.Verify(context.Background(), opts)
				if !trusted && tc.plainPasses {
					if err != nil {
						t.Errorf("plain verify: %v; expected to pass (nothing to compare with)", err)
					}
					continue
				}
				var ve *kv.VerifyError
				switch {
				case err == nil:
					t.Errorf("verify (trusted %v) passed a tampered store", trusted)
				case !errors.As(err, &ve):
					t.Errorf("verify (trusted %v): %v, want a *VerifyError", trusted, err)
				case ve.TxID != tc.wantTx:
					t.Errorf("verify (trusted %v): %v; want tx %d", trusted, err, tc.wantTx)
				case !errors.Is(err, kv.ErrCorrupt):
					t.Errorf("verify (trusted %v): %v does not wrap ErrCorrupt", trusted, err)
				default:
					t.Logf("verify (trusted %v): %v", trusted, err)
				}
			}

			if err := tc.client(t, s, cp); err == nil {
				t.Errorf("client-side verification against the checkpoint before the change passed")
			} else {
				t.Logf("client: %v", err)
			}
		})
	}
}
