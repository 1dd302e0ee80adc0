package kv

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/stela-db/stela/kv/clog"
)

// Side files: small files that the layers above keep in the store's
// directory, outside the verifiable log, for state that is advisory and
// can be rebuilt (ANALYZE's statistics). They are not transactions: no
// proof covers them, backups do not carry them, and a crash may lose the
// latest write. A write never leaves a torn file: it goes to a
// ".partial" file first, which a rename then puts in place. Their names
// start with "side-", which no file of pebble's or the commit log's
// does.
const sideFilePrefix = "side-"

// WriteSideFile replaces side file name (see sideFilePrefix) with data.
func (s *Store) WriteSideFile(name string, data []byte) error {
	if err := checkSideName(name); err != nil {
		return err
	}
	if s.opts.ReadOnly {
		return fmt.Errorf("%w: side file %s", ErrReadOnly, name)
	}
	// The commits' reserve of free space holds for side files too.
	if err := s.checkFreeSpace(len(data)); err != nil {
		return err
	}
	fs := s.opts.FS
	path := fs.PathJoin(s.dir, name)
	f, err := fs.Create(path+".partial", vfs.WriteCategoryUnspecified)
	if err != nil {
		return fmt.Errorf("%w: side file %s: %w", ErrIO, name, err)
	}
	_, werr := f.Write(data)
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("%w: side file %s: %w", ErrIO, name, err)
	}
	if err := fs.Rename(path+".partial", path); err != nil {
		return fmt.Errorf("%w: side file %s: %w", ErrIO, name, err)
	}
	if err := clog.SyncDir(fs, s.dir); err != nil {
		return fmt.Errorf("%w: side file %s: %w", ErrIO, name, err)
	}
	return nil
}

// ReadSideFile returns the contents of side file name; the error wraps
// os.ErrNotExist when there is none.
func (s *Store) ReadSideFile(name string) ([]byte, error) {
	if err := checkSideName(name); err != nil {
		return nil, err
	}
	f, err := s.opts.FS.Open(s.opts.FS.PathJoin(s.dir, name))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("kv: side file %s: %w", name, os.ErrNotExist)
		}
		return nil, fmt.Errorf("kv: side file %s: %w", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("kv: side file %s: %w", name, err)
	}
	return b, nil
}

// RemoveSideFile removes side file name; one that does not exist is
// not an error.
func (s *Store) RemoveSideFile(name string) error {
	if err := checkSideName(name); err != nil {
		return err
	}
	if s.opts.ReadOnly {
		return fmt.Errorf("%w: side file %s", ErrReadOnly, name)
	}
	fs := s.opts.FS
	err := fs.Remove(fs.PathJoin(s.dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err == nil {
		err = clog.SyncDir(fs, s.dir)
	}
	if err != nil {
		return fmt.Errorf("%w: side file %s: %w", ErrIO, name, err)
	}
	return nil
}

// RenameSideFile gives side file from the name to, replacing any file
// to; it reports false, and does nothing, when there is no file from.
func (s *Store) RenameSideFile(from, to string) (bool, error) {
	if err := errors.Join(checkSideName(from), checkSideName(to)); err != nil {
		return false, err
	}
	if s.opts.ReadOnly {
		return false, fmt.Errorf("%w: side file %s", ErrReadOnly, from)
	}
	fs := s.opts.FS
	err := fs.Rename(fs.PathJoin(s.dir, from), fs.PathJoin(s.dir, to))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err == nil {
		err = clog.SyncDir(fs, s.dir)
	}
	if err != nil {
		return false, fmt.Errorf("%w: side file %s: %w", ErrIO, from, err)
	}
	return true, nil
}

func checkSideName(name string) error {
	if !strings.HasPrefix(name, sideFilePrefix) || strings.ContainsAny(name, `/\`) || strings.HasSuffix(name, ".partial") {
		return fmt.Errorf("kv: %q is not a side file name", name)
	}
	return nil
}
