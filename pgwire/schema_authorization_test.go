package pgwire_test

import (
	"context"
	"testing"
)

// TestCreateSchemaAuthorization: who may run CREATE SCHEMA ...
// AUTHORIZATION. A user with CREATE on the database may make a schema
// for themselves; for another role they need to be a member of it
// (PostgreSQL 15's check), which in stela, without role membership,
// only a superuser is. A user without CREATE may make none.
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
