package pgwire_test

import (
	"context"
	"testing"
)

// TestDropRoleOwningRelations: DROP ROLE refuses a role that owns
// relations or schemas in any database, listing them as PostgreSQL 15
// does (those of the session's database by name, the others counted);
// REASSIGN OWNED gives them to another role, database by database, after
// which the role can be dropped.
func TestDropRoleOwningRelations(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	ctx := context.Background()
	execAll(t, admin, "CREATE DATABASE dr_a", "CREATE DATABASE dr_b",
		"CREATE USER dr_u PASSWORD 'Owner#1234'", "CREATE USER dr_v PASSWORD 'Owner#1234'")
	a, err := ts.connectAs("admin", adminPassword, "dr_a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ts.connectAs("admin", adminPassword, "dr_b")
	if err != nil {
		t.Fatal(err)
	}
	execAll(t, a, "CREATE TABLE t (id serial PRIMARY KEY)", "CREATE VIEW v AS SELECT 1 AS x", "CREATE SCHEMA s",
		"CREATE TABLE s.inner_t (id int)", "CREATE TABLE keep (id int)",
		"ALTER TABLE t OWNER TO dr_u", "ALTER VIEW v OWNER TO dr_u", "ALTER SCHEMA s OWNER TO dr_u", "ALTER TABLE s.inner_t OWNER TO dr_u")
	execAll(t, b, "CREATE TABLE x (id int)", "ALTER TABLE x OWNER TO dr_u")

	pe := wantState(t, a, "2BP01", "DROP ROLE dr_u")
	if want := `role "dr_u" cannot be dropped because some objects depend on it`; pe.Message != want {
		t.Errorf("message %q", pe.Message)
	}
	if want := "owner of table t\nowner of sequence t_id_seq\nowner of view v\nowner of schema s\nowner of table s.inner_t\n1 object in database dr_b"; pe.Detail != want {
		t.Errorf("detail from dr_a:\n%s\nwant:\n%s", pe.Detail, want)
	}
	pe = wantState(t, admin, "2BP01", "DROP ROLE dr_v, dr_u")
	if want := "5 objects in database dr_a\n1 object in database dr_b"; pe.Detail != want {
		t.Errorf("detail from another database:\n%s\nwant:\n%s", pe.Detail, want)
	}
	// Nothing was dropped: dr_v too is still there.
	var n int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_roles WHERE rolname IN ('dr_u', 'dr_v')").Scan(&n); err != nil || n != 2 {
		t.Fatalf("roles: %d, %v", n, err)
	}

	// Nor renamed: the databases' owners could not follow (a role made
	// later under the old name would own them).
	pe = wantState(t, a, "0A000", "ALTER ROLE dr_u RENAME TO dr_w")
	if pe.Message != `role "dr_u" cannot be renamed because it owns objects` || pe.Detail != "5 objects in database dr_a\n1 object in database dr_b" {
		t.Errorf("rename: %q, detail %q", pe.Message, pe.Detail)
	}

	// REASSIGN OWNED: who may, and from whom.
	execAll(t, admin, "GRANT CONNECT ON DATABASE dr_a TO dr_v")
	v, err := ts.connectAs("dr_v", "Owner#1234", "dr_a")
	if err != nil {
		t.Fatal(err)
	}
	for stmt, c := range map[string]struct{ code, msg string }{
		"REASSIGN OWNED BY dr_u TO dr_v":   {"42501", "permission denied to reassign objects"},
		"REASSIGN OWNED BY dr_v TO dr_u":   {"42501", "permission denied to reassign objects"},
		"REASSIGN OWNED BY nosuch TO dr_v": {"42704", `role "nosuch" does not exist`},
	} {
		if pe := wantState(t, v, c.code, stmt); pe.Message != c.msg {
			t.Errorf("%s: %q, want %q", stmt, pe.Message, c.msg)
		}
	}
	execAll(t, v, "REASSIGN OWNED BY dr_v TO CURRENT_USER")
	if pe := wantState(t, a, "2BP01", "REASSIGN OWNED BY admin TO dr_v"); pe.Message != "cannot reassign ownership of objects owned by role admin because they are required by the database system" {
		t.Errorf("from admin: %q", pe.Message)
	}
	if pe := wantState(t, a, "42704", "REASSIGN OWNED BY dr_u TO nosuch"); pe.Message != `role "nosuch" does not exist` {
		t.Errorf("to nosuch: %q", pe.Message)
	}
	// Rolled back with its transaction.
	execAll(t, a, "BEGIN", "REASSIGN OWNED BY dr_u TO dr_v", "ROLLBACK")
	execAll(t, a, "REASSIGN OWNED BY dr_u TO dr_v")
	var owners string
	if err := a.QueryRow(ctx, `SELECT string_agg(relname || '=' || pg_get_userbyid(relowner), ',' ORDER BY relname) FROM pg_class
		WHERE relname IN ('t', 't_id_seq', 't_pkey', 'v', 'inner_t', 'keep')`).Scan(&owners); err != nil {
		t.Fatal(err)
	}
	if want := "inner_t=dr_v,keep=admin,t=dr_v,t_id_seq=dr_v,t_pkey=dr_v,v=dr_v"; owners != want {
		t.Errorf("owners after REASSIGN: %s, want %s", owners, want)
	}
	if err := a.QueryRow(ctx, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 's'").Scan(&owners); err != nil || owners != "dr_v" {
		t.Errorf("schema owner %q, %v", owners, err)
	}
	pe = wantState(t, a, "2BP01", "DROP ROLE dr_u")
	if want := "1 object in database dr_b"; pe.Detail != want {
		t.Errorf("detail after dr_a's REASSIGN: %q", pe.Detail)
	}
	execAll(t, b, "REASSIGN OWNED BY dr_u TO admin")
	// Owning nothing, it can be renamed and dropped.
	execAll(t, a, "ALTER ROLE dr_u RENAME TO dr_w", "ALTER ROLE dr_w RENAME TO dr_u")
	execAll(t, a, "DROP ROLE dr_u")
	// A role created later under the name owns nothing.
	execAll(t, admin, "CREATE USER dr_u PASSWORD 'Owner#1234'")
	if err := b.QueryRow(ctx, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'x'").Scan(&owners); err != nil || owners != "admin" {
		t.Errorf("x owner %q, %v", owners, err)
	}
}
