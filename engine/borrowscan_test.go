package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
)

// TestScanRowsOutliveNext keeps every key and value a Scan returns, without
// copying, and checks them after the scan: Scan's rows are the caller's,
// although kv decodes every key into one buffer and its values alias
// pebble's blocks.
func TestScanRowsOutliveNext(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	txn, _ := db.Begin(engine.TxnOptions{})
	var want []string
	for i := 0; i < 300; i++ {
		k, v := fmt.Sprintf("k%04d", i), fmt.Sprintf("value-%d", i*7)
		txn.Put([]byte(k), []byte(v))
		want = append(want, k+"="+v)
	}
	if _, err := txn.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, reverse := range []bool{false, true} {
		txn, _ = db.Begin(engine.TxnOptions{})
		it, err := txn.Scan(kv.Range{}, reverse)
		if err != nil {
			t.Fatal(err)
		}
		var keys, values [][]byte
		for it.Next() {
			keys, values = append(keys, it.Key()), append(values, it.Value())
		}
		if err := it.Close(); err != nil {
			t.Fatal(err)
		}
		var got []string
		for i := range keys {
			got = append(got, string(keys[i])+"="+string(values[i]))
		}
		w := want
		if reverse {
			w = make([]string, len(want))
			for i := range want {
				w[i] = want[len(want)-1-i]
			}
		}
		if !reflect.DeepEqual(got, w) {
			t.Fatalf("reverse=%v: rows kept from the scan changed:\n%q\nwant\n%q", reverse, got, w)
		}
		txn.Rollback()
	}
}

// TestScanBorrowedMatchesScan compares ScanBorrowed with Scan, both ways,
// over committed versions overlaid with a transaction's own writes and
// deletes.
func TestScanBorrowedMatchesScan(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	key := func() []byte { return []byte(fmt.Sprintf("k%03d", rng.IntN(200))) }
	for round := 0; round < 5; round++ {
		txn, _ := db.Begin(engine.TxnOptions{})
		for i := 0; i < 80; i++ {
			txn.Put(key(), []byte(fmt.Sprintf("r%d.%d", round, i)))
		}
		if _, err := txn.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	txn, _ := db.Begin(engine.TxnOptions{})
	defer txn.Rollback()
	for i := 0; i < 60; i++ {
		if rng.IntN(2) == 0 {
			txn.Put(key(), []byte(fmt.Sprintf("own%d", i)))
		} else {
			txn.Delete(key())
		}
	}
	for _, r := range []kv.Range{{}, {Start: []byte("k050"), End: []byte("k150")}} {
		for _, reverse := range []bool{false, true} {
			want := scanTxn(t, txn, r, reverse)
			got := scanWith(t, txn.ScanBorrowed, r, reverse)
			if len(want) < 20 || !reflect.DeepEqual(got, want) {
				t.Fatalf("range %q reverse=%v: ScanBorrowed %q, Scan %q", r, reverse, got, want)
			}
		}
	}
}
