package kv

import (
	"fmt"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// checkFreeSpace fails with ErrDiskFull when writing about n more bytes
// would leave less than the configured reserve. The committer runs it
// before every group.
func (s *Store) checkFreeSpace(n int) error {
	if s.opts.MinFreeBytes < 0 {
		return nil
	}
	avail, err := s.free.availBytes()
	if err != nil {
		// Not every filesystem reports usage; don't block commits on it.
		return nil
	}
	need := uint64(s.opts.MinFreeBytes) + 2*uint64(n)
	if avail < need {
		return fmt.Errorf("%w: %d bytes free on the disk of %s; a commit needs %d (reserve %d)",
			ErrDiskFull, avail, s.dir, need, s.opts.MinFreeBytes)
	}
	return nil
}

// freeSpaceProbe reads the free space of a store's disk: through a
// descriptor of its directory kept open where the platform allows it
// (diskfree_linux.go), otherwise by path through the store's filesystem.
type freeSpaceProbe struct {
	fs    vfs.FS
	path  string
	fd    int
	hasFD bool // false: ask fs by path (the zero value does)
}

// availBytes returns the bytes available to the store's writes.
func (p *freeSpaceProbe) availBytes() (uint64, error) {
	if p.hasFD {
		return fdAvailBytes(p.fd)
	}
	du, err := p.fs.GetDiskUsage(p.path)
	return du.AvailBytes, err
}
