package pgwire_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// connectAs opens a connection as user to database, or returns the error.
func (ts *testServer) connectAs(user, password, database string) (*pgx.Conn, error) {
	host, port, _ := net.SplitHostPort(ts.addr)
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%s sslmode=disable", host, port))
	if err != nil {
		return nil, err
	}
	cfg.User, cfg.Password, cfg.Database = user, password, database
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return pgx.ConnectConfig(ctx, cfg)
}

// sqlState returns the SQLSTATE of an error ("" for none).
func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// execAll runs statements that must succeed.
func execAll(t *testing.T, c *pgx.Conn, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := c.Exec(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// wantState runs a statement that must fail with code.
func wantState(t *testing.T, c *pgx.Conn, code, stmt string) *pgconn.PgError {
	t.Helper()
	_, err := c.Exec(context.Background(), stmt)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != code {
		t.Fatalf("%s: got %v, want SQLSTATE %s", stmt, err, code)
	}
	return pe
}

// waitClosed waits until a connection the server terminated reports
// the 57P01 it was sent.
func waitTerminated(t *testing.T, c *pgx.Conn) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		_, err := c.Exec(context.Background(), "SELECT 1")
		if err != nil {
			if s := sqlState(err); s != "57P01" && !c.IsClosed() {
				t.Fatalf("terminated session: %v, want 57P01", err)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("session was not terminated")
}

func TestCreateDropDatabase(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	ctx := context.Background()
	execAll(t, admin, "CREATE DATABASE ud_a")
	wantState(t, admin, "42P04", "CREATE DATABASE ud_a")
	wantState(t, admin, "42601", "CREATE DATABASE ud_b WITH FOO = 1")
	wantState(t, admin, "0A000", "CREATE DATABASE ud_b ENCODING 'LATIN1'")
	wantState(t, admin, "0A000", "CREATE DATABASE ud_b TEMPLATE defaultdb")
	execAll(t, admin, "CREATE DATABASE ud_b TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C' CONNECTION LIMIT -1 IS_TEMPLATE false")
	// Not in a transaction block, explicit or implicit.
	tx, err := admin.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantState(t, tx.Conn(), "25001", "CREATE DATABASE ud_c")
	_ = tx.Rollback(ctx)
	res := admin.PgConn().Exec(ctx, "SELECT 1; DROP DATABASE ud_b")
	if _, err := res.ReadAll(); sqlState(err) != "25001" {
		t.Fatalf("DROP DATABASE in a multi-statement query: %v", err)
	}

	// The new database serves, with a log of its own.
	a, err := ts.connectAs("admin", adminPassword, "ud_a")
	if err != nil {
		t.Fatal(err)
	}
	execAll(t, a, "CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1)")
	var n int
	if err := a.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Fatalf("count: %d %v", n, err)
	}
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); sqlState(err) != "42P01" {
		t.Fatalf("defaultdb sees ud_a's table: %v", err)
	}
	// Listed in pg_database.
	var names string
	if err := admin.QueryRow(ctx, "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database").Scan(&names); err != nil || names != "defaultdb,postgres,ud_a,ud_b" {
		t.Fatalf("pg_database: %q %v", names, err)
	}

	// Another session is connected: DROP refuses (55006), the current
	// database cannot be dropped either.
	pe := wantState(t, admin, "55006", "DROP DATABASE ud_a")
	if pe.Message != `database "ud_a" is being accessed by other users` || pe.Detail != "There is 1 other session using the database." {
		t.Fatalf("in use: %q / %q", pe.Message, pe.Detail)
	}
	wantState(t, a, "55006", "DROP DATABASE ud_a")
	wantState(t, admin, "55006", "ALTER DATABASE ud_a RENAME TO ud_z")
	wantState(t, a, "0A000", "ALTER DATABASE ud_a RENAME TO ud_z")

	// FORCE ends the session (57P01), then drops.
	execAll(t, admin, "DROP DATABASE ud_a WITH (FORCE)")
	waitTerminated(t, a)
	if _, err := ts.connectAs("admin", adminPassword, "ud_a"); sqlState(err) != "3D000" {
		t.Fatalf("connect to a dropped database: %v", err)
	}
	if _, err := ts.connectAs("admin", adminPassword, "ud_nowhere"); sqlState(err) != "3D000" {
		t.Fatalf("connect to an unknown database: %v", err)
	}
	wantState(t, admin, "3D000", "DROP DATABASE ud_a")
	execAll(t, admin, "DROP DATABASE IF EXISTS ud_a")

	// Its files were moved aside, not erased; databases/ holds no
	// directory of it.
	dir := ts.engine.DataDir()
	moved, _ := filepath.Glob(filepath.Join(dir, "dropped", "ud_a-*"))
	if len(moved) != 1 {
		t.Fatalf("dropped/: %v", moved)
	}
	if _, err := os.Stat(filepath.Join(moved[0], "MANIFEST")); err != nil {
		if entries, _ := os.ReadDir(moved[0]); len(entries) == 0 {
			t.Fatalf("moved directory is empty")
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "databases", "ud_a")); !os.IsNotExist(err) {
		t.Fatalf("databases/ud_a still there: %v", err)
	}

	// A new database of the same name is a new, empty one.
	execAll(t, admin, "CREATE DATABASE ud_a")
	a2, err := ts.connectAs("admin", adminPassword, "ud_a")
	if err != nil {
		t.Fatal(err)
	}
	if err := a2.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); sqlState(err) != "42P01" {
		t.Fatalf("recreated database has the old table: %v", err)
	}
	a2.Close(ctx)

	// Rename: the data follows; the old name is gone.
	b, err := ts.connectAs("admin", adminPassword, "ud_b")
	if err != nil {
		t.Fatal(err)
	}
	execAll(t, b, "CREATE TABLE kept (x text)", "INSERT INTO kept VALUES ('here')")
	b.Close(ctx)
	wantState(t, admin, "42P04", "ALTER DATABASE ud_b RENAME TO ud_a")
	wantState(t, admin, "3D000", "ALTER DATABASE ud_nowhere RENAME TO ud_c")
	execAll(t, admin, "ALTER DATABASE ud_b RENAME TO ud_c")
	if _, err := ts.connectAs("admin", adminPassword, "ud_b"); sqlState(err) != "3D000" {
		t.Fatalf("connect to the old name: %v", err)
	}
	c, err := ts.connectAs("admin", adminPassword, "ud_c")
	if err != nil {
		t.Fatal(err)
	}
	var s string
	if err := c.QueryRow(ctx, "SELECT x FROM kept").Scan(&s); err != nil || s != "here" {
		t.Fatalf("renamed database: %q %v", s, err)
	}
	if err := c.QueryRow(ctx, "SELECT current_database()").Scan(&s); err != nil || s != "ud_c" {
		t.Fatalf("current_database: %q %v", s, err)
	}
	c.Close(ctx)
	execAll(t, admin, "DROP DATABASE ud_c", "DROP DATABASE ud_a")
	if err := admin.QueryRow(ctx, "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database").Scan(&names); err != nil || names != "defaultdb,postgres" {
		t.Fatalf("pg_database at the end: %q %v", names, err)
	}
}
