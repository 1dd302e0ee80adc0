package pgwire_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/internal/passwd"
)

// pg_stat_activity between two users, and pg_cancel_backend /
// pg_terminate_backend on a running statement (the behaviour PostgreSQL
// 15 has, checked by hand there: testdata/sql/pgcatalog_activity.test
// records the rest from it).
func TestStatActivityAndSignals(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	const pw = "Other!pw0rd"
	v, err := passwd.NewVerifier(pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.engine.System().CreateUser(ctx, catalog.User{Name: "other", Verifier: v, Login: true}); err != nil {
		t.Fatal(err)
	}
	admin := ts.connect(t, "")
	execAll(t, admin, "GRANT CONNECT ON DATABASE defaultdb TO other")
	other, err := tryConnect(t, dsnWith(ts, "other", pw, "defaultdb", "sslmode=disable"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)

	var adminPID int32
	if err := admin.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&adminPID); err != nil {
		t.Fatal(err)
	}
	// A running statement shows as active, with its text, to a superuser.
	run := runAsync(ctx, admin, "SELECT pg_sleep(30)", pgx.QueryExecModeSimpleProtocol)
	super := ts.connect(t, "")
	var state, query string
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := super.QueryRow(ctx, "SELECT state, query FROM pg_stat_activity WHERE pid = $1", adminPID).Scan(&state, &query)
		if err != nil {
			t.Fatal(err)
		}
		if state == "active" || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if state != "active" || query != "SELECT pg_sleep(30)" {
		t.Fatalf("running session: state %q query %q", state, query)
	}

	// Another user sees who, not what.
	var q string
	var st, addr *string
	if err := other.QueryRow(ctx, "SELECT query, state, client_addr FROM pg_stat_activity WHERE pid = $1", adminPID).Scan(&q, &st, &addr); err != nil {
		t.Fatal(err)
	}
	if q != "<insufficient privilege>" || st != nil || addr != nil {
		t.Errorf("other user's view: query %q state %v addr %v", q, st, addr)
	}
	// ... and may not signal a superuser's session.
	_, err = other.Exec(ctx, "SELECT pg_cancel_backend($1)", adminPID)
	wantPgError(t, "cancel superuser", err, "ERROR", "42501", "must be a superuser to cancel superuser query")
	_, err = other.Exec(ctx, "SELECT pg_terminate_backend($1)", adminPID)
	wantPgError(t, "terminate superuser", err, "ERROR", "42501", "must be a superuser to terminate superuser process")

	// A superuser cancels the statement: 57014, and the session goes on.
	var ok bool
	if err := super.QueryRow(ctx, "SELECT pg_cancel_backend($1)", adminPID).Scan(&ok); err != nil || !ok {
		t.Fatalf("pg_cancel_backend: %v %v", ok, err)
	}
	res := <-run
	wantPgError(t, "canceled", res.err, "ERROR", "57014", canceledByUser)
	if err := admin.QueryRow(ctx, "SELECT 1").Scan(new(int)); err != nil {
		t.Fatalf("after cancel: %v", err)
	}

	// Terminated while running: FATAL 57P01, and the row is gone.
	run = runAsync(ctx, admin, "SELECT pg_sleep(30)", pgx.QueryExecModeSimpleProtocol)
	time.Sleep(50 * time.Millisecond)
	if err := super.QueryRow(ctx, "SELECT pg_terminate_backend($1, 5000)", adminPID).Scan(&ok); err != nil || !ok {
		t.Fatalf("pg_terminate_backend: %v %v", ok, err)
	}
	res = <-run
	wantPgError(t, "terminated", res.err, "FATAL", "57P01", "terminating connection due to administrator command")
	var n int
	if err := super.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", adminPID).Scan(&n); err != nil || n != 0 {
		t.Fatalf("terminated session still listed: %d %v", n, err)
	}
}
