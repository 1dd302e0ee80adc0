//go:build unix

package client

import (
	"os"
	"syscall"
)

// lockState takes an exclusive lock on path+".lock" (made with mode 0600)
// so that two processes never interleave a read and a replace of the
// state; the returned function releases it.
func lockState(path string) (func(), error) {
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
