package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

func openDB(t *testing.T) *engine.DB {
	t.Helper()
	l := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	s, err := kv.Open(t.TempDir(), kv.Options{MinFreeBytes: -1, Logger: &l})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return engine.NewDB(s)
}

func scanTxn(t *testing.T, txn *engine.Txn, r kv.Range, reverse bool) []string {
	t.Helper()
	return scanWith(t, txn.Scan, r, reverse)
}

// scanWith lists "key=value" of every row scan returns, copying each
// before the next.
func scanWith(t *testing.T, scan func(kv.Range, bool) (*engine.Iterator, error), r kv.Range, reverse bool) []string {
	t.Helper()
	it, err := scan(r, reverse)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for it.Next() {
		out = append(out, string(it.Key())+"="+string(it.Value()))
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTxnReadsOwnWritesAndSnapshot(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	t1, _ := db.Begin(engine.TxnOptions{})
	t1.Put([]byte("a"), []byte("1"))
	t1.Put([]byte("c"), []byte("3"))
	if _, err := t1.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	reader, _ := db.Begin(engine.TxnOptions{})
	w, _ := db.Begin(engine.TxnOptions{})
	w.Put([]byte("b"), []byte("2"))
	w.Delete([]byte("a"))
	if got := scanTxn(t, w, kv.Range{}, false); !reflect.DeepEqual(got, []string{"b=2", "c=3"}) {
		t.Fatalf("own writes: %v", got)
	}
	if got := scanTxn(t, w, kv.Range{}, true); !reflect.DeepEqual(got, []string{"c=3", "b=2"}) {
		t.Fatalf("own writes, reverse: %v", got)
	}
	if _, err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// The reader's snapshot predates w.
	if got := scanTxn(t, reader, kv.Range{}, false); !reflect.DeepEqual(got, []string{"a=1", "c=3"}) {
		t.Fatalf("snapshot read: %v", got)
	}
	if v, ok, _ := reader.Get([]byte("a")); !ok || string(v) != "1" {
		t.Fatalf("snapshot get: %q %v", v, ok)
	}
}

func TestTxnConflictIs40001(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	a, _ := db.Begin(engine.TxnOptions{})
	b, _ := db.Begin(engine.TxnOptions{})
	a.Put([]byte("k"), []byte("a"))
	b.Put([]byte("k"), []byte("b"))
	if _, err := a.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := b.Commit(ctx)
	if pgerror.GetCode(err) != pgcode.SerializationFailure {
		t.Fatalf("second writer: %v, want 40001", err)
	}
	// Serializable: a read of a key another transaction changed.
	r, _ := db.Begin(engine.TxnOptions{Isolation: engine.Serializable})
	if _, _, err := r.Get([]byte("k")); err != nil {
		t.Fatal(err)
	}
	w, _ := db.Begin(engine.TxnOptions{})
	w.Put([]byte("k"), []byte("w"))
	if _, err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	r.Put([]byte("other"), []byte("x"))
	if _, err := r.Commit(ctx); pgerror.GetCode(err) != pgcode.SerializationFailure {
		t.Fatalf("serializable read then concurrent write: %v, want 40001", err)
	}
	// Snapshot isolation allows that write skew.
	r2, _ := db.Begin(engine.TxnOptions{})
	r2.Get([]byte("k"))
	w2, _ := db.Begin(engine.TxnOptions{})
	w2.Put([]byte("k"), []byte("w2"))
	w2.Commit(ctx)
	r2.Put([]byte("other"), []byte("y"))
	if _, err := r2.Commit(ctx); err != nil {
		t.Fatalf("snapshot isolation: %v", err)
	}
}

func TestTxnSavepointsAndReadOnly(t *testing.T) {
	db := openDB(t)
	txn, _ := db.Begin(engine.TxnOptions{})
	txn.Put([]byte("a"), []byte("1"))
	sp := txn.Savepoint()
	txn.Put([]byte("a"), []byte("2"))
	txn.Put([]byte("b"), []byte("2"))
	txn.RollbackTo(sp)
	if got := scanTxn(t, txn, kv.Range{}, false); !reflect.DeepEqual(got, []string{"a=1"}) {
		t.Fatalf("after ROLLBACK TO: %v", got)
	}
	ro, _ := db.Begin(engine.TxnOptions{ReadOnly: true})
	if err := ro.Put([]byte("x"), nil); pgerror.GetCode(err) != pgcode.ReadOnlySQLTransaction {
		t.Fatalf("write in a read-only transaction: %v", err)
	}
}

// TestTxnModel runs random transactions (puts, deletes, savepoints,
// commits, rollbacks) and compares every read with a model.
func TestTxnModel(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	db := openDB(t)
	ctx := context.Background()
	keys := []string{"a", "a\x00", "b", "ba", "c", "d\xff"}
	committed := map[string]string{}
	for round := 0; round < 60; round++ {
		txn, _ := db.Begin(engine.TxnOptions{})
		view := map[string]string{}
		for k, v := range committed {
			view[k] = v
		}
		var sps []engine.Savepoint
		var spViews []map[string]string
		for op := 0; op < 12; op++ {
			k := keys[rng.IntN(len(keys))]
			switch rng.IntN(6) {
			case 0, 1:
				v := fmt.Sprintf("r%d.%d", round, op)
				txn.Put([]byte(k), []byte(v))
				view[k] = v
			case 2:
				txn.Delete([]byte(k))
				delete(view, k)
			case 3:
				sps = append(sps, txn.Savepoint())
				snap := map[string]string{}
				for a, b := range view {
					snap[a] = b
				}
				spViews = append(spViews, snap)
			case 4:
				if n := len(sps); n > 0 {
					i := rng.IntN(n)
					txn.RollbackTo(sps[i])
					view = map[string]string{}
					for a, b := range spViews[i] {
						view[a] = b
					}
					sps, spViews = sps[:i+1], spViews[:i+1]
				}
			case 5:
				var want []string
				var ks []string
				for k := range view {
					ks = append(ks, k)
				}
				sort.Strings(ks)
				for _, k := range ks {
					want = append(want, k+"="+view[k])
				}
				if got := scanTxn(t, txn, kv.Range{}, false); !reflect.DeepEqual(got, want) {
					t.Fatalf("round %d: scan %q, model %q", round, got, want)
				}
				v, ok, _ := txn.Get([]byte(k))
				if mv, mok := view[k]; ok != mok || string(v) != mv {
					t.Fatalf("round %d: get %q = %q %v, model %q %v", round, k, v, ok, mv, mok)
				}
			}
		}
		if rng.IntN(3) == 0 {
			txn.Rollback()
			continue
		}
		if _, err := txn.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		committed = view
	}
}
