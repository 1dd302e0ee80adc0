package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/checkpoint"
	"github.com/stela-db/stela/kv/merkle"
)

// RestoreOptions tune Restore.
type RestoreOptions struct {
	// PublicKey is the PEM public key every checkpoint of the backup must
	// be signed with (its key name is each log's origin, as the server
	// signs). Without it signatures are not checked: the logs are still
	// checked against the checkpoints the file carries.
	PublicKey []byte
}

// RestoreReport describes a restore that succeeded.
type RestoreReport struct {
	Logs []LogSummary
	// Incremental is set when the backup was appended to stores restored
	// earlier.
	Incremental bool
	// SignaturesChecked is set when every checkpoint was verified
	// against RestoreOptions.PublicKey.
	SignaturesChecked bool
}

// RefusedError is a backup that does not verify. TxID is the first bad
// transaction of Log (0 when the problem is not one transaction: the
// checkpoint, the file's end). It wraps ErrRefused.
type RefusedError struct {
	Log  string
	TxID uint64
	Err  error
}

// ErrRefused marks every *RefusedError.
var ErrRefused = errors.New("backup refused")

func (e *RefusedError) Error() string {
	switch {
	case e.Log == "":
		return fmt.Sprintf("%v: %v", ErrRefused, e.Err)
	case e.TxID == 0:
		return fmt.Sprintf("%v: %s: %v", ErrRefused, e.Log, e.Err)
	}
	return fmt.Sprintf("%v: %s: first bad transaction: tx %d: %v", ErrRefused, e.Log, e.TxID, e.Err)
}

func (e *RefusedError) Unwrap() []error { return []error{ErrRefused, e.Err} }

// tmpDir is where a full restore builds the stores, inside the data
// directory so that the final renames stay on one filesystem.
const tmpDir = ".restore-tmp"

// appender is what a pass does with a log's records: check them
// (kv.ImportCheck) or check and write them (kv.Importer).
type appender interface {
	add(rec []byte) error
	Size() uint64
	Root() merkle.Hash
	close() error
}

type checkOnly struct{ *kv.ImportCheck }

func (c checkOnly) add(rec []byte) error { return c.Add(rec) }
func (c checkOnly) close() error         { return nil }

type writer struct{ *kv.Importer }

func (w writer) add(rec []byte) error { return w.Append(rec) }
func (w writer) close() error         { return w.Close() }

// Restore verifies the backup in file in and restores it into the data
// directory dataDir, which must be new or empty for a full backup, and
// hold the stores restored earlier for an incremental one. The server
// must not be running on dataDir. A backup that does not verify gives a
// *RefusedError and changes nothing.
func Restore(ctx context.Context, in, dataDir string, opts RestoreOptions) (rep RestoreReport, err error) {
	rep.SignaturesChecked = opts.PublicKey != nil
	if opts.PublicKey != nil {
		if _, err := checkpoint.ParseVerifierPEM("stela.local/key-check", opts.PublicKey); err != nil {
			return rep, fmt.Errorf("--public-key: %w", err)
		}
	}
	fresh, err := isNewOrEmpty(dataDir)
	if err != nil {
		return rep, err
	}
	// Pass 1: check everything, write nothing.
	var full, incremental bool
	var logs []logInfo
	_, err = walk(ctx, in, opts, func(l *logInfo) (appender, error) {
		logs = append(logs, *l)
		if l.Since == 0 {
			full = true
			if !fresh {
				return nil, fmt.Errorf("%s already holds data: restore a full backup into a new or empty directory", dataDir)
			}
			return checkOnly{kv.NewImportCheck()}, nil
		}
		incremental = true
		c, err := baseCheck(filepath.Join(dataDir, l.Dir), l)
		if err != nil {
			return nil, err
		}
		return checkOnly{c}, nil
	})
	if err != nil {
		return rep, err
	}
	if full && incremental {
		return rep, &RefusedError{Err: errors.New("the file mixes full and incremental logs; stela backup does not write such files")}
	}
	for _, l := range logs {
		rep.Logs = append(rep.Logs, LogSummary{Database: l.Database, Since: l.Since, Upto: l.Upto, Signed: isSigned(l.Checkpoint)})
	}
	rep.Incremental = incremental
	if incremental {
		// Pass 2, in place: pass 1 found every store at the tx the
		// backup continues from.
		_, err = walk(ctx, in, opts, func(l *logInfo) (appender, error) {
			im, err := kv.OpenImporter(filepath.Join(dataDir, l.Dir), kv.Options{})
			if err != nil {
				return nil, err
			}
			return writer{im}, nil
		})
		return rep, err
	}
	return rep, restoreFull(ctx, in, dataDir, opts, logs)
}

