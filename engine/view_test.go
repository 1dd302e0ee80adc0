package engine_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// A frozen view sees the transaction's writes made before it and none
// made after, and refuses writes.
func TestFrozenViewSeesWritesUpToIt(t *testing.T) {
	db := openDB(t)
	txn, _ := db.Begin(engine.TxnOptions{})
	txn.Put([]byte("a"), []byte("1"))
	view := txn.Frozen()
	txn.Put([]byte("b"), []byte("2"))
	txn.Put([]byte("a"), []byte("9"))
	if got := scanTxn(t, view, kv.Range{}, false); !reflect.DeepEqual(got, []string{"a=1"}) {
		t.Fatalf("view scan: %v", got)
	}
	if _, ok, _ := view.Get([]byte("b")); ok {
		t.Fatal("view sees a later write")
	}
	if got := scanTxn(t, txn, kv.Range{}, false); !reflect.DeepEqual(got, []string{"a=9", "b=2"}) {
		t.Fatalf("txn scan: %v", got)
	}
	if err := view.Put([]byte("c"), nil); !pgerror.HasCode(err, pgcode.ReadOnlySQLTransaction) {
		t.Fatalf("write through a view: %v", err)
	}
}

// The reads of a view of a SERIALIZABLE transaction count as the
// transaction's: a concurrent write to what the view read fails the
// commit with 40001.
func TestFrozenViewReadsCountForSerializable(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	txn, _ := db.Begin(engine.TxnOptions{Isolation: engine.Serializable})
	txn.Put([]byte("x"), []byte("1"))
	scanTxn(t, txn.Frozen(), kv.Range{Start: []byte("a"), End: []byte("b")}, false)
	other, _ := db.Begin(engine.TxnOptions{})
	other.Put([]byte("a1"), []byte("1"))
	if _, err := other.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := txn.Commit(ctx); !pgerror.HasCode(err, pgcode.SerializationFailure) {
		t.Fatalf("commit: %v, want 40001", err)
	}
}
