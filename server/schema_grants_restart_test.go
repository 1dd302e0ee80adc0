package server_test

import (
	"context"
	"strings"
	"testing"
)

// Schema privileges live in the grant records of the system log
// (catalog/grants_schema.go): after a server restart nspacl still shows
// them, a role still creates where it was granted CREATE and still may
// not use a schema whose USAGE public lost.
func TestSchemaGrantsAcrossServerRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	srv := startAt(t, dir)
	c := mustConnect(t, dsnOf(srv))
	for _, q := range []string{
		"CREATE ROLE sgr_r", "CREATE SCHEMA sgr_s", "GRANT USAGE, CREATE ON SCHEMA sgr_s TO sgr_r",
		"REVOKE USAGE ON SCHEMA public FROM PUBLIC", "CREATE TABLE sgr_p (a int)",
	} {
		mustExec(t, c, q)
	}
	c.Close(ctx)
	shutdown(t, srv)

	srv = startAt(t, dir)
	defer shutdown(t, srv)
	c = mustConnect(t, dsnOf(srv))
	defer c.Close(ctx)
	var acl string
	if err := c.QueryRow(ctx, `SELECT string_agg(nspname || replace(nspacl::text, current_user, 'me'), ' ' ORDER BY nspname)
		FROM pg_namespace WHERE nspname IN ('public', 'sgr_s')`).Scan(&acl); err != nil {
		t.Fatal(err)
	}
	if want := "public{me=UC/me} sgr_s{me=UC/me,sgr_r=UC/me}"; acl != want {
		t.Errorf("nspacl after restart: %q, want %q", acl, want)
	}
	mustExec(t, c, "SET ROLE sgr_r")
	mustExec(t, c, "CREATE TABLE sgr_s.t (a int)")
	if _, err := c.Exec(ctx, "SELECT * FROM public.sgr_p"); err == nil || !strings.Contains(err.Error(), "permission denied for schema public") {
		t.Errorf("public without USAGE after restart: %v, want permission denied for schema public", err)
	}
}
