package memguard

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// Check answers over only past the ceiling, and counts each refusal.
func TestCheck(t *testing.T) {
	runtime.GC() // the live heap is 0 until the first collection
	prev := SetCeiling(1 << 62)
	defer SetCeiling(prev)
	before := Refusals()
	if over, live, ceiling := Check(0); over || live <= 0 || ceiling != 1<<62 {
		t.Fatalf("Check(0) = %v, %d, %d under a ceiling of 1<<62", over, live, ceiling)
	}
	SetCeiling(1)
	if over, live, _ := Check(0); !over || live <= 1 {
		t.Fatalf("Check(0) = %v, %d under a ceiling of 1 byte", over, live)
	}
	if got := Refusals() - before; got != 1 {
		t.Fatalf("%d refusals counted, want 1", got)
	}
}

// Without an override or a memory limit there is no ceiling.
func TestNoCeilingWithoutLimit(t *testing.T) {
	prev := SetCeiling(0)
	defer SetCeiling(prev)
	if over, _, ceiling := Check(0); over || ceiling != 0 {
		t.Fatalf("Check(0) = %v with ceiling %d; the test binary has no memory limit", over, ceiling)
	}
}

// What a refused budget held stops counting until the next collection,
// so that the budgets growing after a refusal are not all refused too.
func TestRefusedMemoryCountsAsFreed(t *testing.T) {
	prev := SetCeiling(1 << 62)
	defer SetCeiling(prev)
	runtime.GC()
	_, live, _ := Check(0)
	SetCeiling(live / 2)
	mu.Lock()
	lastGC = time.Now() // no forced collection: the live figure stays
	mu.Unlock()
	if over, _, _ := Check(live / 4 * 3); !over {
		t.Fatal("not over a ceiling of half the live heap")
	}
	if over, got, _ := Check(0); over || got != live-live/4*3 {
		t.Fatalf("after refusing 3/4 of the live heap: over %v, live %d; want not over, %d", over, got, live-live/4*3)
	}
}

// Memory taken since the last collection counts: with the collector off,
// the live heap it last measured stays under the ceiling while the heap
// grows past it, and Check collects to see that.
func TestGrowthSinceCollectionCounts(t *testing.T) {
	prev := SetCeiling(1 << 62)
	defer SetCeiling(prev)
	runtime.GC()
	_, live, _ := Check(0)
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	SetCeiling(live + 16<<20)
	mu.Lock()
	lastGC = time.Time{}
	mu.Unlock()
	held := make([][]byte, 0, 48)
	for range 48 {
		held = append(held, make([]byte, 1<<20))
	}
	if over, got, _ := Check(0); !over || got <= live+16<<20 {
		t.Fatalf("48 MiB past the last collection's %d: over %v, live %d; want over", live, over, got)
	}
	runtime.KeepAlive(held)
}
