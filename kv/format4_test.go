package kv_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/merkle"
)

// Store format 4 cuts an entry list longer than a megabyte into parts:
// the first under the list's key, part i under that key followed by i
// (headerrecord.go). These tests check the parts' keys, that reads,
// proofs and Verify put them back together, that a part missing, added
// or changed is corruption, and that a format-3 store becomes a format-4
// one with its lists where they were.

// tpPartKey is the key of part i >= 1 of txID's entry list.
func tpPartKey(txID uint64, i uint32) []byte {
	return binary.BigEndian.AppendUint32(tpListKey(txID), i)
}

// hugeTx is a transaction of n writes; 50,000 make a list of about 2.6 MB.
func hugeTx(n int) []kv.Write {
	ws := make([]kv.Write, n)
	for i := range ws {
		ws[i] = kv.Write{Key: []byte(fmt.Sprintf("huge-%07d", i)), Value: []byte("v")}
	}
	return ws
}

// tpCheckHuge is tpCheckAll for a log with a transaction too large for it
// (tpClientTx proves every entry, each proof reading the whole list): it
// verifies the store and proves a few entries of each large transaction,
// among them the first and last of every part.
func tpCheckHuge(t *testing.T, s *kv.Store, cp kv.Checkpoint) {
	t.Helper()
	for _, opts := range []kv.VerifyOptions{{}, {Trusted: &cp}} {
		if _, err := s.Verify(context.Background(), opts); err != nil {
			t.Fatalf("verify: %v", err)
		}
	}
	for txID := uint64(1); txID <= cp.Size; txID++ {
		tx, err := s.Tx(txID)
		if err != nil {
			t.Fatalf("tx %d: %v", txID, err)
		}
		if len(tx.Entries) < 1000 {
			if err := tpClientTx(s, cp, txID); err != nil {
				t.Fatalf("tx %d: %v", txID, err)
			}
			continue
		}
		n := len(tx.Entries)
		for _, i := range []int{0, 1, n / 3, n/2 - 1, n / 2, n - 2, n - 1} {
			ep, err := s.EntryProof(txID, uint32(i))
			if err != nil {
				t.Fatalf("tx %d, entry %d: %v", txID, i, err)
			}
			if err := merkle.VerifyInclusion(tx.Entries[i].LeafHash(), uint64(i), uint64(n), ep, tx.Header.EntriesRoot); err != nil {
				t.Fatalf("tx %d, entry %d: %v", txID, i, err)
			}
		}
	}
}

func TestFormat4ListInParts(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir, kv.Options{})
	for _, ws := range [][]kv.Write{{{Key: []byte("small"), Value: []byte("v")}}, hugeTx(50_000), bigTx("one-part")} {
		if _, err := s.Commit(context.Background(), ws); err != nil {
			t.Fatal(err)
		}
	}
	cp := s.Checkpoint()
	tpCheckHuge(t, s, cp)
	if tx, err := s.Tx(2); err != nil || len(tx.Entries) != 50_000 || string(tx.Entries[49_999].Key) != "huge-0049999" {
		t.Fatalf("tx 2: %d entries, %v", len(tx.Entries), err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tpTamper(t, dir, func(a tpAttacker) {
		id := a.get(tpIdentityKey)
		if binary.BigEndian.Uint16(id[8:]) != 4 {
			t.Errorf("identity %x: want format 4", id)
		}
		// 2.6 MB: two full parts and a shorter one.
		total := 0
		for i, k := range [][]byte{tpListKey(2), tpPartKey(2, 1), tpPartKey(2, 2)} {
			n := len(a.get(k))
			if i < 2 && n != 1<<20 || i == 2 && (n == 0 || n >= 1<<20) {
				t.Errorf("part %d of tx 2's list: %d bytes", i, n)
			}
			total += n
		}
		if a.has(tpPartKey(2, 3)) || a.has(tpPartKey(3, 1)) || !a.has(tpListKey(3)) {
			t.Error("a part too many, or tx 3's list not in one part")
		}
		t.Logf("tx 2's list: %d bytes in 3 parts", total)
	})

	for _, tc := range []struct {
		name   string
		tamper func(a tpAttacker)
		wantTx uint64
	}{
		{"the last part missing", func(a tpAttacker) { a.del(tpPartKey(2, 2)) }, 2},
		{"a middle part missing", func(a tpAttacker) { a.del(tpPartKey(2, 1)) }, 2},
		{"a part changed", func(a tpAttacker) { a.flip(tpPartKey(2, 1), 100) }, 2},
		{"a part added", func(a tpAttacker) { a.set(tpPartKey(2, 3), []byte("more")) }, 2},
		{"a part for a list of one", func(a tpAttacker) { a.set(tpPartKey(3, 1), []byte("more")) }, 3},
	} {
		t.Run(tc.name, func(t *testing.T) { tpVerifyFailsAt(t, dir, tc.tamper, tc.wantTx) })
	}
	s = openAt(t, dir, kv.Options{})
	defer s.Close()
	tpCheckHuge(t, s, cp)
}

// TestFormat3StoreOpensAndUpgrades: a format-3 store's lists are format
// 4's lists of one part. Opened for writing it becomes a format-4 store,
// its lists staying under the header family from the same tx on.
func TestFormat3StoreOpensAndUpgrades(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir, kv.Options{})
	if _, err := s.Commit(context.Background(), bigTx("old")); err != nil {
		t.Fatal(err)
	}
	cp := s.Checkpoint()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tpTamper(t, dir, func(a tpAttacker) {
		id := a.get(tpIdentityKey)
		binary.BigEndian.PutUint16(id[8:], 3)
		a.set(tpIdentityKey, id)
	})
	s = openAt(t, dir, kv.Options{})
	if _, err := s.Commit(context.Background(), hugeTx(30_000)); err != nil {
		t.Fatal(err)
	}
	tpCheckHuge(t, s, cp) // the log before the upgrade grew from it
	tpCheckHuge(t, s, s.Checkpoint())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tpTamper(t, dir, func(a tpAttacker) {
		id := a.get(tpIdentityKey)
		if binary.BigEndian.Uint16(id[8:]) != 4 || binary.BigEndian.Uint64(id[18:]) != 1 || binary.BigEndian.Uint64(id[26:]) != 1 {
			t.Errorf("identity after the upgrade %x: want format 4, nodes in headers and lists in the header family from tx 1", id)
		}
		if !a.has(tpListKey(1)) || !a.has(tpPartKey(2, 1)) {
			t.Error("tx 1's list moved, or tx 2's not in parts")
		}
	})
}
