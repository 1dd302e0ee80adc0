package engine_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/internal/memguard"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// writeUntil buffers puts of 100-byte values until one fails, and returns
// how many succeeded and the error.
func writeUntil(t *testing.T, txn *engine.Txn, max int) (int, error) {
	t.Helper()
	value := make([]byte, 100)
	for i := range max {
		if err := txn.Put([]byte(fmt.Sprintf("k%07d", i)), value); err != nil {
			return i, err
		}
	}
	return max, nil
}

func code(err error) string {
	var e *pgerror.Error
	if errors.As(err, &e) {
		return string(e.Code)
	}
	return ""
}

// A transaction past its write memory fails at the write, with 53200,
// and a savepoint's rollback gives back what it charged.
func TestWriteMemoryBound(t *testing.T) {
	db := openDB(t)
	txn, err := db.Begin(engine.TxnOptions{MaxWriteMemory: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	n, err := writeUntil(t, txn, 100_000)
	// Each write is charged about 260 bytes plus 4 a key byte and 2 a
	// value byte: 1 MB holds about 2,100 of them, not the 9,000 their
	// keys and values alone would fit.
	if code(err) != string(pgcode.OutOfMemory) || n < 1000 || n > 2500 {
		t.Fatalf("failed after %d writes with %v, want 53200 after 1,000-2,500", n, err)
	}
	txn.Rollback()

	txn, _ = db.Begin(engine.TxnOptions{MaxWriteMemory: 1 << 20})
	if _, err := writeUntil(t, txn, 500); err != nil {
		t.Fatal(err)
	}
	sp := txn.Savepoint()
	if _, err := writeUntil(t, txn, 1000); err != nil {
		t.Fatal(err)
	}
	txn.RollbackTo(sp)
	// Rewriting the same keys charges nothing more.
	if _, err := writeUntil(t, txn, 500); err != nil {
		t.Fatal(err)
	}
	txn.SetMaxWriteMemory(64 << 20)
	if _, err := writeUntil(t, txn, 5000); err != nil {
		t.Fatalf("after raising the bound: %v", err)
	}
	if _, err := txn.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// The store's own limits are checked as the writes come, not only at the
// commit.
func TestWriteStoreLimits(t *testing.T) {
	l := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	s, err := kv.Open(t.TempDir(), kv.Options{MinFreeBytes: -1, Logger: &l, MaxTxBytes: 100_000, MaxTxEntries: 2000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := engine.NewDB(s)
	for _, c := range []struct {
		name     string
		valueLen int
		atMost   int
	}{
		// About 200 bytes a write against 100,000.
		{"bytes", 100, 600},
		{"entries", 0, 2000},
	} {
		txn, _ := db.Begin(engine.TxnOptions{})
		value := make([]byte, c.valueLen)
		n := 0
		for ; n < 10_000; n++ {
			if err = txn.Put([]byte(fmt.Sprintf("k%07d", n)), value); err != nil {
				break
			}
		}
		if code(err) != string(pgcode.ProgramLimitExceeded) || n > c.atMost || n < c.atMost/2 || !errors.Is(err, kv.ErrTooLarge) {
			t.Fatalf("%s: failed after %d writes with %v, want 54000 after at most %d", c.name, n, err, c.atMost)
		}
		txn.Rollback()
	}
}

// With the server's memory past its ceiling, a transaction well within
// its own write memory fails with 53200 once its writes have grown by
// memguard.Step, and not before.
func TestWriteMemoryServerCeiling(t *testing.T) {
	db := openDB(t)
	runtime.GC()                   // the live heap is 0 until the first collection
	prev := memguard.SetCeiling(1) // any live heap is past it
	defer memguard.SetCeiling(prev)
	txn, err := db.Begin(engine.TxnOptions{MaxWriteMemory: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Rollback()
	n, err := writeUntil(t, txn, 1_000_000)
	// A write of a 8-byte key and a 100-byte value is charged 492 bytes:
	// 8 MiB is about 17,000 of them.
	if code(err) != string(pgcode.OutOfMemory) || n < 15_000 || n > 18_000 {
		t.Fatalf("failed after %d writes with %v, want 53200 after 15,000-18,000", n, err)
	}
}