// restoreFull is pass 2 of a full restore: the stores are built in
// dataDir/.restore-tmp, then renamed into place, the system store last.
func restoreFull(ctx context.Context, in, dataDir string, opts RestoreOptions, logs []logInfo) error {
	tmp := filepath.Join(dataDir, tmpDir)
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	_, err := walk(ctx, in, opts, func(l *logInfo) (appender, error) {
		im, err := kv.OpenImporter(filepath.Join(tmp, l.Dir), kv.Options{Origin: l.Origin})
		if err != nil {
			return nil, err
		}
		return writer{im}, nil
	})
	if err == nil && !hasSystemLog(logs) {
		err = registerDatabases(ctx, filepath.Join(tmp, "system"), logs)
	}
	if err != nil {
		_ = os.RemoveAll(tmp)
		return err
	}
	for _, name := range []string{"databases", "system"} {
		src := filepath.Join(tmp, name)
		if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := os.Rename(src, filepath.Join(dataDir, name)); err != nil {
			return err
		}
		if err := syncDir(dataDir); err != nil {
			return err
		}
	}
	return os.RemoveAll(tmp)
}

// registerDatabases creates the system store of a data directory
// restored from a backup of single databases, with their records. The
// server adds its initial databases and the admin at start.
func registerDatabases(ctx context.Context, dir string, logs []logInfo) error {
	st, err := kv.Open(dir, kv.Options{Origin: catalog.DefaultOrigin("system")})
	if err != nil {
		return err
	}
	sys := catalog.NewSystem(st)
	for _, l := range logs {
		if err := sys.CreateDatabase(ctx, catalog.Database{Name: l.Database, Dir: l.Dir, Origin: l.Origin}); err != nil {
			_ = st.Close()
			return fmt.Errorf("register database %q: %w", l.Database, err)
		}
	}
	return st.Close()
}

func hasSystemLog(logs []logInfo) bool {
	for _, l := range logs {
		if l.Database == "" {
			return true
		}
	}
	return false
}

// baseCheck returns the check that continues the store an incremental
// log is to be appended to, after checking that it is the right store at
// the right tx.
func baseCheck(dir string, l *logInfo) (*kv.ImportCheck, error) {
	st, err := kv.Open(dir, kv.Options{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("%s: this incremental backup continues a store that %s does not hold (%v): restore its base backup first", l.label(), dir, err)
	}
	defer st.Close()
	if st.Origin() != l.Origin {
		return nil, fmt.Errorf("%s: the store in %s is log %q; the backup continues log %q", l.label(), dir, st.Origin(), l.Origin)
	}
	if st.LastTx() != l.Since {
		return nil, fmt.Errorf("%s: the restored store ends at tx %d; this backup continues from tx %d: restore the backups in order", l.label(), st.LastTx(), l.Since)
	}
	return st.ImportCheck()
}

// isNewOrEmpty reports whether dir does not exist or holds nothing but a
// leftover .restore-tmp.
func isNewOrEmpty(dir string) (bool, error) {
	names, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	for _, n := range names {
		if n.Name() != tmpDir {
			return false, nil
		}
	}
	return true, nil
}

// dirPattern is what a database's directory may be: databases/ and a
// name sql.dirBase makes. A file naming anything else (../x) is refused
// before a path is built from it.
var dirPattern = regexp.MustCompile(`^databases/[a-z0-9_][a-z0-9_-]*$`)

// walk reads the file in, checks its structure and each log's
// checkpoint, and feeds each log's records to the appender open returns
// for it, checking at each log's end that the records reach the
// checkpoint and give its root.
func walk(ctx context.Context, in string, opts RestoreOptions, open func(l *logInfo) (appender, error)) (begin beginInfo, err error) {
	f, err := os.Open(in)
	if err != nil {
		return begin, err
	}
	defer f.Close()
	fr, err := newFrameReader(f)
	if err != nil {
		return begin, &RefusedError{Err: fmt.Errorf("%s: %w", in, err)}
	}
	kind, p, err := fr.next()
	if err == nil && kind != kindBegin {
		err = fmt.Errorf("%w: the first frame is not a begin frame", ErrDamaged)
	}
	if err == nil {
		err = json.Unmarshal(p, &begin)
	}
	if err != nil {
		return begin, &RefusedError{Err: err}
	}

	var (
		cur  *logInfo
		root merkle.Hash
		app  appender
		seen = map[string]bool{}
	)
	defer func() {
		if app != nil {
			err = errors.Join(err, app.close())
		}
	}()
	// finish ends the current log: its records must reach the
	// checkpoint's size and give its root.
	finish := func() error {
		if cur == nil {
			return nil
		}
		a := app
		app = nil
		if a.Size() != cur.Upto {
			a.close()
			return &RefusedError{Log: cur.label(), TxID: a.Size() + 1, Err: fmt.Errorf("%w: the backup ends at tx %d; its checkpoint covers tx %d", kv.ErrCorrupt, a.Size(), cur.Upto)}
		}
		if a.Root() != root {
			a.close()
			return &RefusedError{Log: cur.label(), Err: fmt.Errorf("the transactions do not match the checkpoint: root %s at tx %d, the checkpoint says %s", a.Root(), cur.Upto, root)}
		}
		return a.close()
	}
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return begin, err
			}
		}
		kind, p, err := fr.next()
		if err != nil {
			if cur == nil {
				return begin, &RefusedError{Err: err}
			}
			if app.Size() == cur.Upto {
				return begin, &RefusedError{Log: cur.label(), Err: fmt.Errorf("after its last tx %d: %w", cur.Upto, err)}
			}
			return begin, &RefusedError{Log: cur.label(), TxID: app.Size() + 1, Err: err}
		}
		switch kind {
		case kindTx:
			if cur == nil {
				return begin, &RefusedError{Err: fmt.Errorf("%w: a transaction before any log frame", ErrDamaged)}
			}
			if err := app.add(p); err != nil {
				var ie *kv.ImportError
				if errors.As(err, &ie) {
					return begin, &RefusedError{Log: cur.label(), TxID: ie.TxID, Err: ie.Err}
				}
				return begin, err
			}
		case kindLog:
			if err := finish(); err != nil {
				return begin, err
			}
			l := new(logInfo)
			if err := json.Unmarshal(p, l); err != nil {
				return begin, &RefusedError{Err: fmt.Errorf("%w: log frame: %v", ErrDamaged, err)}
			}
			if root, err = checkLog(l, opts, seen); err != nil {
				return begin, err
			}
			if app, err = open(l); err != nil {
				return begin, err
			}
			cur = l
		case kindEnd:
			return begin, finish()
		default:
			return begin, &RefusedError{Err: fmt.Errorf("%w: unknown frame kind %q", ErrDamaged, kind)}
		}
	}
}

