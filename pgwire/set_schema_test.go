package pgwire_test

import (
	"testing"
)

// TestSetSchemaRights: ALTER ... SET SCHEMA needs the relation's
// ownership and CREATE in the schema it moves to (stela's CREATE on the
// database), as PostgreSQL 15's AlterTableNamespace checks them.
func TestSetSchemaRights(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	execAll(t, admin, "CREATE DATABASE ss_db", "CREATE USER ss_u PASSWORD 'Schema#1234'",
		"GRANT CONNECT ON DATABASE ss_db TO ss_u")
	a, err := ts.connectAs("admin", adminPassword, "ss_db")
	if err != nil {
		t.Fatal(err)
	}
	execAll(t, a, "CREATE SCHEMA s", "CREATE TABLE t (id int)", "CREATE TABLE mine (id int)", "ALTER TABLE mine OWNER TO ss_u")
	u, err := ts.connectAs("ss_u", "Schema#1234", "ss_db")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ stmt, msg string }{
		{"ALTER TABLE t SET SCHEMA s", "must be owner of table t"},
		{"ALTER TABLE mine SET SCHEMA s", "permission denied for schema s"},
	} {
		if pe := wantState(t, u, "42501", c.stmt); pe != nil && pe.Message != c.msg {
			t.Errorf("%s: %q, want %q", c.stmt, pe.Message, c.msg)
		}
	}
	// A missing relation with IF EXISTS is a notice, whoever asks.
	execAll(t, u, "ALTER TABLE IF EXISTS nosuch SET SCHEMA s")
	execAll(t, a, "GRANT CREATE ON DATABASE ss_db TO ss_u")
	execAll(t, u, "ALTER TABLE mine SET SCHEMA s")
}
