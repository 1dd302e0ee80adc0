package pgwire_test

import (
	"context"
	"testing"
)

// TestCreateSchemaAuthorization: who may run CREATE SCHEMA ...
// AUTHORIZATION. A user with CREATE on the database may make a schema
// for themselves; for another role they need to be a member of it
// (PostgreSQL 15's check), or a superuser. A user without CREATE may
// make none.
func TestCreateSchemaAuthorization(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	ctx := context.Background()
	execAll(t, admin, "CREATE DATABASE sa_db",
		"CREATE USER sa_adm PASSWORD 'Schema#1234'", "CREATE USER sa_u PASSWORD 'Schema#1234'", "CREATE ROLE sa_other",
		"GRANT ALL ON DATABASE sa_db TO sa_adm", "GRANT CONNECT ON DATABASE sa_db TO sa_u")
	adm, err := ts.connectAs("sa_adm", "Schema#1234", "sa_db")
	if err != nil {
		t.Fatal(err)
	}
	u, err := ts.connectAs("sa_u", "Schema#1234", "sa_db")
	if err != nil {
		t.Fatal(err)
	}
	if pe := wantState(t, adm, "42501", "CREATE SCHEMA s1 AUTHORIZATION sa_other"); pe != nil && pe.Message != `must be member of role "sa_other"` {
		t.Errorf("for another role: %q", pe.Message)
	}
	if pe := wantState(t, u, "42501", "CREATE SCHEMA s2 AUTHORIZATION sa_u"); pe != nil && pe.Message != "permission denied for database sa_db" {
		t.Errorf("without CREATE: %q", pe.Message)
	}
	execAll(t, adm, "CREATE SCHEMA s3 AUTHORIZATION sa_adm", "CREATE SCHEMA AUTHORIZATION CURRENT_USER")
	a, err := ts.connectAs("admin", adminPassword, "sa_db")
	if err != nil {
		t.Fatal(err)
	}
	execAll(t, a, "CREATE SCHEMA s4 AUTHORIZATION sa_other")
	var owners string
	if err := a.QueryRow(ctx, `SELECT string_agg(nspname || '=' || pg_get_userbyid(nspowner), ',' ORDER BY nspname)
		FROM pg_namespace WHERE nspname IN ('s1', 's2', 's3', 's4', 'sa_adm')`).Scan(&owners); err != nil {
		t.Fatal(err)
	}
	if want := "s3=sa_adm,s4=sa_other,sa_adm=sa_adm"; owners != want {
		t.Errorf("owners %s, want %s", owners, want)
	}
}

// TestAlterDatabaseOwner: ALTER DATABASE ... OWNER TO, as a pg_dump
// --create script writes it. A superuser gives a database to any role;
// its owner, not a superuser, only to themselves; anyone else not at
// all. The new owner holds the database's rights at once.
func TestAlterDatabaseOwner(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	ctx := context.Background()
	execAll(t, admin, "CREATE DATABASE do_db",
		"CREATE USER do_u PASSWORD 'Owner#1234'", "CREATE USER do_v PASSWORD 'Owner#1234'",
		"GRANT CONNECT ON DATABASE do_db TO do_u", "GRANT CONNECT ON DATABASE do_db TO do_v")
	u, err := ts.connectAs("do_u", "Owner#1234", "do_db")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ state, stmt, msg string }{
		{"42501", "ALTER DATABASE do_db OWNER TO do_u", "must be owner of database do_db"},
		{"42704", "ALTER DATABASE do_db OWNER TO nobody", `role "nobody" does not exist`},
		{"3D000", "ALTER DATABASE nodb OWNER TO do_u", `database "nodb" does not exist`},
		{"42501", "CREATE TABLE t (a int)", "permission denied for schema public"},
	} {
		if pe := wantState(t, u, c.state, c.stmt); pe != nil && pe.Message != c.msg {
			t.Errorf("%s: %q, want %q", c.stmt, pe.Message, c.msg)
		}
	}
	execAll(t, admin, "ALTER DATABASE do_db OWNER TO do_u", "ALTER DATABASE do_db OWNER TO do_u")
	var owner string
	if err := admin.QueryRow(ctx, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'do_db'").Scan(&owner); err != nil || owner != "do_u" {
		t.Fatalf("owner %q %v", owner, err)
	}
	// The owner holds the database's rights from the next statement on.
	execAll(t, u, "CREATE TABLE t (a int)", "INSERT INTO t VALUES (1)")
	if pe := wantState(t, u, "42501", "ALTER DATABASE do_db OWNER TO do_v"); pe != nil && pe.Message != `must be member of role "do_v"` {
		t.Errorf("to another role: %q", pe.Message)
	}
	if pe := wantState(t, u, "25001", "BEGIN; ALTER DATABASE do_db OWNER TO do_u"); pe != nil && pe.Message != "ALTER DATABASE cannot run inside a transaction block" {
		t.Errorf("in a transaction block: %q", pe.Message)
	}
	execAll(t, u, "ROLLBACK")
	execAll(t, admin, "ALTER DATABASE do_db OWNER TO do_v")
	// It keeps the table it made (its owner), not the database.
	execAll(t, u, "INSERT INTO t VALUES (2)")
	if pe := wantState(t, u, "42501", "CREATE TABLE t2 (a int)"); pe != nil && pe.Message != "permission denied for schema public" {
		t.Errorf("after losing the database: %q", pe.Message)
	}
}
