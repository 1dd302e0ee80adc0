package pgwire_test

// Reading a sequence as a relation (SELECT * FROM seq) needs SELECT on
// it, as in PostgreSQL: USAGE, enough for nextval and currval, is not.

import (
	"context"
	"testing"
)

func TestSequenceRelationNeedsSelect(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	admin := ts.connect(t, "")
	const pw = "Seq!pw0rd1"
	execAll(t, admin, "CREATE USER seq_u PASSWORD '"+pw+"'", "GRANT CONNECT ON DATABASE defaultdb TO seq_u",
		"CREATE SEQUENCE used_s", "CREATE SEQUENCE read_s", "GRANT USAGE ON SEQUENCE used_s TO seq_u",
		"GRANT SELECT ON SEQUENCE read_s TO seq_u")
	u, err := ts.connectAs("seq_u", pw, "defaultdb")
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close(ctx)
	execAll(t, u, "SELECT nextval('used_s')")
	for _, stmt := range []string{"SELECT * FROM used_s", "SELECT last_value, is_called FROM used_s",
		"SELECT 1 FROM read_s, used_s", "SELECT (SELECT last_value FROM public.used_s)"} {
		if pe := wantState(t, u, "42501", stmt); pe != nil && pe.Message != "permission denied for sequence used_s" {
			t.Errorf("%s: %q", stmt, pe.Message)
		}
	}
	var last int64
	var called bool
	if err := u.QueryRow(ctx, "SELECT last_value, is_called FROM read_s").Scan(&last, &called); err != nil {
		t.Fatalf("SELECT on read_s: %v", err)
	}
	if last != 1 || called {
		t.Errorf("read_s: %d, %v; want 1, false", last, called)
	}
	// SELECT is enough to read, not to take a value.
	if pe := wantState(t, u, "42501", "SELECT nextval('read_s')"); pe != nil && pe.Message != "permission denied for sequence read_s" {
		t.Errorf("nextval(read_s): %q", pe.Message)
	}
	execAll(t, admin, "GRANT SELECT ON SEQUENCE used_s TO seq_u")
	if err := u.QueryRow(ctx, "SELECT last_value, is_called FROM used_s").Scan(&last, &called); err != nil {
		t.Fatalf("SELECT on used_s after GRANT: %v", err)
	}
	if last != 1 || !called {
		t.Errorf("used_s: %d, %v; want 1, true", last, called)
	}
}
