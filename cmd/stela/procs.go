package main

import (
	"os"
	"runtime"
)

// procsPerCPU is how many Go processors (GOMAXPROCS) the server runs per
// CPU it may use, unless the GOMAXPROCS environment variable says
// otherwise.
//
// The server's goroutines block in system calls that take a while:
// fdatasync of the WAL on every commit group (100-200 µs), pebble's file
// writes in flushes and compactions, socket writes that do the receiving
// side's work on loopback. A goroutine in a system call keeps its
// processor until the runtime's monitor takes it back (after 20 µs at
// best, much later once the monitor has backed off), and the goroutine
// coming out of one waits for a free processor. With one processor per
// CPU the other goroutines, the commit pipeline's among them, wait behind
// it; with two, the kernel shares the CPUs among threads that are all
// doing work. Measured on 2 CPUs, 4 rounds each, 2 against 4 processors
// (docs/BENCHMARKS.md): 64-connection INSERT 28.9k -> 33.0k tx/s with p99
// 7.2-7.6 -> 5.2-6.6 ms, 1-connection INSERT +7%, 8-connection point
// select +6%, COPY unchanged.
const procsPerCPU = 2

// raiseProcs sets GOMAXPROCS to procsPerCPU times the runtime's default
// (the CPUs the process may use, cgroup limits included), unless the
// environment sets GOMAXPROCS; it returns the value in effect.
func raiseProcs() int {
	if os.Getenv("GOMAXPROCS") != "" {
		return runtime.GOMAXPROCS(0)
	}
	n := procsPerCPU * runtime.GOMAXPROCS(0)
	runtime.GOMAXPROCS(n)
	return n
}
