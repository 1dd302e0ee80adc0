package kv_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/checkpoint"
	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
)

func TestCommitAndRead(t *testing.T) {
	s := openTest(t, kv.Options{})
	if got := s.LastTx(); got != 0 {
		t.Fatalf("LastTx of a new store = %d, want 0", got)
	}
	tx1 := put(t, s, "a", "1")
	tx2 := put(t, s, "b", "2")
	tx3 := put(t, s, "a", "3")
	tx4 := del(t, s, "b")
	if tx1 != 1 || tx2 != 2 || tx3 != 3 || tx4 != 4 {
		t.Fatalf("tx ids = %d %d %d %d, want 1 2 3 4", tx1, tx2, tx3, tx4)
	}

	v, err := s.Get([]byte("a"))
	if err != nil || string(v.Value) != "3" || v.TxID != 3 {
		t.Fatalf("Get(a) = %q@%d, %v; want 3@3", v.Value, v.TxID, err)
	}
	if _, err := s.Get([]byte("b")); !errors.Is(err, kv.ErrNotFound) {
		t.Fatalf("Get(b) after delete: %v, want ErrNotFound", err)
	}
	if _, err := s.Get([]byte("zz")); !errors.Is(err, kv.ErrNotFound) {
		t.Fatalf("Get(zz): %v, want ErrNotFound", err)
	}
	for _, tc := range []struct {
		key  string
		at   uint64
		want string // "" = not found
	}{
		{"a", 1, "1"}, {"a", 2, "1"}, {"a", 3, "3"}, {"a", 4, "3"},
		{"b", 1, ""}, {"b", 2, "2"}, {"b", 3, "2"}, {"b", 4, ""},
	} {
		v, err := s.GetAt([]byte(tc.key), tc.at)
		if tc.want == "" {
			if !errors.Is(err, kv.ErrNotFound) {
				t.Errorf("GetAt(%s, %d) = %q, %v; want not found", tc.key, tc.at, v.Value, err)
			}
			continue
		}
		if err != nil || string(v.Value) != tc.want {
			t.Errorf("GetAt(%s, %d) = %q, %v; want %q", tc.key, tc.at, v.Value, err, tc.want)
		}
	}
	for _, bad := range []uint64{0, 5, 1 << 40} {
		if _, err := s.GetAt([]byte("a"), bad); !errors.Is(err, kv.ErrTxNotFound) {
			t.Errorf("GetAt(a, %d): %v, want ErrTxNotFound", bad, err)
		}
	}

	hist, err := s.History([]byte("b"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hist {
		got = append(got, fmt.Sprintf("%d:%s:%v", h.TxID, h.Value, h.Deleted))
	}
	if want := []string{"2:2:false", "4::true"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("History(b) = %v, want %v", got, want)
	}

	tx, err := s.Tx(3)
	if err != nil {
		t.Fatal(err)
	}
	if tx.Header.TxID != 3 || len(tx.Entries) != 1 || string(tx.Entries[0].Key) != "a" || string(tx.Entries[0].Value) != "3" {
		t.Fatalf("Tx(3) = %+v", tx)
	}
}

func TestScan(t *testing.T) {
	s := openTest(t, kv.Options{})
	put(t, s, "k1", "a")              // 1
	put(t, s, "k2", "b")              // 2
	put(t, s, "k\x00", "zero")        // 3: key with a zero byte sorts before k1
	put(t, s, "k1", "c")              // 4
	del(t, s, "k2")                   // 5
	put(t, s, "k3", "d")              // 6
	put(t, s, "j", "before")          // 7
	put(t, s, "l", "after")           // 8
	put(t, s, "k\x00\x00", "zerozer") // 9

	cases := []struct {
		r    kv.Range
		at   uint64
		want []string
	}{
		{kv.PrefixRange([]byte("k")), 9, []string{"k\x00=zero", "k\x00\x00=zerozer", "k1=c", "k3=d"}},
		{kv.PrefixRange([]byte("k")), 2, []string{"k1=a", "k2=b"}},
		{kv.PrefixRange([]byte("k")), 4, []string{"k\x00=zero", "k1=c", "k2=b"}},
		{kv.Range{}, 8, []string{"j=before", "k\x00=zero", "k1=c", "k3=d", "l=after"}},
		{kv.Range{Start: []byte("k1"), End: []byte("k3")}, 9, []string{"k1=c"}},
		{kv.Range{Start: []byte("k2")}, 9, []string{"k3=d", "l=after"}},
		{kv.Range{End: []byte("k")}, 9, []string{"j=before"}},
		{kv.Range{Start: []byte("z"), End: []byte("a")}, 9, nil},
	}
	for i, tc := range cases {
		got := scanAll(t, s, tc.r, tc.at)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("case %d: scan %q..%q at %d = %q, want %q", i, tc.r.Start, tc.r.End, tc.at, got, tc.want)
		}
	}
}

// TestScanManyVersions exercises the seek paths of the iterator: keys with
// more versions than the iterator steps over before seeking.
func TestScanManyVersions(t *testing.T) {
	s := openTest(t, kv.Options{})
	ctx := context.Background()
	var txAt10 uint64
	for round := 0; round < 20; round++ {
		var ws []kv.Write
		for k := 0; k < 5; k++ {
			ws = append(ws, kv.Write{Key: []byte(fmt.Sprintf("key%d", k)), Value: []byte(fmt.Sprintf("v%d", round))})
		}
		c, err := s.Commit(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		if round == 10 {
			txAt10 = c.TxID
		}
	}
	for _, tc := range []struct {
		at   uint64
		want string
	}{{txAt10, "v10"}, {s.LastTx(), "v19"}, {1, "v0"}} {
		got := scanAll(t, s, kv.Range{}, tc.at)
		if len(got) != 5 {
			t.Fatalf("at %d: %d keys, want 5: %q", tc.at, len(got), got)
		}
		for k, kvs := range got {
			if want := fmt.Sprintf("key%d=%s", k, tc.want); kvs != want {
				t.Errorf("at %d: got %q, want %q", tc.at, kvs, want)
			}
		}
	}
}

func TestMultiEntryTxAndProofs(t *testing.T) {
	s := openTest(t, kv.Options{})
	ctx := context.Background()
	var ws []kv.Write
	for i := 0; i < 37; i++ {
		ws = append(ws, kv.Write{Key: []byte(fmt.Sprintf("k%02d", i)), Value: []byte(fmt.Sprintf("v%d", i)), Metadata: []byte{byte(i)}})
	}
	ws = append(ws, kv.Write{Key: []byte("gone"), Delete: true})
	for i := 0; i < 10; i++ {
		put(t, s, fmt.Sprintf("pad%d", i), "x")
	}
	c, err := s.Commit(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 7; i++ {
		put(t, s, fmt.Sprintf("after%d", i), "y")
	}
	size := s.LastTx()
	cp := s.Checkpoint()
	if cp.Size != size {
		t.Fatalf("checkpoint size %d, LastTx %d", cp.Size, size)
	}

	tx, err := s.Tx(c.TxID)
	if err != nil {
		t.Fatal(err)
	}
	if tx.Header.Entries != uint32(len(ws)) {
		t.Fatalf("header says %d entries, want %d", tx.Header.Entries, len(ws))
	}
	txPath, err := s.InclusionProof(c.TxID, size)
	if err != nil {
		t.Fatal(err)
	}
	if err := merkle.VerifyInclusion(tx.Header.LeafHash(), c.TxID-1, size, txPath, cp.Root); err != nil {
		t.Fatalf("tx inclusion: %v", err)
	}
	for i, e := range tx.Entries {
		path, err := s.EntryProof(c.TxID, uint32(i))
		if err != nil {
			t.Fatal(err)
		}
		want := format.NewPut(ws[i].Key, ws[i].Value, ws[i].Metadata)
		if ws[i].Delete {
			want = format.NewDelete(ws[i].Key, nil)
		}
		if e.LeafHash() != want.LeafHash() {
			t.Fatalf("entry %d differs from what was written", i)
		}
		if err := merkle.VerifyInclusion(want.LeafHash(), uint64(i), uint64(len(ws)), path, tx.Header.EntriesRoot); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	// Consistency from every earlier size to now.
	for m := uint64(1); m <= size; m++ {
		old, err := s.CheckpointAt(m)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.ConsistencyProof(m, size)
		if err != nil {
			t.Fatal(err)
		}
		if err := merkle.VerifyConsistency(m, size, p, old.Root, cp.Root); err != nil {
			t.Fatalf("consistency %d -> %d: %v", m, size, err)
		}
	}
}

func TestGroupCommitConcurrent(t *testing.T) {
	s := openTest(t, kv.Options{})
	const workers, perWorker = 16, 50
	var wg sync.WaitGroup
	ids := make(chan uint64, workers*perWorker)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				c, err := s.Commit(context.Background(), []kv.Write{{Key: []byte(fmt.Sprintf("w%d/%d", w, i)), Value: []byte("v")}})
				if err != nil {
					t.Error(err)
					return
				}
				if c.LogSize < c.TxID {
					t.Errorf("head of size %d does not cover tx %d", c.LogSize, c.TxID)
				}
				if cp, err := s.CheckpointAt(c.LogSize); err != nil || cp.Root != c.Root {
					t.Errorf("tx %d: head %d/%s, but the stored tree gives %s (%v)", c.TxID, c.LogSize, c.Root, cp.Root, err)
				}
				ids <- c.TxID
			}
		}(w)
	}
	wg.Wait()
	close(ids)
	seen := map[uint64]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("tx id %d given twice", id)
		}
		seen[id] = true
	}
	for id := uint64(1); id <= workers*perWorker; id++ {
		if !seen[id] {
			t.Fatalf("tx id %d missing: ids are not dense", id)
		}
	}
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir, kv.Options{Origin: "example.com/reopen"})
	for i := 0; i < 100; i++ {
		put(t, s, fmt.Sprintf("k%d", i%7), fmt.Sprint(i))
	}
	cp := s.Checkpoint()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, dir, kv.Options{})
	defer s.Close()
	if got := s.Checkpoint(); got.Size != cp.Size || got.Root != cp.Root || got.Origin != "example.com/reopen" {
		t.Fatalf("after reopen: %+v, want %+v", got, cp)
	}
	if tx := put(t, s, "k", "v"); tx != 101 {
		t.Fatalf("next tx after reopen = %d, want 101", tx)
	}
	if _, err := s.Verify(context.Background(), kv.VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestSignedCheckpointAndKeyProof is the client's story end to end: the
// store signs checkpoints with an ECDSA P-256 key made by openssl; a
// client that holds only the public key opens the checkpoint, and checks a
// key proof and a consistency proof against it.
func TestSignedCheckpointAndKeyProof(t *testing.T) {
	for _, keyFile := range []string{"ec.pem", "ed25519.pem"} {
		t.Run(keyFile, func(t *testing.T) {
			const origin = "stela.example/db"
			pemBytes, err := os.ReadFile(filepath.Join("checkpoint", "testdata", keyFile))
			if err != nil {
				t.Fatal(err)
			}
			signer, err := checkpoint.ParseSignerPEM(origin, pemBytes)
			if err != nil {
				t.Fatal(err)
			}
			pub, err := checkpoint.MarshalPublicKeyPEM(signer)
			if err != nil {
				t.Fatal(err)
			}
			verifier, err := checkpoint.ParseVerifierPEM(origin, pub)
			if err != nil {
				t.Fatal(err)
			}

			s := openTest(t, kv.Options{Origin: origin, Signer: signer})
			put(t, s, "artifact/a", "sha256:aaaa")
			old := s.Checkpoint()
			for i := 0; i < 20; i++ {
				put(t, s, fmt.Sprintf("artifact/%d", i), "x")
			}
			put(t, s, "artifact/a", "sha256:bbbb")
			c, err := s.Commit(context.Background(), []kv.Write{{Key: []byte("artifact/z"), Value: []byte("z")}})
			if err != nil {
				t.Fatal(err)
			}
			head := s.Checkpoint()
			if !head.Signed || head.Size != c.LogSize {
				t.Fatalf("checkpoint of a store with a signer: signed %v, size %d (commit's head %d)", head.Signed, head.Size, c.LogSize)
			}

			// The client: trusts the public key only.
			cp, err := checkpoint.Open(head.Note, verifier)
			if err != nil {
				t.Fatalf("open signed checkpoint: %v", err)
			}
			oldCP, err := checkpoint.Open(old.Note, verifier)
			if err != nil {
				t.Fatal(err)
			}
			p, err := s.ProveKey([]byte("artifact/a"), cp.Size, cp.Size)
			if err != nil {
				t.Fatal(err)
			}
			if string(p.Value) != "sha256:bbbb" {
				t.Fatalf("proved value %q", p.Value)
			}
			if err := p.VerifyCheckpoint(cp); err != nil {
				t.Fatalf("key proof: %v", err)
			}
			// As of the old checkpoint the key had its first value.
			pOld, err := s.ProveKey([]byte("artifact/a"), oldCP.Size, cp.Size)
			if err != nil {
				t.Fatal(err)
			}
			if string(pOld.Value) != "sha256:aaaa" || pOld.VerifyCheckpoint(cp) != nil {
				t.Fatalf("old version proof: %q", pOld.Value)
			}
			cons, err := s.ProveConsistency(oldCP.Size, cp.Size)
			if err != nil {
				t.Fatal(err)
			}
			if err := cons.VerifyCheckpoints(oldCP, cp); err != nil {
				t.Fatalf("consistency: %v", err)
			}
			// A proof for a forged value fails.
			p.Value = []byte("sha256:evil")
			if err := p.VerifyCheckpoint(cp); err == nil {
				t.Fatal("forged value verified")
			}
			// A checkpoint signed by another key is refused.
			otherPEM, err := os.ReadFile(filepath.Join("checkpoint", "testdata", map[string]string{"ec.pem": "ed25519.pem", "ed25519.pem": "ec.pem"}[keyFile]))
			if err != nil {
				t.Fatal(err)
			}
			other, _ := checkpoint.ParseSignerPEM(origin, otherPEM)
			forged, err := checkpoint.Sign(checkpoint.Checkpoint{Origin: origin, Size: cp.Size, Root: [32]byte{1}}, other)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := checkpoint.Open(forged, verifier); err == nil {
				t.Fatal("checkpoint signed by another key accepted")
			}
		})
	}
}

func TestScanReverse(t *testing.T) {
	s := openTest(t, kv.Options{})
	put(t, s, "k1", "a")       // 1
	put(t, s, "k2", "b")       // 2
	put(t, s, "k\x00", "zero") // 3
	put(t, s, "k1", "c")       // 4
	del(t, s, "k2")            // 5
	put(t, s, "k3", "d")       // 6
	put(t, s, "j", "before")   // 7
	put(t, s, "l", "after")    // 8
	for _, tc := range []struct {
		r    kv.Range
		at   uint64
		want []string
	}{
		{kv.PrefixRange([]byte("k")), 8, []string{"k3=d", "k1=c", "k\x00=zero"}},
		{kv.PrefixRange([]byte("k")), 2, []string{"k2=b", "k1=a"}},
		{kv.PrefixRange([]byte("k")), 4, []string{"k2=b", "k1=c", "k\x00=zero"}},
		{kv.Range{}, 8, []string{"l=after", "k3=d", "k1=c", "k\x00=zero", "j=before"}},
		{kv.Range{Start: []byte("k1"), End: []byte("k3")}, 8, []string{"k1=c"}},
		{kv.Range{End: []byte("k")}, 8, []string{"j=before"}},
	} {
		it, err := s.ScanReverse(tc.r, tc.at)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for it.Next() {
			got = append(got, fmt.Sprintf("%s=%s", it.Key(), it.Value()))
		}
		if err := it.Close(); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("reverse scan %q..%q at %d = %q, want %q", tc.r.Start, tc.r.End, tc.at, got, tc.want)
		}
	}
}

