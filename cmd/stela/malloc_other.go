//go:build !linux || !cgo

package main

// tuneMalloc leaves the C allocator as it is: its tuning (malloc_linux.go)
// is glibc's.
func tuneMalloc() bool { return false }
