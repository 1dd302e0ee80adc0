//go:build linux && cgo

package main

// #include <malloc.h>
// #include <stdlib.h>
// #include <unistd.h>
//
// // One arena per this many CPUs, and the size from which an allocation
// // gets its own mapping, returned to the system when freed.
// #define STELA_CPUS_PER_ARENA 4
// #define STELA_MMAP_THRESHOLD (128 << 10)
//
// static int stela_malloc_tuned;
//
// // Runs when the program is loaded, before the Go runtime starts any
// // thread: glibc creates an arena for a thread that allocates while
// // another does, and M_ARENA_MAX only stops new ones from being made.
// __attribute__((constructor)) static void stela_tune_malloc(void) {
// #if defined(M_ARENA_MAX) && defined(M_MMAP_THRESHOLD)
// 	if (getenv("MALLOC_ARENA_MAX") || getenv("MALLOC_MMAP_THRESHOLD_") || getenv("GLIBC_TUNABLES")) {
// 		return;
// 	}
// 	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
// 	int arenas = cpus > 0 ? (int)((cpus + STELA_CPUS_PER_ARENA - 1) / STELA_CPUS_PER_ARENA) : 1;
// 	stela_malloc_tuned = mallopt(M_ARENA_MAX, arenas) == 1 && mallopt(M_MMAP_THRESHOLD, STELA_MMAP_THRESHOLD) == 1;
// #endif
// }
//
// static int stela_malloc_was_tuned(void) { return stela_malloc_tuned; }
import "C"

// mallocTuned reports whether glibc's allocator was tuned when the
// program was loaded (the constructor above), which it is unless the
// environment tunes it itself (MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_
// or GLIBC_TUNABLES).
//
// What and why. Pebble's block cache and memtables are allocated with C's
// calloc, outside Go's heap. By default glibc keeps up to 8 arenas per
// CPU, one for each thread that allocates while another does, and memory
// freed in an arena stays with it; and its mmap threshold rises to the
// size of the largest mapped block freed, so after the first 32 MiB
// memtable is freed even blocks of megabytes come from the arenas. A scan
// that churns the block cache then leaves hundreds of megabytes resident
// in arenas for a cache of 64 MiB. The loader's constructor sets one arena
// per 4 CPUs and a fixed 128 KiB threshold. `count(*)` over 10 M rows
// right after loading them (docs/BENCHMARKS.md, "Resident memory after a
// full scan"): 513-599 MB peak resident by default, 319-361 MB in five
// runs with these settings, at the same COPY speed. Set after start-up
// instead, they left 336-544 MB: arenas made before stay in use.
func mallocTuned() bool { return C.stela_malloc_was_tuned() == 1 }
