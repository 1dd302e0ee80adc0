package pgwire_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestGrantHistoryAsOf replays a grant history through SQL — GRANTs and
// REVOKEs by the admin and by a database admin — and reads it back as of
// every earlier system tx with stela_grants_at(): who held which level,
// granted by whom, is in the system log and readable over SQL. It also
// checks who may see what: a plain user sees only their own records and
// may not read the system log's entries (password verifiers).
func TestGrantHistoryAsOf(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	admin := ts.connect(t, "")
	const pw = "Hist!pw0rd"
	execAll(t, admin, "CREATE DATABASE hist", "CREATE USER bob PASSWORD '"+pw+"'", "CREATE USER alice PASSWORD '"+pw+"'",
		"GRANT ALL ON DATABASE hist TO alice")
	alice, err := ts.connectAs("alice", pw, "hist")
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close(ctx)
	adminHist, err := ts.connectAs("admin", adminPassword, "hist")
	if err != nil {
		t.Fatal(err)
	}
	defer adminHist.Close(ctx)

	systemTx := func() int64 {
		t.Helper()
		var tx int64
		if err := admin.QueryRow(ctx, "SELECT (stela_system_state()->>'tx')::bigint").Scan(&tx); err != nil {
			t.Fatal(err)
		}
		return tx
	}
	type want struct{ level, db, tables, grantor string }
	steps := []struct {
		as   *pgx.Conn
		sql  string
		want want // bob's record in hist afterwards; level "" for none
	}{
		{adminHist, "GRANT CONNECT ON DATABASE hist TO bob", want{"custom", "CONNECT", "", "admin"}},
		{adminHist, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO bob", want{"read", "CONNECT", "SELECT", "admin"}},
		{alice, "GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO bob", want{"readwrite", "CONNECT", "INSERT, SELECT, UPDATE, DELETE", "alice"}},
		{alice, "REVOKE UPDATE ON ALL TABLES IN SCHEMA public FROM bob", want{"read", "CONNECT", "INSERT, SELECT, DELETE", "alice"}},
		{adminHist, "GRANT ALL ON DATABASE hist TO bob", want{"admin", "CREATE, TEMPORARY, CONNECT", "INSERT, SELECT, DELETE", "admin"}},
		{adminHist, "REVOKE ALL ON DATABASE hist FROM bob", want{"custom", "", "INSERT, SELECT, DELETE", "admin"}},
		{adminHist, "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM bob", want{}},
	}
	before := systemTx()
	var txs []int64
	for _, s := range steps {
		if _, err := s.as.Exec(ctx, s.sql); err != nil {
			t.Fatalf("%s: %v", s.sql, err)
		}
		txs = append(txs, systemTx())
	}
	bobAt := func(tx int64) (want, int64, bool) {
		t.Helper()
		var w want
		var at int64
		err := admin.QueryRow(ctx, `SELECT level, database_privileges, table_privileges, grantor, tx
			FROM stela_grants_at($1) WHERE user_name = 'bob' AND database_name = 'hist'`, tx).
			Scan(&w.level, &w.db, &w.tables, &w.grantor, &at)
		if err == pgx.ErrNoRows {
			return want{}, 0, false
		}
		if err != nil {
			t.Fatal(err)
		}
		return w, at, true
	}
	if _, _, ok := bobAt(before); ok {
		t.Errorf("bob has a grant before the first GRANT")
	}
	for i, s := range steps {
		got, at, ok := bobAt(txs[i])
		if s.want.level == "" {
			if ok {
				t.Errorf("after %q (system tx %d): %+v, want no record", s.sql, txs[i], got)
			}
			continue
		}
		if !ok || got != s.want || at != txs[i] {
			t.Errorf("after %q (system tx %d): %+v made in tx %d, want %+v", s.sql, txs[i], got, at, s.want)
		}
	}
	// Now is the last step: no record.
	var n int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM stela_grants() WHERE user_name = 'bob'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("bob's grants now: %d %v", n, err)
	}

	// The system tx of alice's first GRANT carries the record she wrote.
	var raw string
	if err := admin.QueryRow(ctx, "SELECT stela_system_tx($1)::text", txs[2]).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	var tx struct {
		Entries []struct {
			Key   []byte  `json:"key"`
			Value *[]byte `json:"value"`
		} `json:"entries"`
	}
	if err := json.Unmarshal([]byte(raw), &tx); err != nil || len(tx.Entries) != 1 || tx.Entries[0].Value == nil ||
		!strings.Contains(string(*tx.Entries[0].Value), `"grantor":"alice"`) {
		t.Fatalf("system tx %d: %s (%v)", txs[2], raw, err)
	}

	// Who sees what: bob (no rights left but CONNECT on defaultdb) sees
	// only his own records; alice, admin of hist, sees hist's; neither
	// reads the system log's entries.
	execAll(t, admin, "GRANT CONNECT ON DATABASE defaultdb TO bob")
	bob, err := ts.connectAs("bob", pw, "defaultdb")
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Close(ctx)
	users := func(c *pgx.Conn, sql string) string {
		t.Helper()
		rows, err := c.Query(ctx, sql)
		if err != nil {
			t.Fatal(err)
		}
		names, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(names, ",")
	}
	if got := users(bob, "SELECT user_name || '@' || database_name FROM stela_grants() ORDER BY 1"); got != "bob@defaultdb" {
		t.Errorf("bob sees %q", got)
	}
	if got := users(alice, "SELECT user_name || '@' || database_name FROM stela_grants() ORDER BY 1"); got != "alice@hist" {
		// alice's own record only: no other grant on hist is left.
		t.Errorf("alice sees %q", got)
	}
	if got := users(alice, "SELECT DISTINCT user_name FROM stela_grants_at("+strconv.FormatInt(txs[2], 10)+") ORDER BY 1"); got != "alice,bob" {
		t.Errorf("alice sees as of tx %d: %q", txs[2], got)
	}
	_, err = bob.Exec(ctx, "SELECT stela_system_tx(1)")
	wantPgError(t, "stela_system_tx as bob", err, "ERROR", "42501", "permission denied for function stela_system_tx")
	for _, q := range []string{"SELECT * FROM stela_dropped_databases()", "SELECT stela_purge_dropped_database('x')"} {
		if _, err := bob.Exec(ctx, q); sqlState(err) != "42501" {
			t.Errorf("%s as bob: %v, want 42501", q, err)
		}
	}
	_, err = bob.Exec(ctx, "SELECT * FROM stela_grants_at(0)")
	if sqlState(err) != "22023" {
		t.Errorf("stela_grants_at(0): %v", err)
	}
}
