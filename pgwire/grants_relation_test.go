package pgwire_test

import (
	"context"
	"testing"
)

// TestGrantOnSingleRelations: GRANT and REVOKE on single tables, views
// and sequences hold for those relations only, survive a rename, do not
// pass to a new table of the same name, show in \dp's relacl,
// has_table_privilege and information_schema, and cannot carve an
// exception out of a grant on all tables.
func TestGrantOnSingleRelations(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	admin := ts.connect(t, "")
	const pw = "Rel!pw0rd1"
	execAll(t, admin, "CREATE USER rel_u PASSWORD '"+pw+"'", "GRANT CONNECT ON DATABASE defaultdb TO rel_u",
		"CREATE TABLE open_t (id int PRIMARY KEY, v int)", "CREATE TABLE closed_t (id int PRIMARY KEY)",
		"CREATE VIEW open_v AS SELECT id FROM open_t", "CREATE SEQUENCE open_s", "CREATE SEQUENCE closed_s",
		"INSERT INTO open_t VALUES (1, 1)", "INSERT INTO closed_t VALUES (1)",
		"GRANT SELECT, INSERT ON open_t, open_v TO rel_u", "GRANT USAGE ON SEQUENCE open_s TO rel_u")
	u, err := ts.connectAs("rel_u", pw, "defaultdb")
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close(ctx)
	execAll(t, u, "SELECT * FROM open_t", "SELECT * FROM open_v", "INSERT INTO open_t VALUES (2, 2)",
		"SELECT nextval('open_s')", "SELECT currval('open_s')")
	for stmt, msg := range map[string]string{
		"SELECT * FROM closed_t":                "permission denied for table closed_t",
		"UPDATE open_t SET v = 3":               "permission denied for table open_t",
		"DELETE FROM open_t":                    "permission denied for table open_t",
		"TRUNCATE open_t":                       "permission denied for table open_t",
		"SELECT nextval('closed_s')":            "permission denied for sequence closed_s",
		"SELECT setval('open_s', 10)":           "permission denied for sequence open_s",
		"COPY closed_t TO STDOUT":               "permission denied for table closed_t",
		"SELECT stela_row_proof('closed_t', 1)": "permission denied for table closed_t",
	} {
		if pe := wantState(t, u, "42501", stmt); pe != nil && pe.Message != msg {
			t.Errorf("%s: %q, want %q", stmt, pe.Message, msg)
		}
	}
	check := func(what, sql, want string) {
		t.Helper()
		var got string
		if err := u.QueryRow(ctx, sql).Scan(&got); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got != want {
			t.Errorf("%s: %q, want %q", what, got, want)
		}
	}
	// The catalogs show rel_u what rel_u may use, and how.
	check("pg_class", "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace", "open_s,open_t,open_t_pkey,open_v")
	check("relacl", "SELECT relacl::text FROM pg_class WHERE relname = 'open_t'", "{admin=arwdDxt/admin,rel_u=ar/admin}")
	check("sequence relacl", "SELECT relacl::text FROM pg_class WHERE relname = 'open_s'", "{admin=rwU/admin,rel_u=U/admin}")
	check("has_table_privilege", "SELECT has_table_privilege('open_t', 'INSERT')::text || has_table_privilege('open_t', 'UPDATE')::text", "truefalse")
	check("has_sequence_privilege", "SELECT has_sequence_privilege('open_s', 'USAGE')::text || has_sequence_privilege('open_s', 'UPDATE')::text", "truefalse")
	check("table_privileges", `SELECT string_agg(table_name || ':' || privilege_type, ',' ORDER BY table_name, privilege_type)
		FROM information_schema.table_privileges WHERE grantee = 'rel_u'`, "open_t:INSERT,open_t:SELECT,open_v:INSERT,open_v:SELECT")

	// A rename keeps the grant; a new table of the old name has none.
	execAll(t, admin, "ALTER TABLE open_t RENAME TO renamed_t", "CREATE TABLE open_t (id int)")
	execAll(t, u, "SELECT * FROM renamed_t")
	wantState(t, u, "42501", "SELECT * FROM open_t")

	// REVOKE on one relation; none of it from a grant on all tables.
	execAll(t, admin, "REVOKE INSERT ON renamed_t FROM rel_u")
	wantState(t, u, "42501", "INSERT INTO renamed_t VALUES (3, 3)")
	execAll(t, u, "SELECT * FROM renamed_t")
	execAll(t, admin, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO rel_u")
	execAll(t, u, "SELECT * FROM closed_t")
	if pe := wantState(t, admin, "0A000", "REVOKE SELECT ON closed_t FROM rel_u"); pe != nil && pe.Message != `cannot revoke SELECT on table "closed_t" alone from "rel_u"` {
		t.Errorf("revoke one of all: %q", pe.Message)
	}
	// Shapes PostgreSQL refuses too.
	wantState(t, admin, "0LP01", "GRANT INSERT ON SEQUENCE open_s TO rel_u")
	wantState(t, admin, "42809", "GRANT USAGE ON SEQUENCE renamed_t TO rel_u")
	wantState(t, admin, "42P01", "GRANT SELECT ON nowhere TO rel_u")
	// Only an admin of the database grants.
	wantState(t, u, "42501", "GRANT SELECT ON closed_t TO rel_u")
}
