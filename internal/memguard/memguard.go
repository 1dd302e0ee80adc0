// Package memguard keeps the statements and transactions of all sessions
// together from taking more memory than the server process has.
//
// Each statement has its own budget (stela.query_mem) and each
// transaction its own (stela.txn_mem), but nothing bounded their sum: a
// few dozen sessions each sorting under its budget could need more memory
// than the machine has, and the kernel would kill the process. So budgets
// ask this package each time they grow by Step: once the live heap (as
// the last garbage collection measured it) is past Ceiling, the growing
// statement or transaction fails with 53200 and frees what it held, while
// small statements, which never grow by a Step, go on.
//
// Why the live heap and not a shared count of every budget's bytes: the
// heap counts everything (what budgets estimate and what they miss: plan
// caches, cursors, pebble's Go-side buffers), and nothing has to be given
// back at the end of a statement, so no forgotten release can leak the
// server's memory away. The figure can be stale by one collection, and
// a statement that makes little garbage can grow far between two, so
// Check also reads the heap's objects, garbage included: when either
// figure is past the ceiling it forces a collection, at most once a
// second, and answers from the live heap it measured.
package memguard

import (
	"math"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// Step is how much a budget grows between two checks: small enough that
// a statement cannot overshoot by much, large enough that a check (a
// read of the runtime's metrics) costs nothing measurable per row.
const Step = 8 << 20

// ceilingShare is Ceiling's part of the process's soft memory limit, in
// tenths: the rest is room for what is not live yet and for the
// collector's own work.
const ceilingShare = 9

// override replaces the ceiling derived from the memory limit when not
// zero (SetCeiling).
var override atomic.Int64

// SetCeiling sets the ceiling to n bytes (0: derived from the process's
// memory limit again) and returns the previous override. For tests and
// for servers embedded in other programs.
func SetCeiling(n int64) int64 { return override.Swap(n) }

var (
	mu      sync.Mutex
	samples = []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/gomemlimit:bytes"}, {Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/memory/classes/heap/objects:bytes"}}
	// freed is what the statements and transactions refused since
	// collection cycle held: memory the live heap still counts, though
	// it is garbage now. Without it, every budget growing after a
	// refusal would be refused too, until the next collection: six
	// sessions sorting at once all failed where one could finish.
	freed      int64
	freedCycle uint64
	lastGC     time.Time // when Check last forced a collection
	refusals   atomic.Int64
)

// Refusals is how many times Check has answered over since the process
// started: the statements and transactions failed for the server's
// memory, for the metrics.
func Refusals() int64 { return refusals.Load() }

// read returns the live heap at the last collection and the heap's
// objects now (live or not), each less what refused budgets freed since,
// and the ceiling (0: none, when the process has no memory limit and no
// override). mu is held.
func read() (live, objects, ceiling int64) {
	metrics.Read(samples)
	live = int64(samples[0].Value.Uint64())
	limit := samples[1].Value.Uint64()
	if cycle := samples[2].Value.Uint64(); cycle != freedCycle {
		freed, freedCycle = 0, cycle
	}
	objects = max(int64(samples[3].Value.Uint64())-freed, 0)
	live = max(live-freed, 0)
	if n := override.Load(); n > 0 {
		return live, objects, n
	}
	if limit == 0 || limit >= math.MaxInt64 {
		return live, objects, 0
	}
	return live, objects, int64(limit) / 10 * ceilingShare
}

// Check reports whether the process's live heap is past its ceiling,
// with both figures in bytes, for a budget that holds held bytes and
// wants more. When the live heap or the heap's objects are past it, it
// first collects garbage, unless it did so less than a second ago: so
// that memory freed since the last collection does not count, and memory
// taken since does. When it answers over, the caller must fail and free
// its budget: its held bytes no longer count.
func Check(held int64) (over bool, live, ceiling int64) {
	mu.Lock()
	defer mu.Unlock()
	live, objects, ceiling := read()
	if ceiling == 0 || (live <= ceiling && objects <= ceiling) {
		return false, live, ceiling
	}
	if now := time.Now(); now.Sub(lastGC) > time.Second {
		lastGC = now
		runtime.GC()
		live, _, ceiling = read()
	}
	over = ceiling > 0 && live > ceiling
	if over {
		refusals.Add(1)
		freed += held
	}
	return over, live, ceiling
}
