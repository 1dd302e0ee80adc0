package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/stela-db/stela/client"
)

// isStelaVersion reports whether a version() string is stela's
// ("PostgreSQL 16.6 (stela) on ..."): stela answers as a PostgreSQL
// version, for clients that parse it, and names itself in parentheses.
func isStelaVersion(v string) bool { return strings.Contains(v, "(stela)") }

// errNeedsStela: a stela-only workload was pointed at another server.
var errNeedsStela = errors.New("needs a stela server")

// requireStela refuses a stela-only workload on another server, naming
// what the server said it is.
func requireStela(workload, version string) error {
	if isStelaVersion(version) {
		return nil
	}
	return fmt.Errorf("bench: workload %s %w (it uses stela's AS OF TX and proofs); this server is %q", workload, errNeedsStela, version)
}

// stelaTx is the database's last committed transaction.
func stelaTx(ctx context.Context, conn *pgx.Conn) (int64, error) {
	var tx int64
	if err := conn.QueryRow(ctx, "SELECT (stela_state()->>'tx')::bigint").Scan(&tx); err != nil {
		return 0, fmt.Errorf("bench: stela_state: %w", err)
	}
	return tx, nil
}

// asOfHistory is the number of single-row UPDATE transactions as-of-read's
// setup commits after the load, so that there are past states to read.
const asOfHistory = 1000

// setupAsOf loads the table, then commits asOfHistory updates of random
// rows, and records the transactions in which every row exists: from the
// end of the load to now. With --no-setup the range starts at the
// table's last write (max(_tx)), the earliest state known to be whole.
func setupAsOf(ctx context.Context, conn *pgx.Conn, e *env) error {
	if err := setupRead(ctx, conn, e); err != nil {
		return err
	}
	var err error
	if e.cfg.NoSetup {
		err = conn.QueryRow(ctx, "SELECT max(_tx) FROM "+e.cfg.Table).Scan(&e.txLo)
	} else {
		if e.txLo, err = stelaTx(ctx, conn); err != nil {
			return err
		}
		rnd := newRand(0)
		for range asOfHistory {
			if _, err = conn.Exec(ctx, "UPDATE "+e.cfg.Table+" SET k = k + 1 WHERE id = $1", 1+rnd.Int64N(e.cfg.Rows)); err != nil {
				break
			}
		}
	}
	if err != nil {
		return fmt.Errorf("bench: as-of-read setup: %w", err)
	}
	e.txHi, err = stelaTx(ctx, conn)
	return err
}

// asOfWorker reads a random row as of a random transaction of the range.
type asOfWorker struct {
	c        *pgx.Conn
	stmt     string // the SELECT (env.prepare)
	simple   bool
	rnd      *rand.Rand
	rows     int64
	lo, span int64
}

func (w *asOfWorker) conn() *pgx.Conn { return w.c }

func (w *asOfWorker) op(ctx context.Context, _ *stats) (int64, error) {
	tx, id := w.lo+w.rnd.Int64N(w.span), 1+w.rnd.Int64N(w.rows)
	sql, args := statement(w.simple, w.stmt, tx, id)
	rows, err := w.c.Query(ctx, sql, args...)
	if err != nil {
		return 0, err
	}
	n, err := drain(rows)
	if err == nil && n != 1 {
		err = fmt.Errorf("bench: no row %d as of tx %d", id, tx)
	}
	return n, err
}

var asOfReadWorkload = &workload{
	stelaOnly:   true,
	defaultRows: 100_000,
	minRows:     1,
	setup:       setupAsOf,
	newWorker: func(ctx context.Context, e *env, id int) (worker, error) {
		c, err := e.connect(ctx)
		if err != nil {
			return nil, err
		}
		stmt, err := e.prepare(ctx, c, "asof", "SELECT id, k, v FROM "+e.cfg.Table+" AS OF TX $1 WHERE id = $2")
		if err != nil {
			c.Close(ctx)
			return nil, err
		}
		return &asOfWorker{c: c, stmt: stmt, simple: e.cfg.Simple, rnd: newRand(id), rows: e.cfg.Rows, lo: e.txLo, span: e.txHi - e.txLo + 1}, nil
	},
}

// verifiedWorker reads a random row with its proof and checks the proof
// here, through the client package, against a trusted state of its own
// (a file in a temporary directory, trusted on first use).
type verifiedWorker struct {
	c     *client.Client
	rnd   *rand.Rand
	rows  int64
	table string
}

func (w *verifiedWorker) conn() *pgx.Conn { return w.c.Conn }

func (w *verifiedWorker) op(ctx context.Context, _ *stats) (int64, error) {
	id := 1 + w.rnd.Int64N(w.rows)
	// The key goes as text: client.VerifiedRow sends keys as text
	// parameters, and pgx will not encode an int64 into one.
	row, err := w.c.VerifiedRow(ctx, 0, w.table, strconv.FormatInt(id, 10))
	if err == nil && row.Deleted {
		err = fmt.Errorf("bench: row %d is deleted", id)
	}
	return 1, err
}

func setupVerified(ctx context.Context, conn *pgx.Conn, e *env) error {
	if err := setupRead(ctx, conn, e); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "stela-bench-")
	e.stateDir = dir
	return err
}

var verifiedReadWorkload = &workload{
	stelaOnly:   true,
	defaultRows: 100_000,
	minRows:     1,
	setup:       setupVerified,
	newWorker: func(ctx context.Context, e *env, id int) (worker, error) {
		c, err := client.Open(ctx, e.cfg.URL, client.Options{
			StatePath: filepath.Join(e.stateDir, "trusted-"+strconv.Itoa(id)+".json"),
			Key:       "bench",
		})
		if err != nil {
			return nil, err
		}
		return &verifiedWorker{c: c, rnd: newRand(id), rows: e.cfg.Rows, table: e.cfg.Table}, nil
	},
}
