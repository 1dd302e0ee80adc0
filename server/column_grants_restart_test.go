package server_test

import (
	"context"
	"testing"
)

// Column privileges live in the grant records of the system log
// (catalog/grants.go): after a server restart they still show in
// attacl and still let a role read the granted columns only.
func TestColumnGrantsAcrossServerRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	srv := startAt(t, dir)
	c := mustConnect(t, dsnOf(srv))
	for _, q := range []string{
		"CREATE ROLE cgr_r", "CREATE TABLE cgr_t (id int PRIMARY KEY, a int, b int)",
		"INSERT INTO cgr_t VALUES (1, 2, 3)", "GRANT SELECT (id, a), UPDATE (b) ON cgr_t TO cgr_r",
	} {
		mustExec(t, c, q)
	}
	c = restarted(t, dir, srv, c)
	var acl string
	if err := c.QueryRow(ctx, `SELECT string_agg(attname || coalesce(replace(attacl::text, current_user, 'me'), ''), ' ' ORDER BY attnum)
		FROM pg_attribute WHERE attrelid = 'cgr_t'::regclass AND attnum > 0`).Scan(&acl); err != nil {
		t.Fatal(err)
	}
	if want := "id{cgr_r=r/me} a{cgr_r=r/me} b{cgr_r=w/me}"; acl != want {
		t.Errorf("attacl after restart: %q, want %q", acl, want)
	}
	if _, err := c.Exec(ctx, "SET ROLE cgr_r"); err != nil {
		t.Fatal(err)
	}
	var a int
	if err := c.QueryRow(ctx, "SELECT a FROM cgr_t WHERE id = 1").Scan(&a); err != nil || a != 2 {
		t.Errorf("granted columns after restart: %d %v", a, err)
	}
	if _, err := c.Exec(ctx, "SELECT b FROM cgr_t"); err == nil {
		t.Error("SELECT b after restart: no error, want permission denied")
	}
	if _, err := c.Exec(ctx, "UPDATE cgr_t SET b = 4"); err != nil {
		t.Errorf("UPDATE b after restart: %v", err)
	}
}
