package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
)

// TakeOptions say what Take backs up.
type TakeOptions struct {
	// Database is the one database to back up; "" backs up the whole
	// server: the system log (users, grants, databases) and every
	// database.
	Database string
	// SinceTx makes the backup incremental: the transactions after it.
	// It needs Database (tx ids are per database).
	SinceTx uint64
	// Out is the file to write. It appears only once complete.
	Out string
}

// LogSummary describes one log in a backup.
type LogSummary struct {
	Database    string // "" for the system log
	Since, Upto uint64
	Signed      bool // the checkpoint is signed
}

// manifestRow is a row of stela_backup_manifest().
type manifestRow struct {
	info   logInfo
	signed bool
}

// Take writes a backup of the server conn is connected to. The user must
// be a superuser. Writes on the server go on meanwhile.
func Take(ctx context.Context, conn *pgx.Conn, opts TakeOptions) (logs []LogSummary, err error) {
	if opts.SinceTx > 0 && opts.Database == "" {
		return nil, errors.New("--since-tx needs --database: tx ids are counted per database")
	}
	manifest, err := readManifest(ctx, conn)
	if err != nil {
		return nil, err
	}
	var selected []logInfo
	for _, m := range manifest {
		if opts.Database == "" || m.info.Database == opts.Database {
			l := m.info
			l.Since = opts.SinceTx
			if l.Since > l.Upto {
				return nil, fmt.Errorf("--since-tx %d is beyond the last transaction of %s (%d)", l.Since, l.label(), l.Upto)
			}
			selected = append(selected, l)
			logs = append(logs, LogSummary{Database: l.Database, Since: l.Since, Upto: l.Upto, Signed: m.signed})
		}
	}
	if opts.Database != "" && len(selected) == 0 {
		return nil, fmt.Errorf("database %q does not exist on the server", opts.Database)
	}

	dir, base := filepath.Split(opts.Out)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, base+".tmp-*")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	fw, err := newFrameWriter(tmp)
	if err != nil {
		return nil, err
	}
	begin, _ := json.Marshal(beginInfo{Created: time.Now().UTC(), ServerWide: opts.Database == ""})
	if err := fw.frame(kindBegin, begin); err != nil {
		return nil, err
	}
	for i := range selected {
		if err := exportLog(ctx, conn, fw, &selected[i]); err != nil {
			return nil, err
		}
	}
	if err := fw.end(); err != nil {
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp.Name(), opts.Out); err != nil {
		return nil, err
	}
	return logs, syncDir(dir)
}

// readManifest reads stela_backup_manifest().
func readManifest(ctx context.Context, conn *pgx.Conn) ([]manifestRow, error) {
	rows, err := conn.Query(ctx, "SELECT database, dir, origin, tx, checkpoint FROM stela_backup_manifest()")
	if err != nil {
		return nil, err
	}
	var out []manifestRow
	for rows.Next() {
		var m manifestRow
		var tx int64
		if err := rows.Scan(&m.info.Database, &m.info.Dir, &m.info.Origin, &tx, &m.info.Checkpoint); err != nil {
			rows.Close()
			return nil, err
		}
		m.info.Upto = uint64(tx)
		m.signed = isSigned(m.info.Checkpoint)
		out = append(out, m)
	}
	return out, rows.Err()
}

// exportLog writes the 'L' frame of l and its transactions.
func exportLog(ctx context.Context, conn *pgx.Conn, fw *frameWriter, l *logInfo) error {
	head, _ := json.Marshal(l)
	if err := fw.frame(kindLog, head); err != nil {
		return err
	}
	if l.Upto == l.Since {
		return nil
	}
	rows, err := conn.Query(ctx, "SELECT tx, record FROM stela_log_export($1, $2, $3)", l.Database, int64(l.Since), int64(l.Upto))
	if err != nil {
		return fmt.Errorf("export %s: %w", l.label(), err)
	}
	defer rows.Close()
	want := l.Since + 1
	for rows.Next() {
		var tx int64
		var rec []byte
		if err := rows.Scan(&tx, &rec); err != nil {
			return err
		}
		if uint64(tx) != want {
			return fmt.Errorf("export %s: the server sent tx %d where tx %d belongs", l.label(), tx, want)
		}
		if err := fw.frame(kindTx, rec); err != nil {
			return err
		}
		want++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export %s: %w", l.label(), err)
	}
	if want != l.Upto+1 {
		return fmt.Errorf("export %s: the server stopped after tx %d of %d", l.label(), want-1, l.Upto)
	}
	return nil
}

// syncDir makes a directory's entries (a renamed file) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
