package main

import (
	"os"
	"runtime"
	"testing"
)

// TestRaiseProcs: without GOMAXPROCS in the environment the server runs
// procsPerCPU processors per CPU; with it, the runtime's value stands.
func TestRaiseProcs(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(before)

	t.Setenv("GOMAXPROCS", "") // restored after the test
	os.Unsetenv("GOMAXPROCS")
	if got := raiseProcs(); got != procsPerCPU*before || runtime.GOMAXPROCS(0) != got {
		t.Fatalf("without GOMAXPROCS: raiseProcs() = %d, GOMAXPROCS %d; want %d", got, runtime.GOMAXPROCS(0), procsPerCPU*before)
	}

	runtime.GOMAXPROCS(before)
	t.Setenv("GOMAXPROCS", "1")
	if got := raiseProcs(); got != before || runtime.GOMAXPROCS(0) != before {
		t.Fatalf("with GOMAXPROCS set: raiseProcs() = %d, GOMAXPROCS %d; want %d unchanged", got, runtime.GOMAXPROCS(0), before)
	}
}
