package pgwire_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestOwnerTo: who may run ALTER ... OWNER TO. A superuser gives any
// object to any role; a database admin (stela's owner of the database's
// objects) may give one only to themselves or a role they are a member
// of (PostgreSQL 15's "must be member of role"), and giving an
// object to the owner it has needs no right beyond ALTER's; a user who is
// not an admin may not alter the object at all.
func TestOwnerTo(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	ctx := context.Background()
	execAll(t, admin, "CREATE DATABASE ow_db",
		"CREATE USER ow_adm PASSWORD 'Owner#1234'", "CREATE USER ow_u PASSWORD 'Owner#1234'", "CREATE ROLE ow_other",
		"GRANT ALL ON DATABASE ow_db TO ow_adm", "GRANT CONNECT ON DATABASE ow_db TO ow_u")
	a, err := ts.connectAs("admin", adminPassword, "ow_db")
	if err != nil {
		t.Fatal(err)
	}
	execAll(t, a, "CREATE TABLE t (id serial PRIMARY KEY)", "CREATE SCHEMA s", "CREATE VIEW v AS SELECT 1 AS x")
	u, err := ts.connectAs("ow_u", "Owner#1234", "ow_db")
	if err != nil {
		t.Fatal(err)
	}
	adm, err := ts.connectAs("ow_adm", "Owner#1234", "ow_db")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		conn *pgx.Conn
		stmt string
		msg  string
	}{
		{u, "ALTER TABLE t OWNER TO ow_u", "must be owner of table t"},
		{u, "ALTER VIEW v OWNER TO ow_u", "must be owner of view v"},
		{u, "ALTER SCHEMA s OWNER TO ow_u", "must be owner of schema s"},
		{adm, "ALTER TABLE t OWNER TO ow_other", `must be member of role "ow_other"`},
		{adm, "ALTER SEQUENCE t_id_seq OWNER TO ow_adm", `cannot change owner of sequence "t_id_seq"`},
		{adm, "ALTER SCHEMA s OWNER TO ow_other", `must be member of role "ow_other"`},
	} {
		pe := wantState(t, c.conn, map[bool]string{true: "0A000", false: "42501"}[c.msg[0] == 'c'], c.stmt)
		if pe != nil && pe.Message != c.msg {
			t.Errorf("%s: %q, want %q", c.stmt, pe.Message, c.msg)
		}
	}
	// To the owner it has: no membership needed.
	execAll(t, adm, "ALTER TABLE t OWNER TO admin", "ALTER SCHEMA s OWNER TO admin")
	// To themselves, by name or as CURRENT_USER; the table's sequence
	// follows it.
	execAll(t, adm, "ALTER TABLE t OWNER TO ow_adm", "ALTER SCHEMA s OWNER TO CURRENT_USER", "ALTER VIEW v OWNER TO SESSION_USER")
	// Now it is theirs, not the admin's: giving it back needs membership
	// in admin.
	if pe := wantState(t, adm, "42501", "ALTER TABLE t OWNER TO admin"); pe != nil && pe.Message != `must be member of role "admin"` {
		t.Errorf("give back: %q", pe.Message)
	}
	var owners string
	if err := a.QueryRow(ctx, `SELECT string_agg(c.relname || '=' || pg_get_userbyid(c.relowner), ',' ORDER BY c.relname)
		FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace`).Scan(&owners); err != nil {
		t.Fatal(err)
	}
	if want := "t=ow_adm,t_id_seq=ow_adm,t_pkey=ow_adm,v=ow_adm"; owners != want {
		t.Errorf("owners %s, want %s", owners, want)
	}
	if err := a.QueryRow(ctx, `SELECT schema_owner FROM information_schema.schemata WHERE schema_name = 's'`).Scan(&owners); err != nil || owners != "ow_adm" {
		t.Errorf("schema owner %q %v", owners, err)
	}
	// A superuser gives to anyone.
	execAll(t, a, "ALTER TABLE t OWNER TO ow_other", "ALTER SCHEMA s OWNER TO ow_other")
}

// TestOwnerHoldsPrivileges: a relation's owner holds every privilege on
// it, as in PostgreSQL, without any GRANT: after a restore gives an
// application's tables to its user (pg_dump's ALTER TABLE ... OWNER TO),
// that user reads and writes them, and sees them in the catalogs.
func TestOwnerHoldsPrivileges(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	ctx := context.Background()
	execAll(t, admin, "CREATE DATABASE oh_db", "CREATE USER oh_app PASSWORD 'Owner#1234'",
		"GRANT CONNECT ON DATABASE oh_db TO oh_app")
	a, err := ts.connectAs("admin", adminPassword, "oh_db")
	if err != nil {
		t.Fatal(err)
	}
	execAll(t, a, "CREATE TABLE mine (id serial PRIMARY KEY, v text)", "CREATE TABLE theirs (id int)",
		"ALTER TABLE mine OWNER TO oh_app")
	u, err := ts.connectAs("oh_app", "Owner#1234", "oh_db")
	if err != nil {
		t.Fatal(err)
	}
	execAll(t, u, "INSERT INTO mine (v) VALUES ('a')", "UPDATE mine SET v = 'b'", "SELECT nextval('mine_id_seq')")
	var n int
	if err := u.QueryRow(ctx, "SELECT count(*) FROM mine").Scan(&n); err != nil || n != 1 {
		t.Fatalf("count: %d, %v", n, err)
	}
	var tables string
	if err := u.QueryRow(ctx, "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil || tables != "mine" {
		t.Fatalf("pg_tables: %q, %v", tables, err)
	}
	var may, mayNot bool
	if err := u.QueryRow(ctx, "SELECT has_table_privilege('mine', 'DELETE'), has_table_privilege('theirs', 'SELECT')").Scan(&may, &mayNot); err != nil || !may || mayNot {
		t.Fatalf("has_table_privilege: %v %v, %v", may, mayNot, err)
	}
	wantState(t, u, "42501", "SELECT * FROM theirs")
	// Given back, the rights go with it.
	execAll(t, a, "ALTER TABLE mine OWNER TO admin")
	wantState(t, u, "42501", "SELECT * FROM mine")
}
