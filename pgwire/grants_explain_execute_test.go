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
