package engine

import "testing"

// Statement reads see the live writes until the next write, which
// freezes them only for the Reads still in use; a released Reads costs
// the write no freeze.
func TestStatementReadsFreezeWhenInUse(t *testing.T) {
	txn := &Txn{writes: newWriteSet()}
	put := func(k string) {
		txn.freezeReads() // as Txn.buffer does first
		txn.writes.set(write{key: []byte(k), value: []byte("v")})
	}
	sees := func(r Reads, k string) bool {
		_, ok := r.writes().get([]byte(k))
		return ok
	}
	put("a")

	done := txn.StatementReads()
	if !sees(done, "a") {
		t.Fatal("a Reads does not see the writes made before it")
	}
	done.Release()
	put("b")
	if done.view.frozen {
		t.Fatal("a write froze the view of a released Reads")
	}

	used := txn.StatementReads()
	other := txn.StatementReads() // the same statement group, released early
	other.Release()
	put("c")
	if !used.view.frozen || !sees(used, "b") || sees(used, "c") {
		t.Fatalf("a Reads in use: frozen %v, sees b %v, sees c %v; want true, true, false",
			used.view.frozen, sees(used, "b"), sees(used, "c"))
	}
	used.Release() // after the freeze: nothing to undo

	later := txn.StatementReads()
	if later.view == used.view || !sees(later, "c") {
		t.Fatal("a Reads taken after a write shares the frozen view or misses the write")
	}
}
