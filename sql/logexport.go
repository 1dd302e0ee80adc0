package sql

import (
	"errors"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Online backup through SQL (`stela backup` calls these; docs/FORMAT.md,
// "Backup files", describes what it makes of them). Both need a
// superuser: the logs hold every row of every table and, for the system
// log, every user's password verifier.
//
//	stela_backup_manifest()
//	    one row per log: database ('' for the system log: users, grants
//	    and the database list), dir (its directory in the data
//	    directory), origin, tx (its last durable tx) and checkpoint (the
//	    checkpoint note of that tx, signed when the server signs). Taken
//	    while no CREATE, DROP or ALTER DATABASE runs, so the system log at
//	    its tx lists exactly the databases of the other rows.
//	stela_log_export(database, since, upto)
//	    the transactions since+1..upto of a log, one row each: tx and
//	    record (kv's exported form, kv/export.go), streamed: memory does
//	    not grow with the log. The log is append-only, so rows up to a tx
//	    the manifest reported never change while writes go on.

// systemLogName names the system log in both functions. No database has
// it: a database name cannot be empty.
const systemLogName = ""

func init() {
	catalogSetFuncs["stela_backup_manifest"] = &catalogSetFunc{
		cols: []column{{name: "database", typ: types.Text}, {name: "dir", typ: types.Text},
			{name: "origin", typ: types.Text}, {name: "tx", typ: types.Int8}, {name: "checkpoint", typ: types.Text}},
		rows: backupManifest,
	}
	catalogSetFuncs["stela_log_export"] = &catalogSetFunc{
		args:   []*types.T{types.Text, types.Int8, types.Int8},
		cols:   []column{{name: "tx", typ: types.Int8}, {name: "record", typ: types.Bytea}},
		strict: true,
		iter:   logExport,
	}
}

// backupManifest lists the logs to back up, with their current checkpoints.
func backupManifest(x *execCtx, _ []types.Datum) ([][]types.Datum, error) {
	s := x.sess
	if err := s.requireSuperuser("must be superuser to back up the logs"); err != nil {
		return nil, err
	}
	e := s.engine
	e.ddlMu.Lock()
	defer e.ddlMu.Unlock()
	recs, err := e.sys.Databases()
	if err != nil {
		return nil, err
	}
	// The database list was read before the system checkpoint: no
	// database DDL can commit in between (ddlMu), so the system log at
	// the checkpoint's tx holds exactly these records.
	row := func(name, dir string, cp kv.Checkpoint) []types.Datum {
		return []types.Datum{name, dir, cp.Origin, int64(cp.Size), string(cp.Note)}
	}
	rows := [][]types.Datum{row(systemLogName, "system", e.sys.Store().Checkpoint())}
	for _, r := range recs {
		d, err := e.Database(r.Name)
		if err != nil {
			// Recorded but not served (its directory is missing): there
			// is no log to copy; the restored server reports it as the
			// original does.
			continue
		}
		rows = append(rows, row(r.Name, r.Dir, d.Store.Checkpoint()))
	}
	return rows, nil
}

// logExport streams the records of one log.
func logExport(x *execCtx, args []types.Datum) (rowIter, error) {
	s := x.sess
	if err := s.requireSuperuser("must be superuser to export the log"); err != nil {
		return nil, err
	}
	name, since, upto := args[0].(string), args[1].(int64), args[2].(int64)
	var st *kv.Store
	if name == systemLogName {
		st = s.engine.sys.Store()
	} else {
		d, err := s.engine.Database(name)
		if err != nil {
			return nil, err
		}
		st = d.Store
	}
	if last := st.LastTx(); since < 0 || upto < since || uint64(upto) > last {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue,
			"cannot export transactions %d..%d: the log holds 1..%d", since+1, upto, last)
	}
	return &logExportIter{x: x, name: name, st: st, next_: uint64(since) + 1, upto: uint64(upto)}, nil
}

// logExportIter reads one transaction per row.
type logExportIter struct {
	x          *execCtx
	name       string
	st         *kv.Store
	next_      uint64
	upto       uint64
	recordSize int // size of the previous record, to size the next buffer
}

func (it *logExportIter) next() ([]types.Datum, error) {
	if it.next_ > it.upto {
		return nil, nil
	}
	if err := it.x.ctx.Err(); err != nil {
		return nil, CanceledError(it.x.ctx)
	}
	// A fresh buffer per row: the row is the caller's until the next call.
	rec, err := it.st.ExportTx(it.next_, make([]byte, 0, it.recordSize+64))
	if err != nil {
		if errors.Is(err, kv.ErrClosed) {
			return nil, pgerror.Newf(pgcode.ObjectNotInPrerequisiteState,
				"database \"%s\" was dropped or renamed during the export", it.name)
		}
		return nil, engine.StorageError(err)
	}
	it.recordSize = len(rec)
	row := []types.Datum{int64(it.next_), rec}
	it.next_++
	return row, nil
}

func (it *logExportIter) close() {}
