//go:build !linux

package kv

import "github.com/cockroachdb/pebble/v2/vfs"

// openFreeSpaceProbe asks the filesystem by path on this platform.
func openFreeSpaceProbe(fs vfs.FS, dir string) freeSpaceProbe {
	return freeSpaceProbe{fs: fs, path: dir}
}

func (p *freeSpaceProbe) close() {}

func fdAvailBytes(int) (uint64, error) { panic("kv: no descriptor probe on this platform") }
