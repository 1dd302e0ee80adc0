package pgwire_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// TestPgxModes runs the same queries through pgx's protocol modes.
func TestPgxModes(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	for _, mode := range []string{"cache_statement", "cache_describe", "describe_exec", "exec", "simple_protocol"} {
		t.Run(mode, func(t *testing.T) {
			c := ts.connect(t, "&default_query_exec_mode="+mode)
			var n int32
			var s string
			if err := c.QueryRow(ctx, "SELECT $1::int + 1, 'x' || $2::text", 41, "y").Scan(&n, &s); err != nil || n != 42 || s != "xy" {
				t.Fatalf("got %d %q %v", n, s, err)
			}
			_, err := c.Exec(ctx, "SELECT 1/0")
			if pgCode(err) != "22012" {
				t.Fatalf("1/0: %v", err)
			}
			tx, err := c.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(ctx, "SELECT 1/0"); pgCode(err) != "22012" {
				t.Fatalf("in tx: %v", err)
			}
			if _, err := tx.Exec(ctx, "SELECT 1"); pgCode(err) != "25P02" {
				t.Fatalf("after error in tx: %v", err)
			}
			if err := tx.Rollback(ctx); err != nil {
				t.Fatal(err)
			}
			if err := c.Ping(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestSetShowAndParameterStatus(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	c := ts.connect(t, "&application_name=tester")
	if got := c.PgConn().ParameterStatus("application_name"); got != "tester" {
		t.Fatalf("application_name = %q", got)
	}
	if v := c.PgConn().ParameterStatus("server_version"); v == "" || v[:3] != "16." {
		t.Fatalf("server_version = %q", v)
	}
	if _, err := c.Exec(ctx, "SET TimeZone = 'Europe/Rome'"); err != nil {
		t.Fatal(err)
	}
	if got := c.PgConn().ParameterStatus("TimeZone"); got != "Europe/Rome" {
		t.Fatalf("TimeZone after SET = %q", got)
	}
	var tz string
	if err := c.QueryRow(ctx, "SHOW timezone").Scan(&tz); err != nil || tz != "Europe/Rome" {
		t.Fatalf("SHOW timezone = %q, %v", tz, err)
	}
	// SET is undone by ROLLBACK.
	tx, _ := c.Begin(ctx)
	if _, err := tx.Exec(ctx, "SET DateStyle = 'German'"); err != nil {
		t.Fatal(err)
	}
	tx.Rollback(ctx)
	var ds string
	if err := c.QueryRow(ctx, "SHOW DateStyle").Scan(&ds); err != nil || ds != "ISO, MDY" {
		t.Fatalf("DateStyle after rollback = %q, %v", ds, err)
	}
	if _, err := c.Exec(ctx, "SET no_such_thing = 1"); pgCode(err) != "42704" {
		t.Fatalf("unknown setting: %v", err)
	}
	if _, err := c.Exec(ctx, "SET server_version = '1'"); pgCode(err) != "55P02" {
		t.Fatalf("read-only setting: %v", err)
	}
}

func TestErrorsHaveCodesAndPositions(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	c := ts.connect(t, "")
	_, err := c.Exec(ctx, "SELEC 1")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42601" || pe.Position != 1 || pe.Severity != "ERROR" {
		t.Fatalf("syntax error: %+v", err)
	}
	_, err = c.Exec(ctx, "SELECT * FROM nope")
	if !errors.As(err, &pe) || pe.Code != "42P01" || pe.Position != 15 {
		t.Fatalf("missing table: %+v", err)
	}
	_, err = c.Exec(ctx, "CREATE PUBLICATION p FOR ALL TABLES")
	if pgCode(err) != "0A000" {
		t.Fatalf("unsupported statement: %v", err)
	}
	_, err = c.Exec(ctx, "SELECT 'abc'::int")
	if !errors.As(err, &pe) || pe.Code != "22P02" || pe.Position != 8 {
		t.Fatalf("bad literal: %+v", err)
	}
	rows, err := c.Query(ctx, "SELECT 1", pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
}
