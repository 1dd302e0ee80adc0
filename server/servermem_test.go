package server_test

import (
	"context"
	"errors"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stela-db/stela/internal/memguard"
)

// TestServerMemoryCeiling: with the server's live memory past its
// ceiling, a statement within its own stela.query_mem and a transaction
// within its own stela.txn_mem still fail with 53200 when they grow,
// while small statements go on in the same session and in others, and
// nothing of the failed transaction is written. Not parallel: the
// ceiling is the process's.
func TestServerMemoryCeiling(t *testing.T) {
	ctx := context.Background()
	c, exec := connectExec(t)
	exec("CREATE TABLE t (id int PRIMARY KEY, v text)")
	other := mustConnect(t, c.Config().ConnString())

	// The ceiling sits 24 MiB above what the process holds now, so that
	// the statements below pass it whatever the tests before left.
	runtime.GC()
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	before := memguard.Refusals()
	prev := memguard.SetCeiling(int64(live[0].Value.Uint64()) + 24<<20)
	t.Cleanup(func() { memguard.SetCeiling(prev) })

	wantRefusal := func(what string, err error) {
		t.Helper()
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "53200" || !strings.Contains(pe.Detail, "server's memory") {
			t.Fatalf("%s: got %v, want 53200 for the server's memory", what, err)
		}
	}

	// A sort of a million rows, allowed 4 GB by its own budget.
	exec("SET stela.query_mem = '4GB'")
	rows, _ := c.Query(ctx, "SELECT g, md5(g::text) FROM generate_series(1, 1000000) g ORDER BY 2")
	for rows.Next() {
	}
	wantRefusal("the sort", rows.Err())

	// A transaction of 1,000,000 rows, allowed 4 GB by its own budget
	// (300,000 rows came within a few MiB of the ceiling's 24 MiB of
	// room; this one is refused well before its end). The refusal above collected garbage; the guard collects
	// at most once a second, and this insert makes too little garbage
	// to be sure of a collection of its own in that time.
	time.Sleep(1100 * time.Millisecond)
	exec("SET stela.txn_mem = '4GB'")
	_, err := c.Exec(ctx, "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 1000000) g")
	wantRefusal("the insert", err)

	// Small statements go on, here and in another session, and the
	// failed insert left nothing.
	for _, conn := range []*pgx.Conn{c, other} {
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 0 {
			t.Fatalf("count after the refusals: %d, %v; want 0", n, err)
		}
	}
	exec("INSERT INTO t VALUES (1, 'small')")
	if got := memguard.Refusals() - before; got < 2 {
		t.Errorf("%d refusals counted, want at least 2", got)
	}

	// The same sort runs once the server has the memory again.
	memguard.SetCeiling(1 << 62)
	rows, _ = c.Query(ctx, "SELECT g, md5(g::text) FROM generate_series(1, 200000) g ORDER BY 2")
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil || n != 200000 {
		t.Fatalf("sort with memory to spare: %d rows, %v", n, err)
	}
}
