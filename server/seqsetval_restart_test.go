package server_test

import (
	"context"
	"testing"
)

// setval(v, false) names the value nextval hands out next; the log
// records that (engine.SeqKey's flag byte), so a server restart hands
// out v itself, as PostgreSQL does, and not the value after it. A new
// START on an unused sequence pins its old first value the same way.
func TestSetvalNotCalledAcrossServerRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	srv := startAt(t, dir)
	c := mustConnect(t, dsnOf(srv))
	for _, q := range []string{
		"CREATE SEQUENCE uncalled", "CREATE SEQUENCE called", "CREATE SEQUENCE restarted",
		"SELECT setval('uncalled', 55, false), setval('called', 10, true)",
		"ALTER SEQUENCE restarted START 100",
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	c.Close(ctx)
	shutdown(t, srv)

	srv = startAt(t, dir)
	defer shutdown(t, srv)
	c = mustConnect(t, dsnOf(srv))
	defer c.Close(ctx)
	var isCalled bool
	if err := c.QueryRow(ctx, "SELECT is_called FROM uncalled").Scan(&isCalled); err != nil {
		t.Fatal(err)
	}
	if isCalled {
		t.Errorf("uncalled: is_called true after setval(55, false) and a restart")
	}
	var uncalled, called, restarted int64
	if err := c.QueryRow(ctx, "SELECT nextval('uncalled'), nextval('called'), nextval('restarted')").Scan(&uncalled, &called, &restarted); err != nil {
		t.Fatal(err)
	}
	if uncalled != 55 || called != 11 || restarted != 1 {
		t.Errorf("after a restart nextval gave %d, %d, %d; want 55, 11, 1", uncalled, called, restarted)
	}
}
