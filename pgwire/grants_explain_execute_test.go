package pgwire_test

import (
	"context"
	"testing"
)

// TestExplainExecuteChecksPrivileges: a statement prepared while its
// privileges were held is refused with 42501 once they are revoked,
// through EXPLAIN [ANALYZE] EXECUTE as through EXECUTE; the ANALYZE
// changes nothing.
func TestExplainExecuteChecksPrivileges(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	admin := ts.connect(t, "")
	const pw = "Expl!pw0rd1"
	execAll(t, admin, "CREATE USER ee_u PASSWORD '"+pw+"'", "GRANT CONNECT ON DATABASE defaultdb TO ee_u",
		"CREATE TABLE secret (id int PRIMARY KEY, v text)", "INSERT INTO secret VALUES (1, 'kept')",
		"GRANT SELECT, UPDATE ON secret TO ee_u")
	u, err := ts.connectAs("ee_u", pw, "defaultdb")
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close(ctx)
	execAll(t, u, "PREPARE s(int) AS SELECT v FROM secret WHERE id = $1",
		"PREPARE w(int) AS UPDATE secret SET v = 'changed' WHERE id = $1", "EXPLAIN ANALYZE EXECUTE s(1)")
	execAll(t, admin, "REVOKE SELECT, UPDATE ON secret FROM ee_u")
	for _, stmt := range []string{"EXECUTE s(1)", "EXECUTE w(1)", "EXPLAIN EXECUTE s(1)",
		"EXPLAIN ANALYZE EXECUTE s(1)", "EXPLAIN EXECUTE w(1)", "EXPLAIN ANALYZE EXECUTE w(1)"} {
		if pe := wantState(t, u, "42501", stmt); pe != nil && pe.Message != "permission denied for table secret" {
			t.Errorf("%s: %q", stmt, pe.Message)
		}
	}
	var v string
	if err := admin.QueryRow(ctx, "SELECT v FROM secret WHERE id = 1").Scan(&v); err != nil || v != "kept" {
		t.Fatalf("the row: %q, %v; want kept", v, err)
	}
}

// TestExplainCreateAsPrivileges: plain EXPLAIN CREATE TABLE ... AS creates
// nothing, so it needs only the query's privileges, as in PostgreSQL;
// EXPLAIN ANALYZE creates the table and needs CREATE as the statement
// itself does.
func TestExplainCreateAsPrivileges(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	const pw = "Expl!pw0rd2"
	execAll(t, admin, "CREATE USER ec_u PASSWORD '"+pw+"'", "GRANT CONNECT ON DATABASE defaultdb TO ec_u",
		"CREATE TABLE src (id int PRIMARY KEY)", "GRANT SELECT ON src TO ec_u")
	u, err := ts.connectAs("ec_u", pw, "defaultdb")
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close(context.Background())
	execAll(t, u, "EXPLAIN CREATE TABLE copy1 AS SELECT * FROM src")
	plain := wantState(t, u, "42501", "CREATE TABLE copy1 AS SELECT * FROM src")
	analyzed := wantState(t, u, "42501", "EXPLAIN ANALYZE CREATE TABLE copy1 AS SELECT * FROM src")
	if plain != nil && analyzed != nil && plain.Message != analyzed.Message {
		t.Errorf("EXPLAIN ANALYZE: %q; CREATE TABLE AS: %q", analyzed.Message, plain.Message)
	}
	execAll(t, admin, "REVOKE SELECT ON src FROM ec_u")
	if pe := wantState(t, u, "42501", "EXPLAIN CREATE TABLE copy1 AS SELECT * FROM src"); pe != nil && pe.Message != "permission denied for table src" {
		t.Errorf("without SELECT: %q", pe.Message)
	}
	var n int
	if err := admin.QueryRow(context.Background(), "SELECT count(*) FROM pg_class WHERE relname = 'copy1'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("copy1 in pg_class: %d, %v; want none", n, err)
	}
}
