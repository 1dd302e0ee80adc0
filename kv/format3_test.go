package kv_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/stela-db/stela/kv"
)

// Store format 3 keeps an entry list too large for its header record
// under the header key followed by 'L'; format 2 kept it under 'E' txid
// (headerrecord.go). These tests check that a format-2 store still reads
// and verifies, and that opened for writing it becomes a format-3 store
// whose older lists stay where they are.

// bigTx is a transaction whose entry list is over 1 KiB.
func bigTx(tag string) []kv.Write {
	var ws []kv.Write
	for i := 0; i < 30; i++ {
		ws = append(ws, kv.Write{Key: []byte(fmt.Sprintf("%s-a-key-long-enough-to-fill-a-list-%02d", tag, i)), Value: []byte("v")})
	}
	return ws
}

// tpToFormat2 rewrites a closed format-3 store as format 2 wrote it: the
// identity without listsFrom, and every entry list under its 'E' key.
func tpToFormat2(t *testing.T, dir string, size uint64) {
	t.Helper()
	tpTamper(t, dir, func(a tpAttacker) {
		id := a.get(tpIdentityKey)
		binary.BigEndian.PutUint16(id[8:], 2)
		a.set(tpIdentityKey, id[:26])
		for tx := uint64(1); tx <= size; tx++ {
			if a.has(tpListKey(tx)) {
				a.set(tpEntriesKey(tx), a.get(tpListKey(tx)))
				a.del(tpListKey(tx))
			}
		}
	})
}

func TestFormat2StoreOpensAndUpgrades(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir, kv.Options{})
	for _, ws := range [][]kv.Write{bigTx("old"), {{Key: []byte("small"), Value: []byte("v")}}} {
		if _, err := s.Commit(context.Background(), ws); err != nil {
			t.Fatal(err)
		}
	}
	cp := s.Checkpoint()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tpToFormat2(t, dir, cp.Size)

	// Read-only: served as it is, and left in format 2.
	ro := openAt(t, dir, kv.Options{ReadOnly: true})
	tpCheckAll(t, ro, cp)
	if tx, err := ro.Tx(1); err != nil || len(tx.Entries) != 30 {
		t.Fatalf("format 2, tx 1: %d entries, %v", len(tx.Entries), err)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}

	// Read-write: upgraded; tx 1's list stays under 'E', tx 3's goes to
	// the header family.
	s = openAt(t, dir, kv.Options{})
	if _, err := s.Commit(context.Background(), bigTx("new")); err != nil {
		t.Fatal(err)
	}
	tpCheckAll(t, s, cp)
	for _, tx := range []uint64{1, 3} {
		if got, err := s.Tx(tx); err != nil || len(got.Entries) != 30 {
			t.Fatalf("tx %d: %d entries, %v", tx, len(got.Entries), err)
		}
	}
	mixed := s.Checkpoint()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tpTamper(t, dir, func(a tpAttacker) {
		id := a.get(tpIdentityKey)
		if len(id) != 34 || binary.BigEndian.Uint16(id[8:]) != 4 || binary.BigEndian.Uint64(id[18:]) != 1 || binary.BigEndian.Uint64(id[26:]) != 3 {
			t.Errorf("identity after the upgrade %x: want format 4, nodes in headers from tx 1, lists in the header family from tx 3", id)
		}
		if k, _ := a.entriesAt(1); !bytes.Equal(k, tpEntriesKey(1)) {
			t.Errorf("tx 1's list moved to %x", k)
		}
		if k, _ := a.entriesAt(3); !bytes.Equal(k, tpListKey(3)) {
			t.Errorf("tx 3's list is under %x, want %x", k, tpListKey(3))
		}
	})

	// A list of the other format's key is corruption, both ways.
	for _, tc := range []struct {
		name   string
		tamper func(a tpAttacker)
		wantTx uint64
	}{
		{"format 3's key for a format-2 tx", func(a tpAttacker) { a.set(tpListKey(1), a.get(tpEntriesKey(1))); a.del(tpEntriesKey(1)) }, 1},
		{"format 2's key for a format-3 tx", func(a tpAttacker) { a.set(tpEntriesKey(3), a.get(tpListKey(3))); a.del(tpListKey(3)) }, 3},
	} {
		t.Run(tc.name, func(t *testing.T) { tpVerifyFailsAt(t, dir, tc.tamper, tc.wantTx) })
	}

	tpReopensAs(t, dir, mixed, cp)
}

// TestCommitLogReplayOfLargeLists: after a crash, the groups replayed
// from the commit log (the batches as they were logged) hold their large
// entry lists under format 3's key, and a read-only and a read-write open
// both read and verify them.
func TestCommitLogReplayOfLargeLists(t *testing.T) {
	live := t.TempDir()
	s := openAt(t, live, kv.Options{})
	commitN(t, s, 0, 100) // as TestCommitLogCrashReplay: the spare is built by then
	if _, err := s.Commit(context.Background(), bigTx("logged")); err != nil {
		t.Fatal(err)
	}
	crashed := t.TempDir()
	tpCopyDir(t, live, crashed) // tx 101 is only in the commit log
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, readOnly := range []bool{true, false} {
		s := openAt(t, crashed, kv.Options{ReadOnly: readOnly})
		if tx, err := s.Tx(101); err != nil || len(tx.Entries) != 30 {
			t.Fatalf("read-only %v: tx 101: %d entries, %v", readOnly, len(tx.Entries), err)
		}
		if _, err := s.Verify(context.Background(), kv.VerifyOptions{}); err != nil {
			t.Fatalf("read-only %v: verify: %v", readOnly, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	tpTamper(t, crashed, func(a tpAttacker) {
		if k, _ := a.entriesAt(101); !bytes.Equal(k, tpListKey(101)) {
			t.Errorf("tx 101's list is under %x, want %x", k, tpListKey(101))
		}
	})
}
