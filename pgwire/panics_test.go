package pgwire_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stela-db/stela/pgwire"
)

// panicMarker is the query text that makes the test server panic.
const panicMarker = "SELECT 'panic here'"

// TestPanicEndsOnlyItsSession checks that a panic while handling a
// message ends that connection alone: its client gets FATAL XX000, its
// open transaction is rolled back, another session's open transaction
// goes on, and new connections are served.
func TestPanicEndsOnlyItsSession(t *testing.T) {
	ts := startServer(t, func(c *pgwire.Config) {
		c.SetBeforeMessage(func(typ byte, body []byte) {
			if typ == 'Q' && strings.Contains(string(body), panicMarker) {
				panic("test panic")
			}
		})
	})
	ts.wantPanics = 1
	ctx := context.Background()
	other := ts.connect(t, "")
	mustExec(t, other, "CREATE TABLE p (id int PRIMARY KEY)")
	mustExec(t, other, "BEGIN")
	mustExec(t, other, "INSERT INTO p VALUES (1)")

	victim := ts.connect(t, "")
	mustExec(t, victim, "BEGIN")
	mustExec(t, victim, "INSERT INTO p VALUES (2)")
	_, err := victim.Exec(ctx, panicMarker, pgx.QueryExecModeSimpleProtocol)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "XX000" || pe.Severity != "FATAL" || !strings.Contains(pe.Message, "test panic") {
		t.Fatalf("the panicking statement: %v, want FATAL XX000 naming the panic", err)
	}
	if !victim.IsClosed() {
		if _, err := victim.Exec(ctx, "SELECT 1"); err == nil {
			t.Fatal("the panicked connection still answers")
		}
	}

	mustExec(t, other, "INSERT INTO p VALUES (3)")
	mustExec(t, other, "COMMIT")
	fresh := ts.connect(t, "")
	var ids string
	if err := fresh.QueryRow(ctx, "SELECT string_agg(id::text, ',' ORDER BY id) FROM p").Scan(&ids); err != nil {
		t.Fatal(err)
	}
	if ids != "1,3" {
		t.Fatalf("rows after the panic: %s, want 1,3 (the panicked session's 2 rolled back)", ids)
	}
	if got := ts.srv.Stats().SessionPanics; got != 1 {
		t.Fatalf("SessionPanics = %d, want 1", got)
	}
}

// TestPanicAtSessionEndReleasesIt checks that a session whose ending
// panics is still released: it no longer counts against MaxConnections
// nor shows in pg_stat_activity, and its open transaction is closed.
func TestPanicAtSessionEndReleasesIt(t *testing.T) {
	var fired atomic.Bool
	ts := startServer(t, func(c *pgwire.Config) {
		c.MaxConnections = 2
		c.SetAtSessionEnd(func() {
			if fired.CompareAndSwap(false, true) {
				panic("test panic at session end")
			}
		})
	})
	ts.wantPanics = 1
	ctx := context.Background()
	victim := ts.connect(t, "&application_name=victim")
	mustExec(t, victim, "BEGIN")
	mustExec(t, victim, "CREATE TABLE p (id int PRIMARY KEY)")
	if err := victim.Close(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for ts.srv.Stats().SessionPanics == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the session's end did not panic")
		}
		time.Sleep(time.Millisecond)
	}
	if n := ts.srv.Stats().SessionsOpen; n != 0 {
		t.Fatalf("SessionsOpen = %d after the panicked session ended, want 0", n)
	}

	// Both slots of MaxConnections are free again.
	a := ts.connect(t, "")
	b := ts.connect(t, "")
	var names string
	if err := a.QueryRow(ctx, "SELECT coalesce(string_agg(application_name, ','), '') FROM pg_stat_activity WHERE application_name = 'victim'").Scan(&names); err != nil {
		t.Fatal(err)
	}
	if names != "" {
		t.Fatalf("pg_stat_activity still lists the panicked session: %q", names)
	}
	// Its transaction was rolled back: the table it created is not there.
	mustExec(t, b, "CREATE TABLE p (id int PRIMARY KEY)")
}
