package server_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// What testdata/sql/ddl_sequence_default_deps.test cannot show: the
// DETAIL, HINT and NOTICE of a drop refused or cascading to the defaults
// that call a sequence, and the parameter types of the sequence
// functions. With STELA_SQLTEST_PG set it runs against that PostgreSQL
// instead (in a schema of its own), to check the expectations.

// seqDepConn connects to a fresh stela, or to PostgreSQL in a fresh
// schema, collecting the notices it receives.
func seqDepConn(t *testing.T) (*pgx.Conn, func() []*pgconn.Notice) {
	t.Helper()
	dsn := *sqlFilesPG
	if dsn == "" {
		dsn = dsnOf(startServer(t, nil))
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var notices []*pgconn.Notice
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		mu.Lock()
		defer mu.Unlock()
		notices = append(notices, n)
	}
	c, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	if *sqlFilesPG != "" {
		mustExec(t, c, "SET client_min_messages = warning")
		mustExec(t, c, "DROP SCHEMA IF EXISTS seqdep_test CASCADE")
		mustExec(t, c, "RESET client_min_messages")
		mustExec(t, c, "CREATE SCHEMA seqdep_test")
		mustExec(t, c, "SET search_path = seqdep_test")
		t.Cleanup(func() { c.Exec(context.Background(), "DROP SCHEMA seqdep_test CASCADE") })
	}
	taken := func() []*pgconn.Notice {
		mu.Lock()
		defer mu.Unlock()
		out := notices
		notices = nil
		return out
	}
	return c, taken
}

func TestSequenceDefaultDependencyMessages(t *testing.T) {
	ctx := context.Background()
	c, notices := seqDepConn(t)
	mustExec(t, c, "CREATE SEQUENCE s")
	mustExec(t, c, "CREATE TABLE t (a int DEFAULT nextval('s'), b int)")

	refused := func(t *testing.T, sql, msg, detail string) {
		t.Helper()
		_, err := c.Exec(ctx, sql)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			t.Fatalf("%s: got %v, want 2BP01", sql, err)
		}
		if pe.Code != "2BP01" || pe.Message != msg || pe.Detail != detail || pe.Hint != "Use DROP ... CASCADE to drop the dependent objects too." {
			t.Fatalf("%s:\ngot  %s %q\n     detail %q\n     hint %q\nwant 2BP01 %q\n     detail %q", sql, pe.Code, pe.Message, pe.Detail, pe.Hint, msg, detail)
		}
	}
	refused(t, "DROP SEQUENCE s", "cannot drop sequence s because other objects depend on it",
		"default value for column a of table t depends on sequence s")

	mustExec(t, c, "CREATE TABLE t2 (x bigint DEFAULT nextval('s') * 10, y text DEFAULT 'x' || nextval('s'))")
	refused(t, "DROP SEQUENCE s", "cannot drop sequence s because other objects depend on it",
		"default value for column a of table t depends on sequence s\n"+
			"default value for column x of table t2 depends on sequence s\n"+
			"default value for column y of table t2 depends on sequence s")

	// A table's owned sequence goes with it: a default of another table
	// calling it is the table's dependent.
	mustExec(t, c, "CREATE TABLE owner (id serial, v int)")
	mustExec(t, c, "CREATE TABLE user1 (u int DEFAULT nextval('owner_id_seq'))")
	refused(t, "DROP TABLE owner", "cannot drop table owner because other objects depend on it",
		"default value for column u of table user1 depends on sequence owner_id_seq")
	refused(t, "ALTER TABLE owner DROP COLUMN id", "cannot drop column id of table owner because other objects depend on it",
		"default value for column u of table user1 depends on sequence owner_id_seq")
	notices()

	wantNotices := func(t *testing.T, msg, detail string) {
		t.Helper()
		got := notices()
		if len(got) != 1 || got[0].Severity != "NOTICE" || got[0].Message != msg || got[0].Detail != detail {
			var desc []string
			for _, n := range got {
				desc = append(desc, n.Severity+" "+n.Message+" / "+n.Detail)
			}
			t.Fatalf("notices %q, want NOTICE %q / %q", desc, msg, detail)
		}
	}
	mustExec(t, c, "DROP TABLE owner CASCADE")
	wantNotices(t, "drop cascades to default value for column u of table user1", "")

	mustExec(t, c, "DROP SEQUENCE s CASCADE")
	wantNotices(t, "drop cascades to 3 other objects",
		"drop cascades to default value for column a of table t\n"+
			"drop cascades to default value for column x of table t2\n"+
			"drop cascades to default value for column y of table t2")
}

// The sequence functions take a regclass: a parameter in their place is
// described as one (oid 2205), and takes the sequence's name as text, or
// its OID.
func TestSequenceFunctionParameterTypes(t *testing.T) {
	ctx := context.Background()
	c, _ := seqDepConn(t)
	mustExec(t, c, "CREATE SEQUENCE s")
	for sql, want := range map[string][]uint32{
		"SELECT nextval($1)":         {2205},
		"SELECT currval($1)":         {2205},
		"SELECT setval($1, $2)":      {2205, 20},
		"SELECT setval($1, $2, $3)":  {2205, 20, 16},
		"SELECT nextval($1::text)":   {25},
		"SELECT nextval($1::oid)":    {26},
		"SELECT nextval($1) + $2":    {2205, 20},
		"SELECT setval('s', $1 + 0)": {23},
	} {
		sd, err := c.Prepare(ctx, "", sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		if !equalOIDs(sd.ParamOIDs, want) {
			t.Errorf("%s: parameter types %v, want %v", sql, sd.ParamOIDs, want)
		}
	}
	var oid string
	if err := c.QueryRow(ctx, "SELECT 's'::regclass::oid::text").Scan(&oid); err != nil {
		t.Fatal(err)
	}
	schema := "public"
	if *sqlFilesPG != "" {
		schema = "seqdep_test"
	}
	for i, name := range []string{"s", schema + ".s", `"s"`, oid} {
		var v int64
		if err := c.QueryRow(ctx, "SELECT nextval($1)", name).Scan(&v); err != nil {
			t.Fatalf("nextval(%q): %v", name, err)
		}
		if v != int64(i+1) {
			t.Fatalf("nextval(%q) = %d, want %d", name, v, i+1)
		}
	}
	var v int64
	if err := c.QueryRow(ctx, "SELECT setval($1, $2, false)", "s", 10).Scan(&v); err != nil || v != 10 {
		t.Fatalf("setval: %d, %v", v, err)
	}
	if err := c.QueryRow(ctx, "SELECT nextval($1)", "s").Scan(&v); err != nil || v != 10 {
		t.Fatalf("nextval after setval: %d, %v", v, err)
	}
	_, err := c.Exec(ctx, "SELECT nextval($1)", "nope")
	if sqlState(err) != "42P01" || !strings.Contains(err.Error(), `relation "nope" does not exist`) {
		t.Fatalf("nextval of a missing sequence: %v, want 42P01", err)
	}
}

func equalOIDs(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
