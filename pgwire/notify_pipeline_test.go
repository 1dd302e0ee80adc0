package pgwire_test

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestNotifyWaitsForPipelineSync: a listener in the middle of an
// extended-protocol pipeline (statements sent and flushed, no Sync yet)
// is inside its implicit transaction, so a notification committed
// meanwhile reaches it, as in PostgreSQL, only after the pipeline's
// Sync: after the results of the statements sent before the Sync and
// before its ReadyForQuery, never between two of its results.
func TestNotifyWaitsForPipelineSync(t *testing.T) {
	ts := startServerAt(t, t.TempDir(), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	host, port, _ := net.SplitHostPort(ts.addr)
	cfg, err := pgconn.ParseConfig(fmt.Sprintf("host=%s port=%s user=admin password=%s database=defaultdb sslmode=disable", host, port, adminPassword))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var events []string
	note := func(e string) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}
	cfg.OnNotification = func(_ *pgconn.PgConn, n *pgconn.Notification) { note("notify " + n.Payload) }
	listener, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close(ctx)
	if _, err := listener.Exec(ctx, "LISTEN p").ReadAll(); err != nil {
		t.Fatal(err)
	}
	sender := ts.connect(t, "")

	pl := listener.StartPipeline(ctx)
	pl.SendQueryParams("SELECT 1", nil, nil, nil, nil)
	pl.SendFlushRequest()
	if err := pl.Flush(); err != nil {
		t.Fatal(err)
	}
	readResult := func(what string) {
		t.Helper()
		res, err := pl.GetResults()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		rr, ok := res.(*pgconn.ResultReader)
		if !ok {
			t.Fatalf("%s: got %T", what, res)
		}
		if _, err := rr.Close(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		note(what)
	}
	readResult("first")

	// Committed while the listener's pipeline is open.
	execAll(t, sender, "NOTIFY p, 'mid'")
	time.Sleep(200 * time.Millisecond)

	pl.SendQueryParams("SELECT 2", nil, nil, nil, nil)
	if err := pl.Sync(); err != nil {
		t.Fatal(err)
	}
	readResult("second")
	res, err := pl.GetResults()
	if _, ok := res.(*pgconn.PipelineSync); err != nil || !ok {
		t.Fatalf("sync: got %T, %v", res, err)
	}
	if err := pl.Close(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	got := fmt.Sprint(events)
	mu.Unlock()
	if want := "[first second notify mid]"; got != want {
		t.Errorf("events %s, want %s", got, want)
	}
}
