package sql

import (
	"fmt"
	"math"
	"runtime/debug"
	"sync"

	"github.com/stela-db/stela/engine"
)

// A transaction's writes stay in memory until it commits (engine's
// writemem.go charges each what it costs at the commit's peak). The
// session's stela.txn_mem bounds them: past it a write fails with 53200
// and the transaction is aborted, where an unbounded one could take the
// server's memory. The default is a quarter of the process's memory limit
// (the server sets that to half the machine's or cgroup's memory), at
// least engine.DefaultMaxWriteMemory. A change applies at once, to the
// open transaction too.
func init() {
	register(&setting{name: "stela.txn_mem", def: func(*Session) string { return defaultTxnMem() }, check: checkMemory,
		desc: "Sets the memory one transaction's writes may need to commit."})
}

// defaultTxnMem is stela.txn_mem's default, in megabytes.
var defaultTxnMem = sync.OnceValue(func() string {
	n := int64(engine.DefaultMaxWriteMemory)
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 && limit/4 > n {
		n = limit / 4
	}
	return fmt.Sprintf("%dMB", n>>20)
})

// txnMemory returns stela.txn_mem in bytes.
func (s *Session) txnMemory() int64 {
	if s.txnMem == 0 {
		s.txnMem = s.memorySetting("stela.txn_mem", engine.DefaultMaxWriteMemory)
	}
	return s.txnMem
}
