package server_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// A constraint violation's DETAIL shows a user who may not read the
// whole table only the columns it may read or writes, and a duplicate
// or foreign key only when it may read every key column: PostgreSQL
// 15's details for the same statements (privileges_details.go).
func TestColumnGrantsErrorDetails(t *testing.T) {
	ctx := context.Background()
	c, exec := connectExec(t)
	exec("CREATE ROLE cgd_r")
	exec("CREATE TABLE cgd_t (id int PRIMARY KEY, a int, b int NOT NULL DEFAULT 5 CHECK (b > 0), c text UNIQUE, d int)")
	exec("INSERT INTO cgd_t VALUES (1, 1, 1, 'x', 1)")
	exec("GRANT INSERT (id, a, c), SELECT (a), UPDATE (a, b) ON cgd_t TO cgd_r")
	detailOf := func(stmt string) string {
		t.Helper()
		_, err := c.Exec(ctx, stmt)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			t.Fatalf("%s: %v, want an error", stmt, err)
		}
		return pe.Detail
	}
	// Steps with detail "ok" must succeed; the others fail with that
	// detail ("" none).
	steps := []struct{ stmt, detail string }{
		{"SET ROLE cgd_r", "ok"},
		{"INSERT INTO cgd_t DEFAULT VALUES", "Failing row contains (a) = (null)."},
		{"INSERT INTO cgd_t (id, a) VALUES (NULL, 2)", "Failing row contains (id, a) = (null, 2)."},
		{"INSERT INTO cgd_t (id, a, c) VALUES (1, 2, 'y')", ""},
		{"INSERT INTO cgd_t (id, a, c) VALUES (2, 2, 'x')", ""},
		{"UPDATE cgd_t SET b = -1", "Failing row contains (a, b) = (1, -1)."},
		{"RESET ROLE", "ok"},
		{"GRANT SELECT (id) ON cgd_t TO cgd_r", "ok"},
		{"SET ROLE cgd_r", "ok"},
		{"INSERT INTO cgd_t (id, a, c) VALUES (1, 2, 'y')", "Key (id)=(1) already exists."},
		{"RESET ROLE", "ok"},
		{"REVOKE ALL ON cgd_t FROM cgd_r", "ok"},
		{"GRANT INSERT (d) ON cgd_t TO cgd_r", "ok"},
		{"SET ROLE cgd_r", "ok"},
		{"INSERT INTO cgd_t (d) VALUES (1)", "Failing row contains (d) = (1)."},
		{"RESET ROLE", "ok"},
		{"GRANT SELECT ON cgd_t TO cgd_r", "ok"},
		{"SET ROLE cgd_r", "ok"},
		{"INSERT INTO cgd_t (d) VALUES (1)", "Failing row contains (null, null, 5, null, 1)."},
		{"RESET ROLE", "ok"},
		{"CREATE TABLE cgd_p (id int PRIMARY KEY, v int)", "ok"},
		{"CREATE TABLE cgd_ch (id int PRIMARY KEY, pid int REFERENCES cgd_p, w int)", "ok"},
		{"INSERT INTO cgd_p VALUES (1, 1)", "ok"},
		{"INSERT INTO cgd_ch VALUES (1, 1, 1)", "ok"},
		{"GRANT INSERT (id, pid) ON cgd_ch TO cgd_r", "ok"},
		{"GRANT DELETE ON cgd_p TO cgd_r", "ok"},
		{"GRANT SELECT (v) ON cgd_p TO cgd_r", "ok"},
		{"SET ROLE cgd_r", "ok"},
		{"INSERT INTO cgd_ch (id, pid) VALUES (2, 9)", `Key is not present in table "cgd_p".`},
		{"DELETE FROM cgd_p", `Key is still referenced from table "cgd_ch".`},
		{"RESET ROLE", "ok"},
		{"GRANT SELECT (pid) ON cgd_ch TO cgd_r", "ok"},
		{"GRANT SELECT (id) ON cgd_p TO cgd_r", "ok"},
		{"SET ROLE cgd_r", "ok"},
		{"INSERT INTO cgd_ch (id, pid) VALUES (2, 9)", `Key (pid)=(9) is not present in table "cgd_p".`},
		{"DELETE FROM cgd_p", `Key (id)=(1) is still referenced from table "cgd_ch".`},
		{"RESET ROLE", "ok"},
	}
	for _, s := range steps {
		if s.detail == "ok" {
			exec(s.stmt)
			continue
		}
		if got := detailOf(s.stmt); got != s.detail {
			t.Errorf("%s: detail %q, want %q", s.stmt, got, s.detail)
		}
	}
}

// COPY FROM hides a duplicate key from a user who may not read its
// columns, as INSERT does, and shows it to one who may.
func TestColumnGrantsCopyKeyDetail(t *testing.T) {
	ctx := context.Background()
	c, exec := connectExec(t)
	exec("CREATE ROLE cgc_r")
	exec("CREATE TABLE cgc_t (id int PRIMARY KEY, a int)")
	exec("INSERT INTO cgc_t VALUES (1, 1)")
	exec("GRANT INSERT (id, a) ON cgc_t TO cgc_r")
	copyDetail := func() string {
		t.Helper()
		_, err := c.PgConn().CopyFrom(ctx, strings.NewReader("1\t2\n"), "COPY cgc_t (id, a) FROM STDIN")
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "23505" {
			t.Fatalf("COPY: %v, want 23505", err)
		}
		return pe.Detail
	}
	exec("SET ROLE cgc_r")
	if d := copyDetail(); d != "" {
		t.Errorf("without SELECT (id): detail %q, want none", d)
	}
	exec("RESET ROLE")
	exec("GRANT SELECT (id) ON cgc_t TO cgc_r")
	exec("SET ROLE cgc_r")
	if d, want := copyDetail(), "Key (id)=(1) already exists."; d != want {
		t.Errorf("with SELECT (id): detail %q, want %q", d, want)
	}
}
