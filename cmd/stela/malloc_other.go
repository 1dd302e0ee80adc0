//go:build !linux || !cgo

package main

// mallocTuned reports false: the C allocator's tuning (malloc_linux.go)
// is glibc's.
func mallocTuned() bool { return false }
