package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/rs/zerolog"
)

// pidfile is the --pidfile. Format: the process id in decimal and a
// newline. It is written once the listeners are up (so its presence means
// "serving") and removed at shutdown.
type pidfile struct {
	path    string
	written bool
}

// claimPidfile checks path before start: a file naming a live process
// other than this one stops start-up; a stale one (dead process, or not a
// pid at all) is replaced later, with a warning now.
func claimPidfile(path string, log zerolog.Logger) (*pidfile, error) {
	p := &pidfile{path: path}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pidfile: %w; fix its permissions or choose another --pidfile", err)
	}
	pid, perr := strconv.Atoi(string(bytes.TrimSpace(b)))
	if perr == nil && pid > 0 && pid != os.Getpid() && processAlive(pid) {
		return nil, fmt.Errorf("pidfile %s names process %d, which is running: stop it first, or remove the file if that process is not stela", path, pid)
	}
	log.Warn().Str("pidfile", path).Str("content", string(bytes.TrimSpace(b))).Msg("replacing stale pidfile")
	return p, nil
}

// processAlive reports whether pid exists: signal 0 checks without
// sending; EPERM means it exists under another user.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// write puts this process's pid in the file, atomically (a reader never
// sees it half written).
func (p *pidfile) write() error {
	tmp, err := os.CreateTemp(filepath.Dir(p.path), ".stela-pid-*")
	if err != nil {
		return fmt.Errorf("pidfile: %w; choose another --pidfile", err)
	}
	defer os.Remove(tmp.Name())
	_, err = fmt.Fprintf(tmp, "%d\n", os.Getpid())
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p.path)
	}
	if err != nil {
		return fmt.Errorf("pidfile: %w", err)
	}
	p.written = true
	return nil
}

// remove deletes the file if it still names this process.
func (p *pidfile) remove() {
	if !p.written {
		return
	}
	b, err := os.ReadFile(p.path)
	if err == nil && string(bytes.TrimSpace(b)) == strconv.Itoa(os.Getpid()) {
		os.Remove(p.path)
	}
}
