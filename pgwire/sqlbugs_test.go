package pgwire_test

// Regression tests for bugs of the SQL layer (sql/...) that the protocol
// scripts and the comparison with PostgreSQL found; each states
// PostgreSQL's behaviour.

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestSQLBugs(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	pgErr := func(t *testing.T, err error) *pgconn.PgError {
		t.Helper()
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			t.Fatalf("want a PostgreSQL error, got %v", err)
		}
		return pe
	}

	t.Run("nullif error position", func(t *testing.T) {
		c := ts.connect(t, "")
		_, err := c.Exec(ctx, "SELECT NULLIF(1, 'x')", pgx.QueryExecModeSimpleProtocol)
		if pe := pgErr(t, err); pe.Code != "22P02" || pe.Position != 18 {
			t.Fatalf("got %s at %d", pe.Code, pe.Position)
		}
	})

	t.Run("invalid setting value details", func(t *testing.T) {
		c := ts.connect(t, "")
		_, err := c.Exec(ctx, "SET statement_timeout = 'abc'")
		if pe := pgErr(t, err); pe.Code != "22023" || pe.Detail != "" {
			t.Fatalf("statement_timeout: %s %q", pe.Code, pe.Detail)
		}
		_, err = c.Exec(ctx, "SET DateStyle = 'Nonsense'")
		if pe := pgErr(t, err); pe.Code != "22023" || pe.Detail != `Unrecognized key word: "nonsense".` {
			t.Fatalf("DateStyle: %s %q", pe.Code, pe.Detail)
		}
	})

	t.Run("settings undone at the error in a block", func(t *testing.T) {
		c := ts.connect(t, "&application_name=start")
		if _, err := c.Exec(ctx, "BEGIN; SET application_name = 'changed'", pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Exec(ctx, "SELECT 'x'::int", pgx.QueryExecModeSimpleProtocol); pgErr(t, err).Code != "22P02" {
			t.Fatal(err)
		}
		if got := c.PgConn().ParameterStatus("application_name"); got != "start" {
			t.Fatalf("application_name after the error = %q, want %q", got, "start")
		}
	})

	t.Run("operator is not unique", func(t *testing.T) {
		c := ts.connect(t, "")
		_, err := c.Prepare(ctx, "s", "SELECT $1 + $2")
		if pe := pgErr(t, err); pe.Code != "42725" || pe.Message != "operator is not unique: unknown + unknown" {
			t.Fatalf("got %s %q", pe.Code, pe.Message)
		}
	})

	t.Run("untyped parameter in IS NULL", func(t *testing.T) {
		c := ts.connect(t, "")
		_, err := c.Prepare(ctx, "s", "SELECT $1 IS NULL")
		if pe := pgErr(t, err); pe.Code != "42P18" {
			t.Fatalf("got %s %q", pe.Code, pe.Message)
		}
	})

	t.Run("too many columns", func(t *testing.T) {
		c := ts.connect(t, "")
		q := "SELECT 1"
		for i := 1; i < 1665; i++ {
			q += ",1"
		}
		_, err := c.Exec(ctx, q)
		if pe := pgErr(t, err); pe.Code != "54011" {
			t.Fatalf("got %s %q", pe.Code, pe.Message)
		}
	})
}
