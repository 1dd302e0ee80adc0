package kv_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stela-db/stela/kv"
)

// exportAll exports transactions from..to of s.
func exportAll(t *testing.T, s *kv.Store, from, to uint64) [][]byte {
	t.Helper()
	var recs [][]byte
	for id := from; id <= to; id++ {
		rec, err := s.ExportTx(id, nil)
		if err != nil {
			t.Fatalf("export tx %d: %v", id, err)
		}
		recs = append(recs, rec)
	}
	return recs
}

// fillStore commits puts (some with metadata and binary keys), updates
// and deletes.
func fillStore(t *testing.T, s *kv.Store, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		ws := []kv.Write{{Key: []byte{'k', 0, byte(i % 7)}, Value: bytes.Repeat([]byte{byte(i)}, i%50), Metadata: []byte(fmt.Sprint(i))}}
		if i%3 == 0 {
			ws = append(ws, kv.Write{Key: []byte(fmt.Sprintf("z%d", i%5)), Delete: true})
		}
		if _, err := s.Commit(ctx, ws); err != nil {
			t.Fatal(err)
		}
	}
}

// TestImportRoundTrip exports a store, imports it in two steps (a base,
// then the rest into the same store) and checks that the result has the
// same root, the same transactions byte for byte, and verifies.
func TestImportRoundTrip(t *testing.T) {
	src := openTest(t, kv.Options{Origin: "example.com/src"})
	fillStore(t, src, 40)
	recs := exportAll(t, src, 1, src.LastTx())

	dir := t.TempDir()
	im, err := kv.OpenImporter(dir, kv.Options{Origin: "example.com/src", MinFreeBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[:25] {
		if err := im.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.Close(); err != nil {
		t.Fatal(err)
	}
	// Incremental: the reopened store continues at 25.
	im, err = kv.OpenImporter(dir, kv.Options{MinFreeBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	if im.Size() != 25 || im.Origin() != "example.com/src" {
		t.Fatalf("reopened importer at %d, origin %q", im.Size(), im.Origin())
	}
	if err := im.Append(recs[24]); err == nil {
		t.Fatal("a repeated tx was accepted")
	}
	for _, r := range recs[25:] {
		if err := im.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	if im.Root() != src.Checkpoint().Root {
		t.Fatalf("root %s, source %s", im.Root(), src.Checkpoint().Root)
	}
	if err := im.Close(); err != nil {
		t.Fatal(err)
	}

	dst := openAt(t, dir, kv.Options{})
	defer dst.Close()
	if _, err := dst.Verify(context.Background(), kv.VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	if dst.Checkpoint().Root != src.Checkpoint().Root || dst.LastTx() != src.LastTx() {
		t.Fatalf("restored %d/%s, source %d/%s", dst.LastTx(), dst.Checkpoint().Root, src.LastTx(), src.Checkpoint().Root)
	}
	for id := uint64(1); id <= src.LastTx(); id++ {
		a, _ := src.Tx(id)
		b, err := dst.Tx(id)
		if err != nil || fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("tx %d differs: %v\n%v\n%v", id, err, a, b)
		}
	}
	if got, want := scanAll(t, dst, kv.Range{}, 20), scanAll(t, src, kv.Range{}, 20); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("scan at 20: %v, want %v", got, want)
	}
	// A proof from the source verifies against the restored log's root.
	p, err := src.ConsistencyProof(10, src.LastTx())
	if err != nil {
		t.Fatal(err)
	}
	q, err := dst.ConsistencyProof(10, dst.LastTx())
	if err != nil || fmt.Sprint(p) != fmt.Sprint(q) {
		t.Fatalf("consistency proofs differ: %v", err)
	}
}

// TestImportCheckRefuses damages records in each way a backup can be
// damaged and checks that the first bad transaction is named.
func TestImportCheckRefuses(t *testing.T) {
	src := openTest(t, kv.Options{})
	fillStore(t, src, 12)
	recs := exportAll(t, src, 1, src.LastTx())
	flip := func(i, off int) [][]byte {
		out := append([][]byte(nil), recs...)
		out[i] = append([]byte(nil), recs[i]...)
		out[i][off] ^= 1
		return out
	}
	last := func(r []byte) int { return len(r) - 1 }
	cases := []struct {
		name string
		recs [][]byte
		tx   uint64
	}{
		{"value byte", flip(4, last(recs[4])), 5},
		{"tx id", flip(6, 9), 7},
		{"entries root", flip(2, 30), 3},
		{"entry key", flip(3, 58+4), 4},
		{"dropped tx", append(append([][]byte(nil), recs[:5]...), recs[6:]...), 6},
		{"truncated record", append(recs[:8:8], recs[8][:60]), 9},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ck := kv.NewImportCheck()
			var err error
			for _, r := range c.recs {
				if err = ck.Add(r); err != nil {
					break
				}
			}
			var ie *kv.ImportError
			if !errors.As(err, &ie) || ie.TxID != c.tx || !errors.Is(err, kv.ErrCorrupt) {
				t.Fatalf("got %v, want an ImportError at tx %d", err, c.tx)
			}
		})
	}
	// A commit time changed consistently passes the record checks but
	// changes the root.
	ck := kv.NewImportCheck()
	for i, r := range flip(len(recs)-1, 10) {
		if err := ck.Add(r); err != nil {
			t.Fatalf("tx %d: %v", i+1, err)
		}
	}
	if ck.Root() == src.Checkpoint().Root {
		t.Fatal("a changed commit time left the root as it was")
	}
}
