package pgwire_test

import (
	"testing"
)

// TestDroppedRelationTakesItsGrants: a relation's privileges go with it
// once the DROP commits (a rolled-back one keeps them), through DROP
// TABLE, DROP SCHEMA ... CASCADE and DROP SEQUENCE, so that DROP ROLE of
// the grantee is refused only while a live relation's grant remains.
func TestDroppedRelationTakesItsGrants(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	execAll(t, admin, "CREATE ROLE dg_r", "CREATE SCHEMA dg_s",
		"CREATE TABLE dg_t (a int)", "CREATE TABLE dg_s.inner_t (a int)", "CREATE SEQUENCE dg_q",
		"GRANT SELECT ON dg_t, dg_s.inner_t TO dg_r", "GRANT USAGE ON SEQUENCE dg_q TO dg_r",
		"BEGIN", "DROP TABLE dg_t", "ROLLBACK")
	var n int
	if err := admin.QueryRow(t.Context(), "SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = 'dg_r' AND table_name = 'dg_t'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("grants on dg_t after a rolled-back DROP: %d, %v; want 1", n, err)
	}
	execAll(t, admin, "DROP TABLE dg_t", "DROP SCHEMA dg_s CASCADE")
	if pe := wantState(t, admin, "2BP01", "DROP ROLE dg_r"); pe == nil {
		return
	}
	execAll(t, admin, "DROP SEQUENCE dg_q", "DROP ROLE dg_r")
}
