package pgwire_test

import (
	"testing"
)

// TestCreateSchemaElements: CREATE SCHEMA's elements beside
// testdata/sql/ddl_schema_elements.test (compared with PostgreSQL 15),
// for what that file cannot show: a user who is not a superuser, and
// the GRANT elements, which are made when the transaction commits, so
// that one rolled back (or rolled back to a savepoint) leaves no grant.
func TestCreateSchemaElements(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	execAll(t, admin, "CREATE DATABASE se_db",
		"CREATE USER se_adm PASSWORD 'Schema#1234'", "CREATE USER se_u PASSWORD 'Schema#1234'", "CREATE ROLE se_other",
		"GRANT ALL ON DATABASE se_db TO se_adm", "GRANT CONNECT ON DATABASE se_db TO se_u")
	adm, err := ts.connectAs("se_adm", "Schema#1234", "se_db")
	if err != nil {
		t.Fatal(err)
	}
	a, err := ts.connectAs("admin", adminPassword, "se_db")
	if err != nil {
		t.Fatal(err)
	}
	u, err := ts.connectAs("se_u", "Schema#1234", "se_db")
	if err != nil {
		t.Fatal(err)
	}

	// A user with CREATE on the database makes a schema and its
	// elements for itself, not for another role.
	if pe := wantState(t, adm, "42501", "CREATE SCHEMA s1 AUTHORIZATION se_other CREATE TABLE t (a int)"); pe.Message != `must be member of role "se_other"` {
		t.Errorf("for another role: %q", pe.Message)
	}
	execAll(t, adm, "CREATE SCHEMA s2 CREATE TABLE t (a int) CREATE VIEW v AS SELECT a FROM t GRANT SELECT ON t, v TO se_u",
		"INSERT INTO s2.t VALUES (5)")
	if got := queryString(t, a, `SELECT string_agg(relname || '=' || pg_get_userbyid(relowner), ',' ORDER BY relname)
		FROM pg_class WHERE relnamespace = 's2'::regnamespace`); got != "t=se_adm,v=se_adm" {
		t.Errorf("s2's owners: %s", got)
	}
	if got := queryString(t, a, `SELECT string_agg(DISTINCT grantor, ',') FROM information_schema.table_privileges
		WHERE table_schema = 's2' AND grantee = 'se_u'`); got != "se_adm" {
		t.Errorf("grantor: %s", got)
	}
	if got := queryString(t, u, "SELECT (SELECT a FROM s2.t)::text || ',' || (SELECT a FROM s2.v)::text"); got != "5,5" {
		t.Errorf("se_u reads: %s", got)
	}

	// A grant the statement cannot make fails it, and nothing is left.
	if pe := wantState(t, a, "42704", "CREATE SCHEMA s3 CREATE TABLE t (a int) GRANT SELECT ON t TO nosuch"); pe.Message != `role "nosuch" does not exist` {
		t.Errorf("grant to nosuch: %q", pe.Message)
	}
	if pe := wantState(t, a, "42703", "CREATE SCHEMA s3 CREATE TABLE t (a int) GRANT SELECT (zz) ON t TO PUBLIC"); pe.Message != `column "zz" of relation "t" does not exist` {
		t.Errorf("column grant: %q", pe.Message)
	}
	if got := queryString(t, a, "SELECT count(*)::text FROM pg_namespace WHERE nspname = 's3'"); got != "0" {
		t.Errorf("s3 made by failed statements: %s", got)
	}

	// The grants wait for COMMIT, and go with a ROLLBACK: the table made
	// again, under the id the rolled-back one had, is not granted.
	execAll(t, a, "BEGIN", "CREATE SCHEMA s4 CREATE TABLE t (a int) GRANT SELECT ON t TO se_u")
	if got := queryString(t, a, "SELECT has_table_privilege('se_u', 's4.t', 'SELECT')::text"); got != "false" {
		t.Errorf("grant seen before COMMIT: %s", got)
	}
	execAll(t, a, "ROLLBACK", "CREATE SCHEMA s4 CREATE TABLE t (a int)")
	if got := queryString(t, a, "SELECT has_table_privilege('se_u', 's4.t', 'SELECT')::text"); got != "false" {
		t.Errorf("grant of a rolled-back element: %s", got)
	}
	execAll(t, a, "BEGIN", "SAVEPOINT sp",
		"CREATE SCHEMA s5 CREATE TABLE t (a int) GRANT SELECT ON t TO se_u",
		"ROLLBACK TO SAVEPOINT sp",
		"CREATE SCHEMA s6 CREATE TABLE t (a int) GRANT INSERT ON t TO se_u",
		"COMMIT")
	if got := queryString(t, a, `SELECT has_table_privilege('se_u', 's6.t', 'SELECT')::text || ',' ||
		has_table_privilege('se_u', 's6.t', 'INSERT')::text || ',' || (SELECT count(*) FROM pg_namespace WHERE nspname = 's5')::text`); got != "false,true,0" {
		t.Errorf("after a savepoint rolled back to: %s", got)
	}
}