// TestLookupAt: a missing or deleted key is found false without an error,
// at every snapshot, cache or no cache, and agrees with GetAt.
func TestLookupAt(t *testing.T) {
	s := openTest(t, kv.Options{})
	t1 := put(t, s, "a", "1")
	t2 := del(t, s, "a")
	t3 := put(t, s, "b", "2")
	for _, c := range []struct {
		key   string
		tx    uint64
		value string // "" for not found
	}{{"a", t1, "1"}, {"a", t2, ""}, {"a", t3, ""}, {"b", t2, ""}, {"b", t3, "2"}, {"zzz", t3, ""}} {
		for range 2 { // the second read may come from the cache of newest versions
			v, found, err := s.LookupAt([]byte(c.key), c.tx)
			if err != nil || found != (c.value != "") || string(v.Value) != c.value {
				t.Fatalf("LookupAt(%s, %d) = %q, %v, %v; want %q", c.key, c.tx, v.Value, found, err, c.value)
			}
			_, gerr := s.GetAt([]byte(c.key), c.tx)
			if (gerr == nil) != found || (gerr != nil && !errors.Is(gerr, kv.ErrNotFound)) {
				t.Fatalf("GetAt(%s, %d) = %v, LookupAt found %v", c.key, c.tx, gerr, found)
			}
		}
	}
	if _, _, err := s.LookupAt(nil, t3); err == nil {
		t.Fatal("LookupAt of an empty key gave no error")
	}
}
