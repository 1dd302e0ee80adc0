package server_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// COMMENT ON refuses a comment past its bound with 54000, keeps one at
// the bound, and reports a missing relation without a position (there
// is no name's place in the statement to point at, as in PostgreSQL).
func TestCommentLimits(t *testing.T) {
	ctx := context.Background()
	c, exec := connectExec(t)
	exec("CREATE TABLE cl (id int PRIMARY KEY)")

	exec("COMMENT ON TABLE cl IS '" + strings.Repeat("x", 64<<10) + "'")
	var n int
	if err := c.QueryRow(ctx, "SELECT length(obj_description('cl'::regclass, 'pg_class'))").Scan(&n); err != nil || n != 64<<10 {
		t.Fatalf("comment at the bound: length %d, %v", n, err)
	}

	var pe *pgconn.PgError
	_, err := c.Exec(ctx, "COMMENT ON TABLE cl IS '"+strings.Repeat("x", 64<<10+1)+"'")
	if !errors.As(err, &pe) || pe.Code != "54000" {
		t.Fatalf("comment past the bound: %v, want 54000", err)
	}
	_, err = c.Exec(ctx, "COMMENT ON TABLE cl_nosuch IS 'x'")
	if !errors.As(err, &pe) || pe.Code != "42P01" || pe.Position != 0 {
		t.Fatalf("comment on a missing table: %v (position %d), want 42P01 without a position", err, pe.Position)
	}
}
