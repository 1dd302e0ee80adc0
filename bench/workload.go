package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// A workload prepares its table once, then gives each connection a worker.
type workload struct {
	// stelaOnly workloads use stela's syntax or proofs and refuse other
	// servers.
	stelaOnly bool
	// defaultRows and minRows bound Config.Rows; defaultBatch is
	// Config.Batch's default.
	defaultRows, minRows int64
	defaultBatch         int
	// setup makes the table and whatever the workers share in e (with
	// e.cfg.NoSetup it only reads what exists). conn is the run's own
	// connection.
	setup func(ctx context.Context, conn *pgx.Conn, e *env) error
	// newWorker connects worker id and prepares its statements.
	newWorker func(ctx context.Context, e *env, id int) (worker, error)
}

// A worker runs operations one after the other on its own connection.
type worker interface {
	// op runs one operation and returns the rows it wrote or read. It may
	// count retries in s.
	op(ctx context.Context, s *stats) (rows int64, err error)
	// conn is the worker's connection (to tell a dead one).
	conn() *pgx.Conn
}

// env is what a run's workers share.
type env struct {
	cfg   Config
	stela bool
	// nextID hands out unique keys to the insert workloads.
	nextID atomic.Int64
	// txLo and txHi bound the past transactions as-of-read reads at.
	txLo, txHi int64
	// stateDir holds verified-read's trusted-state files.
	stateDir string
}

// connect opens a worker's connection.
func (e *env) connect(ctx context.Context) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(e.cfg.URL)
	if err != nil {
		return nil, err
	}
	if e.cfg.Simple {
		cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	}
	return pgx.ConnectConfig(ctx, cfg)
}

// prepare readies a worker's statement: prepared as name, or with
// --simple kept as text (see statement). It returns what the worker
// passes to statement.
func (e *env) prepare(ctx context.Context, c *pgx.Conn, name, sql string) (string, error) {
	if e.cfg.Simple {
		return sql, nil
	}
	if _, err := c.Prepare(ctx, name, sql); err != nil {
		return "", fmt.Errorf("bench: prepare: %w", err)
	}
	return name, nil
}

// statement is what a worker sends to run stmt (from prepare) with
// args: the prepared statement's name and the args, or with simple the
// statement's text with the values written in as psycopg2 and pgbench
// write them (numbers bare, strings quoted; pgx's own simple mode quotes
// numbers too) and no args.
func statement(simple bool, stmt string, args ...any) (string, []any) {
	if !simple {
		return stmt, args
	}
	// From the last parameter down, so that $1 does not match $10.
	for i := len(args); i >= 1; i-- {
		var lit string
		switch v := args[i-1].(type) {
		case int64:
			lit = strconv.FormatInt(v, 10)
			if v < 0 {
				lit = "(" + lit + ")" // not "x - -1", a comment
			}
		case string:
			lit = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		default:
			panic(fmt.Sprintf("bench: no literal for %T", v))
		}
		stmt = strings.ReplaceAll(stmt, "$"+strconv.Itoa(i), lit)
	}
	return stmt, nil
}

// workloads is the registry, by the name given to --workload.
var workloads = map[string]*workload{
	"insert":        insertWorkload,
	"insert-batch":  insertBatchWorkload,
	"copy":          copyWorkload,
	"point-select":  pointSelectWorkload,
	"range-scan":    rangeScanWorkload,
	"update-hot":    updateHotWorkload,
	"as-of-read":    asOfReadWorkload,
	"verified-read": verifiedReadWorkload,
}

// newRand is a worker's own generator: no lock shared between workers.
func newRand(id int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(id)+1, rand.Uint64()))
}

// drain reads and discards a query's rows, counting them; values are
// not decoded, so the client's cost is the protocol's alone.
func drain(rows pgx.Rows) (int64, error) {
	var n int64
	for rows.Next() {
		n++
	}
	rows.Close()
	return n, rows.Err()
}
