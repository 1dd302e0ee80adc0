package kv_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
)

// Store format 2 keeps the Merkle nodes a transaction completes, and a
// small entry list, in its header record; format 1 kept each node under a
// key of its own ('N' level index) and every entry list under its own key. These tests pin the new layout and check that a format-1 store
// still opens, proves and verifies, and is upgraded when opened for
// writing, its old transactions left as they were.

// tpIdentityKey is the store identity's key (keys.go).
var tpIdentityKey = []byte{'M', 's'}

// TestHeaderRecordsHoldTheNodes checks the stored layout of formats 2 and
// 3: no node keys, each header record sized for the nodes its tx
// completes and its entry list, which no tx of this log keeps under its
// own key.
func TestHeaderRecordsHoldTheNodes(t *testing.T) {
	tmpl, _ := tpTemplate(t)
	tpTamper(t, tmpl, func(a tpAttacker) {
		id := a.get(tpIdentityKey)
		if len(id) != 34 || binary.BigEndian.Uint16(id[8:]) != 4 || binary.BigEndian.Uint64(id[18:]) != 1 || binary.BigEndian.Uint64(id[26:]) != 1 {
			t.Errorf("identity %x: want format 4 with nodes in headers and lists in the header family from tx 1", id)
		}
		if k := a.firstKeyOf('N'); k != nil {
			t.Errorf("node key %x stored", k)
		}
		if n := tpNodesIn(12); n != 3 {
			t.Errorf("tx 12 (leaf 0b1011) completes %d nodes, want 3", n)
		}
		for tx := uint64(1); tx <= tpSize; tx++ {
			want := tpHeaderSize + 32*tpNodesIn(tx)
			for _, w := range tpWrites(int(tx)) {
				e := format.NewPut(w.Key, w.Value, w.Metadata)
				if w.Delete {
					e = format.NewDelete(w.Key, w.Metadata)
				}
				want += len(e.Encode())
			}
			if got := len(a.get(tpHeaderKey(tx))); got != want {
				t.Errorf("tx %d: header record of %d bytes, want %d", tx, got, want)
			}
		}
		if k := a.firstKeyOf('E'); k != nil {
			t.Errorf("entry-list key %x stored for a small list", k)
		}
	})
}

// firstKeyOf returns the first stored key of a key family, nil if none.
func (a tpAttacker) firstKeyOf(family byte) []byte {
	a.t.Helper()
	it, err := a.db.NewIter(&pebble.IterOptions{LowerBound: []byte{family}, UpperBound: []byte{family + 1}})
	if err != nil {
		a.t.Fatal(err)
	}
	defer it.Close()
	if !it.First() {
		return nil
	}
	return bytes.Clone(it.Key())
}

