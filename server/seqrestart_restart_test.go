package server_test

import (
	"context"
	"testing"
)

// A sequence's RESTART lives in a new incarnation of the sequence
// (catalog.Reincarnate): after a server restart a committed RESTART
// still holds and a rolled-back one is still undone.
func TestSequenceRestartAcrossServerRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	srv := startAt(t, dir)
	c := mustConnect(t, dsnOf(srv))
	for _, q := range []string{
		"CREATE SEQUENCE kept", "CREATE SEQUENCE undone",
		"SELECT nextval('kept'), nextval('undone')",
		"ALTER SEQUENCE kept RESTART WITH 1000",
		"BEGIN", "ALTER SEQUENCE undone RESTART WITH 1000", "SELECT nextval('undone')", "ROLLBACK",
	} {
		mustExec(t, c, q)
	}
	c = restarted(t, dir, srv, c)
	var kept, undone int64
	if err := c.QueryRow(ctx, "SELECT nextval('kept'), nextval('undone')").Scan(&kept, &undone); err != nil {
		t.Fatal(err)
	}
	// kept: the restarted value, or past it when the reservation of a
	// block (engine/sequence.go) was lost with the old server; undone:
	// past 1 and never in the rolled-back range.
	if kept < 1000 || kept > 1000+64 {
		t.Errorf("kept: nextval %d after RESTART WITH 1000 and a restart", kept)
	}
	if undone < 2 || undone >= 1000 {
		t.Errorf("undone: nextval %d after a rolled-back RESTART WITH 1000 and a restart", undone)
	}
}

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
		mustExec(t, c, q)
	}
	c = restarted(t, dir, srv, c)
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