// checkLog checks a log frame: a directory of the data directory's
// layout, named once in the file, and a checkpoint of the log's origin at
// its upto, signed by the pinned key when there is one. It returns the
// checkpoint's root.
func checkLog(l *logInfo, opts RestoreOptions, seen map[string]bool) (merkle.Hash, error) {
	refuse := func(format string, args ...any) (merkle.Hash, error) {
		return merkle.Hash{}, &RefusedError{Log: l.label(), Err: fmt.Errorf(format, args...)}
	}
	switch {
	case l.Database == "" && l.Dir != "system", l.Database != "" && !dirPattern.MatchString(l.Dir):
		return refuse("%w: directory %q is not one a data directory has", ErrDamaged, l.Dir)
	case seen[l.Dir] || seen["db:"+l.Database]:
		return refuse("%w: the log appears twice", ErrDamaged)
	case l.Since > l.Upto:
		return refuse("%w: since %d is after upto %d", ErrDamaged, l.Since, l.Upto)
	}
	seen[l.Dir], seen["db:"+l.Database] = true, true
	note := []byte(l.Checkpoint)
	var cp checkpoint.Checkpoint
	var err error
	if opts.PublicKey != nil {
		if cp, err = openPinned(note, opts.PublicKey); err != nil {
			return refuse("the checkpoint of tx %d is not signed by the given public key: %w", l.Upto, err)
		}
	} else if cp, _, err = checkpoint.ParseUnverified(note); err != nil {
		if cp, err = checkpoint.Parse(note); err != nil {
			return refuse("the checkpoint of tx %d does not parse: %w", l.Upto, err)
		}
	}
	if cp.Origin != l.Origin || cp.Size != l.Upto {
		return refuse("the checkpoint is of %q at tx %d; the backup says %q at tx %d", cp.Origin, cp.Size, l.Origin, l.Upto)
	}
	return merkle.Hash(cp.Root), nil
}

// openPinned verifies a checkpoint note against a pinned public key. The
// server signs every log with one key under one key name, which need not
// be the log's origin, so the name is taken from the note's signature
// lines: a line counts only if its key ID is that of the pinned key under
// that name, and its signature is checked with the pinned key.
func openPinned(note, pem []byte) (checkpoint.Checkpoint, error) {
	_, lines, err := checkpoint.ParseUnverified(note)
	if err != nil {
		return checkpoint.Checkpoint{}, err
	}
	for _, line := range lines {
		v, err := checkpoint.ParseVerifierPEM(line.KeyName, pem)
		if err != nil {
			return checkpoint.Checkpoint{}, fmt.Errorf("--public-key: %w", err)
		}
		if v.KeyID() == line.KeyID {
			return checkpoint.Open(note, v)
		}
	}
	return checkpoint.Checkpoint{}, fmt.Errorf("%w: no signature of this key (%d signature lines)", checkpoint.ErrUnverified, len(lines))
}

// isSigned reports whether a checkpoint note carries a signature.
func isSigned(note string) bool {
	_, sigs, err := checkpoint.ParseUnverified([]byte(note))
	return err == nil && len(sigs) > 0
}
