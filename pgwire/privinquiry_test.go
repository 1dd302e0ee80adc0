package pgwire_test

import (
	"context"
	"testing"
)

// TestPrivilegeInquiry: has_*_privilege answer from the grants the
// statements check, for the session user and for a named one.
func TestPrivilegeInquiry(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	ctx := context.Background()
	execAll(t, admin, "CREATE DATABASE pi_a", "CREATE USER pi_r PASSWORD 'Inquiry#123'",
		"GRANT CONNECT ON DATABASE pi_a TO pi_r")
	a, err := ts.connectAs("admin", adminPassword, "pi_a")
	if err != nil {
		t.Fatal(err)
	}
	execAll(t, a, "CREATE TABLE t (id int PRIMARY KEY)", "CREATE SEQUENCE s",
		"GRANT SELECT ON ALL TABLES IN SCHEMA public TO pi_r")
	r, err := ts.connectAs("pi_r", "Inquiry#123", "pi_a")
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]bool{
		"SELECT has_table_privilege('t', 'SELECT')":             true,
		"SELECT has_table_privilege('t', 'INSERT')":             false,
		"SELECT has_table_privilege('t', 'UPDATE, SELECT')":     true, // any of them
		"SELECT has_table_privilege('pg_class', 'SELECT')":      true,
		"SELECT has_column_privilege('t', 'id', 'SELECT')":      true,
		"SELECT has_column_privilege('t', 'id', 'UPDATE')":      false,
		"SELECT has_sequence_privilege('s', 'SELECT')":          true,
		"SELECT has_sequence_privilege('s', 'USAGE')":           false,
		"SELECT has_schema_privilege('public', 'USAGE')":        true,
		"SELECT has_schema_privilege('public', 'CREATE')":       false,
		"SELECT has_database_privilege('pi_a', 'CONNECT')":      true,
		"SELECT has_database_privilege('pi_a', 'CREATE')":       false,
		"SELECT has_database_privilege('defaultdb', 'CONNECT')": false,
	} {
		var got bool
		if err := r.QueryRow(ctx, q).Scan(&got); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if got != want {
			t.Errorf("%s as pi_r: %v, want %v", q, got, want)
		}
	}
	// The superuser asking about pi_r gets pi_r's answers, and its own.
	for q, want := range map[string]bool{
		"SELECT has_table_privilege('pi_r', 't', 'INSERT')": false,
		"SELECT has_table_privilege('pi_r', 't', 'SELECT')": true,
		"SELECT has_table_privilege('t', 'INSERT')":         true,
		"SELECT has_database_privilege('pi_a', 'CREATE')":   true,
	} {
		var got bool
		if err := a.QueryRow(ctx, q).Scan(&got); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if got != want {
			t.Errorf("%s as admin: %v, want %v", q, got, want)
		}
	}
	// information_schema shows the grant, from its grantor.
	var grantor, priv string
	if err := r.QueryRow(ctx, `SELECT grantor, privilege_type FROM information_schema.table_privileges
		WHERE table_name = 't' AND grantee = 'pi_r'`).Scan(&grantor, &priv); err != nil || grantor != "admin" || priv != "SELECT" {
		t.Errorf("table_privileges of pi_r: %q %q, %v; want admin SELECT", grantor, priv, err)
	}
	// After REVOKE, the answer changes at once.
	execAll(t, a, "REVOKE SELECT ON ALL TABLES IN SCHEMA public FROM pi_r")
	var got bool
	if err := r.QueryRow(ctx, "SELECT has_table_privilege('t', 'SELECT')").Scan(&got); err != nil || got {
		t.Errorf("after REVOKE: %v, %v; want false", got, err)
	}
	var n int
	if err := r.QueryRow(ctx, "SELECT count(*) FROM information_schema.table_privileges WHERE grantee = 'pi_r'").Scan(&n); err != nil || n != 0 {
		t.Errorf("table_privileges of pi_r after REVOKE: %d rows, %v", n, err)
	}
}
