//go:build linux && cgo

package main

// #include <malloc.h>
//
// static int stela_tune_malloc(int arenas, int mmap_threshold) {
// #if defined(M_ARENA_MAX) && defined(M_MMAP_THRESHOLD)
// 	return mallopt(M_ARENA_MAX, arenas) == 1 && mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1;
// #else
// 	return 0;
// #endif
// }
import "C"

import (
	"os"
	"runtime"
)

// mmapThreshold is the size from which C allocations get their own
// mapping, returned to the system when freed.
const mmapThreshold = 128 << 10

// tuneMalloc bounds the C heap that pebble's block cache and memtables
// live in (they are allocated with C's calloc, outside Go's heap), unless
// the environment tunes glibc's allocator itself. It reports whether it
// changed anything.
//
// Why. By default glibc keeps up to 8 arenas per CPU, one per thread that
// allocates at the same time as another, and memory freed in an arena
// stays with it; and its mmap threshold rises to the size of the largest
// mapped block freed, so after the first 32 MiB memtable is freed even
// blocks of megabytes come from the arenas. A scan that churns the block
// cache then leaves hundreds of megabytes resident in arenas for a cache
// of 64 MiB: `count(*)` over 12.7 M rows took the server to 595 MB
// resident, against 331 MB with one arena per CPU and a fixed threshold
// (docs/BENCHMARKS.md, "Resident memory after a full scan").
func tuneMalloc() bool {
	for _, env := range []string{"MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES"} {
		if os.Getenv(env) != "" {
			return false
		}
	}
	return C.stela_tune_malloc(C.int(runtime.NumCPU()), C.int(mmapThreshold)) == 1
}
