package sql

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Database directories. Every database has a store in a directory of its
// own under DataDir/databases/, named when the database is created (a
// form of its name made safe for any filesystem, made unique) and
// recorded in its system record; the name never changes afterwards.
// Dropped databases are moved to DataDir/dropped/, never erased here.
//
// The invariant start-up restores: every directory under databases/ is
// named by exactly one system record. The steps of CREATE and DROP
// DATABASE are ordered so that a crash between any two leaves at worst a
// directory that no record names (databases.go); repairDirs moves such a
// directory aside as a dropped one. The opposite state, a record whose
// directory is missing, is never produced by a crash (the directory is
// made and synced before its record is committed, and moved only after
// its record is deleted); if it is found anyway (files deleted by hand)
// the database is not served, rather than recreated empty.

const (
	databasesDir = "databases"
	droppedDir   = "dropped"
)

// dirBase is a directory name for a database: lower-case ASCII letters,
// digits and '_' kept, anything else ('/', '.', quotes, non-ASCII)
// replaced by '_', so that no name can point outside databases/ or mean
// different things on case-insensitive filesystems.
func dirBase(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
		if b.Len() >= 48 {
			break
		}
	}
	if b.Len() == 0 {
		return "db"
	}
	return b.String()
}

// newDir picks the directory of a new database, relative to the data
// directory: databases/<base>, or databases/<base>-<n> when that is taken
// on disk or by a record.
func (e *Engine) newDir(name string) (string, error) {
	recs, err := e.sys.Databases()
	if err != nil {
		return "", err
	}
	used := map[string]bool{}
	for _, d := range recs {
		used[filepath.Clean(d.Dir)] = true
	}
	base := dirBase(name)
	for n := 1; ; n++ {
		rel := filepath.Join(databasesDir, base)
		if n > 1 {
			rel += "-" + strconv.Itoa(n)
		}
		if used[rel] {
			continue
		}
		if _, err := e.fs.Stat(filepath.Join(e.cfg.DataDir, rel)); errors.Is(err, os.ErrNotExist) {
			return rel, nil
		} else if err != nil {
			return "", err
		}
	}
}

// syncDir makes the entries of a directory (files created, renamed in or
// out) durable.
func (e *Engine) syncDir(dir string) error {
	f, err := e.fs.OpenDir(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// moveAside moves a database directory (relative to the data directory)
// to dropped/<base>-<UTC time>, syncing both parents, and returns the new
// path. The store in it must be closed.
func (e *Engine) moveAside(rel string) (string, error) {
	dropped := filepath.Join(e.cfg.DataDir, droppedDir)
	if err := e.fs.MkdirAll(dropped, 0o755); err != nil {
		return "", err
	}
	if err := e.syncDir(e.cfg.DataDir); err != nil {
		return "", err
	}
	stamp := time.Now().UTC().Format("20060102T150405.000000000Z")
	dst := filepath.Join(dropped, filepath.Base(rel)+"-"+stamp)
	for n := 2; ; n++ {
		if _, err := e.fs.Stat(dst); errors.Is(err, os.ErrNotExist) {
			break
		}
		dst = filepath.Join(dropped, filepath.Base(rel)+"-"+stamp+"-"+strconv.Itoa(n))
	}
	src := filepath.Join(e.cfg.DataDir, rel)
	if err := e.fs.Rename(src, dst); err != nil {
		return "", fmt.Errorf("move %s aside: %w", src, err)
	}
	if err := e.syncDir(dropped); err != nil {
		return "", err
	}
	return dst, e.syncDir(filepath.Dir(src))
}

// repairDirs moves aside every directory under databases/ that no system
// record names: what a crash left of a CREATE DATABASE before its record
// was committed, or of a DROP DATABASE after its record was deleted.
func (e *Engine) repairDirs() error {
	root := filepath.Join(e.cfg.DataDir, databasesDir)
	names, err := e.fs.List(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	recs, err := e.sys.Databases()
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for _, d := range recs {
		used[filepath.Clean(d.Dir)] = true
	}
	for _, n := range names {
		rel := filepath.Join(databasesDir, n)
		if used[rel] {
			continue
		}
		dst, err := e.moveAside(rel)
		if err != nil {
			return fmt.Errorf("repair: %w", err)
		}
		e.log.Warn().Str("dir", rel).Str("moved_to", dst).Msg("database directory without a system record moved aside (interrupted CREATE or DROP DATABASE)")
	}
	return nil
}
