package main

import (
	"runtime"
	"testing"
)

// TestTuneMallocDefersToTheEnvironment: glibc's own settings in the
// environment win; without them, Linux builds tune the allocator.
func TestTuneMallocDefersToTheEnvironment(t *testing.T) {
	for _, env := range []string{"MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES"} {
		t.Setenv(env, "")
	}
	t.Setenv("MALLOC_ARENA_MAX", "4")
	if tuneMalloc() {
		t.Fatal("tuned malloc although MALLOC_ARENA_MAX is set")
	}
	t.Setenv("MALLOC_ARENA_MAX", "")
	if got, want := tuneMalloc(), runtime.GOOS == "linux"; got != want {
		t.Fatalf("tuneMalloc() = %v on %s, want %v", got, runtime.GOOS, want)
	}
}