// tpToFormat1 rewrites a closed format-2 store, all of whose transactions
// hold their nodes, as format 1 wrote it.
func tpToFormat1(t *testing.T, dir string) {
	t.Helper()
	tpTamper(t, dir, func(a tpAttacker) {
		id := a.get(tpIdentityKey)
		binary.BigEndian.PutUint16(id[8:], 1)
		a.set(tpIdentityKey, id[:18])
		for tx := uint64(1); ; tx++ {
			rec, closer, err := a.db.Get(tpHeaderKey(tx))
			if err == pebble.ErrNotFound {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rec = bytes.Clone(rec)
			closer.Close()
			for l := 0; l < tpNodesIn(tx); l++ {
				key := binary.BigEndian.AppendUint64([]byte{'N', byte(l)}, (tx-1)>>l)
				a.set(key, rec[tpHeaderSize+32*l:tpHeaderSize+32*(l+1)])
			}
			if list := rec[tpHeaderSize+32*tpNodesIn(tx):]; len(list) > 0 {
				a.set(tpEntriesKey(tx), list)
			}
			a.set(tpHeaderKey(tx), rec[:tpHeaderSize])
		}
	})
}

// tpCheckAll verifies the store (plain and against cp) and every tx's
// inclusion in the current checkpoint, and that cp is consistent with it.
func tpCheckAll(t *testing.T, s *kv.Store, cp kv.Checkpoint) {
	t.Helper()
	for _, opts := range []kv.VerifyOptions{{}, {Trusted: &cp}} {
		if _, err := s.Verify(context.Background(), opts); err != nil {
			t.Fatalf("verify: %v", err)
		}
	}
	if err := tpClientConsistency(s, cp); err != nil {
		t.Fatal(err)
	}
	cur := s.Checkpoint()
	for tx := uint64(1); tx <= cur.Size; tx++ {
		if err := tpClientTx(s, cur, tx); err != nil {
			t.Fatalf("tx %d: %v", tx, err)
		}
	}
}

func TestFormat1StoreOpensAndUpgrades(t *testing.T) {
	dir, cp := tpTemplate(t) // tpSize (50) txs
	tpToFormat1(t, dir)

	// Read-only: served as it is, and left in format 1.
	ro, err := kv.Open(dir, kv.Options{Logger: tpLogger(t), ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := ro.Checkpoint(); got.Root != cp.Root || got.Size != cp.Size {
		t.Fatalf("format-1 store opens at %d/%s, want %d/%s", got.Size, got.Root, cp.Size, cp.Root)
	}
	tpCheckAll(t, ro, cp)
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	tpTamper(t, dir, func(a tpAttacker) {
		if id := a.get(tpIdentityKey); len(id) != 18 {
			t.Errorf("a read-only open changed the identity to %x", id)
		}
	})

	// Read-write: upgraded, and new transactions hold their nodes. Tx 64
	// completes node (6, 0), whose left half (5, 0) is a format-1 node.
	var logged bytes.Buffer
	log := zerolog.New(&logged)
	s, err := kv.Open(dir, kv.Options{Logger: &log, MinFreeBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logged.String(), "store format upgraded") {
		t.Errorf("no upgrade logged: %s", logged.String())
	}
	for i := tpSize + 1; i <= 70; i++ {
		if _, err := s.Commit(context.Background(), []kv.Write{{Key: []byte(fmt.Sprintf("new%d", i)), Value: []byte("v")}}); err != nil {
			t.Fatal(err)
		}
	}
	tpCheckAll(t, s, cp)
	mixed := s.Checkpoint()
	p, err := s.InclusionProof(3, mixed.Size)
	if err != nil {
		t.Fatal(err)
	}
	tx3, err := s.TxHeader(3)
	if err != nil {
		t.Fatal(err)
	}
	if err := merkle.VerifyInclusion(tx3.LeafHash(), 2, mixed.Size, p, mixed.Root); err != nil {
		t.Fatalf("tx 3 in the mixed log: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	tpTamper(t, dir, func(a tpAttacker) {
		id := a.get(tpIdentityKey)
		if len(id) != 34 || binary.BigEndian.Uint16(id[8:]) != 4 || binary.BigEndian.Uint64(id[18:]) != tpSize+1 || binary.BigEndian.Uint64(id[26:]) != tpSize+1 {
			t.Errorf("identity after the upgrade %x: want format 4, nodes in headers and lists in the header family from tx %d", id, tpSize+1)
		}
		if got := len(a.get(tpHeaderKey(tpSize))); got != tpHeaderSize {
			t.Errorf("tx %d's header record rewritten: %d bytes", tpSize, got)
		}
		if _, off := a.entriesAt(64); off != tpHeaderSize+7*32 {
			t.Errorf("tx 64's entry list at %d of its header record, want %d", off, tpHeaderSize+7*32)
		}
	})

	// Reopened, the mixed store is the same log.
	tpReopensAs(t, dir, mixed, cp)
}

// tpReopensAs opens the closed store in dir and checks that it is at
// checkpoint want and passes tpCheckAll against cp.
func tpReopensAs(t *testing.T, dir string, want, cp kv.Checkpoint) {
	t.Helper()
	s := openAt(t, dir, kv.Options{})
	defer s.Close()
	if got := s.Checkpoint(); got.Root != want.Root || got.Size != want.Size {
		t.Fatalf("reopened at %d/%s, want %d/%s", got.Size, got.Root, want.Size, want.Root)
	}
	tpCheckAll(t, s, cp)
}

// TestFormat1NodeMissing checks that a format-1 transaction's nodes are
// still required: one deleted is corruption, found by Verify.
func TestFormat1NodeMissing(t *testing.T) {
	dir, _ := tpTemplate(t)
	tpToFormat1(t, dir)
	tpTamper(t, dir, func(a tpAttacker) {
		a.del(binary.BigEndian.AppendUint64([]byte{'N', 1}, 5)) // completed by tx 12
	})
	s := openAt(t, dir, kv.Options{})
	defer s.Close()
	_, err := s.Verify(context.Background(), kv.VerifyOptions{})
	var ve *kv.VerifyError
	if !errors.As(err, &ve) || ve.TxID != 12 || !errors.Is(err, kv.ErrCorrupt) {
		t.Fatalf("verify: %v, want a VerifyError at tx 12", err)
	}
}

// TestLargeEntryListHasItsOwnKey: an entry list over 1 KiB stays under its
// own key, in the header family, and a list stored in both places, or
// under format 2's key, is corruption.
func TestLargeEntryListHasItsOwnKey(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir, kv.Options{})
	var big []kv.Write
	for i := 0; i < 30; i++ {
		big = append(big, kv.Write{Key: []byte(fmt.Sprintf("a-key-long-enough-to-fill-a-list-%02d", i)), Value: []byte("v")})
	}
	for _, ws := range [][]kv.Write{big, {{Key: []byte("small"), Value: []byte("v")}}} {
		if _, err := s.Commit(context.Background(), ws); err != nil {
			t.Fatal(err)
		}
	}
	cp := s.Checkpoint()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tpTamper(t, dir, func(a tpAttacker) {
		if k, off := a.entriesAt(1); !bytes.Equal(k, tpListKey(1)) || off != 0 || len(a.get(k)) <= 1024 {
			t.Errorf("tx 1's list of %d entries is not under its own key", len(big))
		}
		if k, _ := a.entriesAt(2); !bytes.Equal(k, tpHeaderKey(2)) {
			t.Errorf("tx 2's list is not in its header record")
		}
	})
	s = openAt(t, dir, kv.Options{})
	tpCheckAll(t, s, cp)
	if tx, err := s.Tx(1); err != nil || len(tx.Entries) != len(big) {
		t.Fatalf("tx 1: %d entries, %v", len(tx.Entries), err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name   string
		tamper func(a tpAttacker)
		wantTx uint64
	}{
		{"own key changed", func(a tpAttacker) { a.flipEntries(1, -1) }, 1},
		{"both places", func(a tpAttacker) { k, off := a.entriesAt(2); a.set(tpListKey(2), a.get(k)[off:]) }, 2},
		{"format 2's key", func(a tpAttacker) { a.set(tpEntriesKey(1), a.get(tpListKey(1))); a.del(tpListKey(1)) }, 1},
		{"format 2's key as well", func(a tpAttacker) { a.set(tpEntriesKey(1), a.get(tpListKey(1))) }, 1},
		{"own key without a header", func(a tpAttacker) { a.del(tpHeaderKey(1)) }, 1},
	} {
		t.Run(tc.name, func(t *testing.T) { tpVerifyFailsAt(t, dir, tc.tamper, tc.wantTx) })
	}
}

// tpVerifyFailsAt tampers with a copy of the closed store in dir and
// checks that Verify reports corruption at tx wantTx.
func tpVerifyFailsAt(t *testing.T, dir string, tamper func(a tpAttacker), wantTx uint64) {
	t.Helper()
	copyDir := t.TempDir()
	tpCopyDir(t, dir, copyDir)
	tpTamper(t, copyDir, tamper)
	s := openAt(t, copyDir, kv.Options{})
	defer s.Close()
	var ve *kv.VerifyError
	if _, err := s.Verify(context.Background(), kv.VerifyOptions{}); !errors.As(err, &ve) || ve.TxID != wantTx || !errors.Is(err, kv.ErrCorrupt) {
		t.Fatalf("verify: %v, want a VerifyError at tx %d", err, wantTx)
	}
}
