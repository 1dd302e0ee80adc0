package sql

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Dropped databases: DROP DATABASE moves a database's directory to
// DataDir/dropped/<dir>-<UTC time> (dbdirs.go) and never erases it, so
// that a mistaken DROP loses nothing. Erasing is a separate, explicit act
// of a superuser:
//
//	SELECT * FROM stela_dropped_databases();          -- name, bytes, dropped_at
//	SELECT stela_purge_dropped_database('sales-20261122T101500.000000000Z');
//
// (`stela database dropped` and `stela database purge` run the same.)

// DroppedDatabase is one directory under dropped/.
type DroppedDatabase struct {
	Name      string    // the entry's name under dropped/
	Bytes     int64     // the size of its files
	DroppedAt time.Time // from the name; zero if the name has no time
}

// droppedStamp is the time moveAside appends, with its optional "-n".
var droppedStamp = regexp.MustCompile(`-(\d{8}T\d{6}\.\d{9}Z)(-\d+)?$`)

// DroppedDatabases lists the directories of dropped databases, by name.
func (e *Engine) DroppedDatabases() ([]DroppedDatabase, error) {
	root := filepath.Join(e.cfg.DataDir, droppedDir)
	names, err := e.fs.List(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]DroppedDatabase, 0, len(names))
	for _, n := range names {
		d := DroppedDatabase{Name: n}
		if m := droppedStamp.FindStringSubmatch(n); m != nil {
			d.DroppedAt, _ = time.Parse("20060102T150405.000000000Z", m[1])
		}
		if d.Bytes, err = dirSize(e, filepath.Join(root, n)); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// dirSize sums the sizes of the files under dir.
func dirSize(e *Engine, dir string) (int64, error) {
	names, err := e.fs.List(dir)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, n := range names {
		p := filepath.Join(dir, n)
		fi, err := e.fs.Stat(p)
		if err != nil {
			return 0, err
		}
		if fi.IsDir() {
			sz, err := dirSize(e, p)
			if err != nil {
				return 0, err
			}
			total += sz
			continue
		}
		total += fi.Size()
	}
	return total, nil
}

// PurgeDroppedDatabase erases one dropped database's directory for good
// and returns the bytes freed. name must be an entry of dropped/ as
// DroppedDatabases lists it: nothing else can be named.
func (e *Engine) PurgeDroppedDatabase(name string) (int64, error) {
	list, err := e.DroppedDatabases()
	if err != nil {
		return 0, err
	}
	for _, d := range list {
		if d.Name != name {
			continue
		}
		root := filepath.Join(e.cfg.DataDir, droppedDir)
		if err := e.fs.RemoveAll(filepath.Join(root, name)); err != nil {
			return 0, pgerror.Wrapf(err, pgcode.IOError, "could not remove dropped database \"%s\": %v", name, err)
		}
		if err := e.syncDir(root); err != nil {
			return 0, pgerror.Wrapf(err, pgcode.IOError, "could not sync %s: %v", root, err)
		}
		e.log.Info().Str("dropped", name).Int64("bytes", d.Bytes).Msg("dropped database purged")
		return d.Bytes, nil
	}
	return 0, pgerror.Newf(pgcode.UndefinedObject, "dropped database \"%s\" does not exist", name).
		WithHint("SELECT name FROM stela_dropped_databases() lists them.")
}

// requireSuperuser refuses what only a superuser may do, naming it.
func requireSuperuser(x *execCtx, what string) error {
	if x.sess.currentSuperuser() {
		return nil
	}
	return pgerror.Newf(pgcode.InsufficientPrivilege, "permission denied for function %s", what).
		WithDetail("Only a superuser may list or erase dropped databases.")
}

func init() {
	catalogSetFuncs["stela_dropped_databases"] = &catalogSetFunc{
		cols: []column{{name: "name", typ: types.Text}, {name: "bytes", typ: types.Int8}, {name: "dropped_at", typ: types.TimestampTZType}},
		rows: func(x *execCtx, _ []types.Datum) ([][]types.Datum, error) {
			if err := requireSuperuser(x, "stela_dropped_databases"); err != nil {
				return nil, err
			}
			list, err := x.sess.engine.DroppedDatabases()
			if err != nil {
				return nil, pgerror.Wrapf(err, pgcode.IOError, "could not list dropped databases: %v", err)
			}
			rows := make([][]types.Datum, len(list))
			for i, d := range list {
				var at types.Datum
				if !d.DroppedAt.IsZero() {
					at = types.TimestampTZFromTime(d.DroppedAt)
				}
				rows[i] = []types.Datum{d.Name, d.Bytes, at}
			}
			return rows, nil
		},
	}
	expr.AddVolatileFunc("stela_purge_dropped_database", []*types.T{types.Text}, types.Int8, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		if err := requireSuperuser(x, "stela_purge_dropped_database"); err != nil {
			return nil, err
		}
		return x.sess.engine.PurgeDroppedDatabase(a[0].(string))
	})
}
