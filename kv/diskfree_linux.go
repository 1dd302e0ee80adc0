//go:build linux

package kv

import (
	"github.com/cockroachdb/pebble/v2/vfs"
	"golang.org/x/sys/unix"
)

// openFreeSpaceProbe keeps a descriptor of dir open when it is on the
// default filesystem: statfs by path resolves the path and allocates its
// C string on every commit group, fstatfs does neither. Other filesystems
// (the tests' fault-injecting ones) are asked by path.
func openFreeSpaceProbe(fs vfs.FS, dir string) freeSpaceProbe {
	p := freeSpaceProbe{fs: fs, path: dir}
	if fs != vfs.Default {
		return p
	}
	if fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0); err == nil {
		p.fd, p.hasFD = fd, true
	}
	return p
}

// close closes the kept descriptor.
func (p *freeSpaceProbe) close() {
	if p.hasFD {
		_ = unix.Close(p.fd)
		p.hasFD = false
	}
}

// fdAvailBytes returns the bytes available to unprivileged writes on the
// filesystem of fd (Bavail is counted in Frsize units on Linux, as df
// does).
func fdAvailBytes(fd int) (uint64, error) {
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil {
		return 0, err
	}
	return uint64(st.Frsize) * st.Bavail, nil
}
