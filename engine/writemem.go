package engine

import (
	"fmt"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// A transaction's writes stay in memory until it commits, and the commit
// needs more copies of them at once: the list handed to kv, kv's
// encodings of the entry list and of every version (key and record), the
// leaf hashes, the pebble batch that holds it all, and the map of keys
// pending durability. Counting only the buffered keys and values, as this
// package once did, bounded a DELETE of 2.4 million rows at 40 MB while it
// peaked at 1.5 GB of live heap: a large enough one could take the
// process's memory.
//
// So a write is charged what it costs at the commit's peak, measured
// (docs/BENCHMARKS.md, "Memory of a large transaction"): a fixed part for
// the per-write structures, and a multiple of the key's and of the
// value's bytes for the copies of each. With store format 4 (entry lists
// in parts), a delete of a 16-byte key peaked at 280 bytes of live heap,
// and an insert or update of a 115-byte row at 496; these charge 324 and
// 554.
const (
	writeMemFixed    = 260
	writeMemPerKey   = 4
	writeMemPerValue = 2
)

// charge returns what w counts against the transaction's write memory
// (TxnOptions.MaxWriteMemory) and against the store's limit on a
// transaction's size (kv.TxBytes).
func (w write) charge() (memory, txBytes int64) {
	memory = writeMemFixed + writeMemPerKey*int64(len(w.key)) + writeMemPerValue*int64(len(w.value))
	return memory, kv.TxBytes(&kv.Write{Key: w.key, Value: w.value, Delete: w.del})
}

// DefaultMaxWriteMemory bounds a transaction's writes, as write.charge
// charges them, when TxnOptions.MaxWriteMemory is 0 (2 GiB).
const DefaultMaxWriteMemory = 2 << 30

// errWriteMemory is the error of a transaction past its write memory.
func errWriteMemory(limit int64) error {
	return pgerror.New(pgcode.OutOfMemory, "out of memory").
		WithDetail(fmt.Sprintf("The transaction's writes need more than stela.txn_mem (%d bytes) of memory to commit.", limit)).
		WithHint("Split the work into smaller transactions, or raise stela.txn_mem.")
}
