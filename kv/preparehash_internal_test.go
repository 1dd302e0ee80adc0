package kv

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
)

// TestPrepareMatchesSerialEncoding checks the chunked, concurrent encoding
// and hashing of large transactions against records built one by one and
// the tree built leaf by leaf, around every chunk boundary where the RFC
// 9162 split could fall elsewhere, with keys that need escaping, deletes
// and metadata.
func TestPrepareMatchesSerialEncoding(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // several workers on any machine
	s := &Store{opts: Options{MaxTxEntries: 1 << 20, MaxValueSize: 1 << 20, MaxTxBytes: 1 << 30}}
	sizes := []int{1, 2, 3, hashChunk - 1, hashChunk, hashChunk + 1, 2*hashChunk - 1, 2 * hashChunk,
		2*hashChunk + 1, 3 * hashChunk, 3*hashChunk + 7, 4*hashChunk + 1, 5*hashChunk + 513, 9*hashChunk - 1}
	for _, n := range sizes {
		writes := make([]Write, n)
		leaves := make([]merkle.Hash, n)
		var entries, keys, vals []byte
		for i := range writes {
			w := Write{Key: fmt.Appendf(nil, "k%07d", i), Value: fmt.Appendf(nil, "v%d", i*i), Metadata: fmt.Appendf(nil, "m%d", i%3)}
			if i%7 == 3 {
				w.Key = append(w.Key, 0, 0, byte(i)) // escaped: longer version keys
			}
			e := format.NewPut(w.Key, w.Value, w.Metadata)
			rec := versionRecord{kind: format.KindPut, index: uint32(i), metadata: w.Metadata, value: w.Value}
			if i%5 == 0 {
				w.Delete = true
				e = format.NewDelete(w.Key, w.Metadata)
				rec = versionRecord{kind: format.KindDelete, index: uint32(i), metadata: w.Metadata}
			}
			writes[i] = w
			leaves[i] = e.LeafHash()
			entries = e.AppendEncoding(entries)
			keys = appendVersionKey(keys, w.Key, 0)
			vals = rec.appendEncoding(vals)
		}
		p := newPendingTx()
		if err := s.prepare(p, writes); err != nil {
			t.Fatalf("%d entries: %v", n, err)
		}
		if want := merkle.RootOf(leaves); p.entriesRoot != want {
			t.Errorf("%d entries: root %s, the tree's %s", n, p.entriesRoot, want)
		}
		for i := range leaves {
			if p.leaves[i] != leaves[i] {
				t.Fatalf("%d entries: leaf %d differs", n, i)
			}
		}
		if !bytes.Equal(p.entriesRecord, entries) || !bytes.Equal(p.versionKeys, keys) || !bytes.Equal(p.versionVals, vals) {
			t.Fatalf("%d entries: encodings differ from the serial ones", n)
		}
		p.release()
	}
}
