package pgwire_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestDropOwned: DROP OWNED BY across databases and users, beside
// testdata/sql/ddl_drop_owned.test (compared with PostgreSQL 15), for
// what that file cannot show: the errors' DETAIL and the NOTICE of a
// cascade, who may run it, privileges on other databases, the
// revocations made at COMMIT, and DROP ROLE at the end.
func TestDropOwned(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	ctx := context.Background()
	execAll(t, admin, "CREATE DATABASE do_a", "CREATE DATABASE do_b",
		"CREATE USER do_u PASSWORD 'Owner#1234'", "CREATE USER do_v PASSWORD 'Owner#1234'",
		"GRANT CONNECT ON DATABASE do_a TO do_u", "GRANT CONNECT, CREATE ON DATABASE do_b TO do_u",
		"GRANT CONNECT ON DATABASE do_a TO do_v")
	var notices []*pgconn.Notice
	var mu sync.Mutex
	a := connectNoticing(t, ts, "admin", adminPassword, "do_a", func(n *pgconn.Notice) {
		mu.Lock()
		defer mu.Unlock()
		notices = append(notices, n)
	})
	b, err := ts.connectAs("admin", adminPassword, "do_b")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)
	// do_v's foreign key and view depend on do_u's table (made in this
	// order, the order in which PostgreSQL lists them too).
	execAll(t, a, "CREATE TABLE t (id int PRIMARY KEY)", "CREATE TABLE r (a int REFERENCES t)",
		"CREATE VIEW w AS SELECT id FROM t", "CREATE TABLE kept (id int)",
		"ALTER TABLE t OWNER TO do_u", "ALTER TABLE r OWNER TO do_v", "ALTER VIEW w OWNER TO do_v",
		"GRANT SELECT ON kept TO do_u")
	execAll(t, b, "CREATE TABLE x (id int)", "CREATE TABLE y (id int)", "ALTER TABLE x OWNER TO do_u")
	execAll(t, b, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO do_u")

	// Who may: a superuser, or a user for itself. Every role named must
	// exist before any is checked.
	v, err := ts.connectAs("do_v", "Owner#1234", "do_a")
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close(ctx)
	for stmt, c := range map[string]struct{ code, msg string }{
		"DROP OWNED BY do_u":                     {"42501", "permission denied to drop objects"},
		"DROP OWNED BY do_v, do_u":               {"42501", "permission denied to drop objects"},
		"DROP OWNED BY do_u, nosuch":             {"42704", `role "nosuch" does not exist`},
		"DROP OWNED BY admin":                    {"42501", "permission denied to drop objects"},
		"REASSIGN OWNED BY do_u, nosuch TO do_v": {"42704", `role "nosuch" does not exist`},
	} {
		if pe := wantState(t, v, c.code, stmt); pe.Message != c.msg {
			t.Errorf("%s: %q, want %q", stmt, pe.Message, c.msg)
		}
	}
	for _, stmt := range []string{"DROP OWNED BY admin", "DROP OWNED BY do_u, CURRENT_USER"} {
		if pe := wantState(t, a, "2BP01", stmt); pe.Message != "cannot drop objects owned by role admin because they are required by the database system" {
			t.Errorf("%s: %q", stmt, pe.Message)
		}
	}

	// RESTRICT names what depends on the one object dropped.
	pe := wantState(t, a, "2BP01", "DROP OWNED BY do_u")
	if pe.Message != "cannot drop table t because other objects depend on it" ||
		pe.Detail != "constraint r_a_fkey on table r depends on table t\nview w depends on table t" ||
		pe.Hint != "Use DROP ... CASCADE to drop the dependent objects too." {
		t.Errorf("RESTRICT: %q\n%s\nhint %q", pe.Message, pe.Detail, pe.Hint)
	}

	// The revocations wait for COMMIT: the drops are seen at once.
	execAll(t, a, "BEGIN", "DROP OWNED BY do_u CASCADE")
	mu.Lock()
	if len(notices) != 1 || notices[0].Message != "drop cascades to 2 other objects" ||
		notices[0].Detail != "drop cascades to constraint r_a_fkey on table r\ndrop cascades to view w" {
		t.Errorf("notices: %+v", notices)
	}
	mu.Unlock()
	if got := queryString(t, a, "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relname IN ('t', 'r', 'w', 'kept')"); got != "kept,r" {
		t.Errorf("relations in the transaction: %s", got)
	}
	grants := `SELECT coalesce(string_agg(user_name || '@' || database_name || ':' || database_privileges || '/' || table_privileges, ' ' ORDER BY 1), '')
		FROM stela_grants() WHERE user_name LIKE 'do\_%'`
	before := "do_u@do_a:CONNECT/ do_u@do_b:CREATE, CONNECT/SELECT do_v@do_a:CONNECT/"
	if got := queryString(t, a, grants); got != before {
		t.Errorf("grants before COMMIT: %s", got)
	}
	if got := queryString(t, a, "SELECT has_table_privilege('do_u', 'kept', 'SELECT')::text"); got != "true" {
		t.Errorf("SELECT on kept before COMMIT: %s", got)
	}
	execAll(t, a, "COMMIT")
	// do_u keeps only its grant on do_b's tables: privileges on the
	// databases are shared objects, and those on do_a's relations are
	// do_a's.
	if got := queryString(t, a, grants); got != "do_u@do_b:/SELECT do_v@do_a:CONNECT/" {
		t.Errorf("grants after COMMIT: %s", got)
	}
	if got := queryString(t, a, "SELECT has_table_privilege('do_u', 'kept', 'SELECT')::text"); got != "false" {
		t.Errorf("SELECT on kept after COMMIT: %s", got)
	}
	if got := queryString(t, b, "SELECT string_agg(relname || '=' || pg_get_userbyid(relowner), ',' ORDER BY relname) FROM pg_class WHERE relname IN ('x', 'y')"); got != "x=do_u,y=admin" {
		t.Errorf("do_b's relations: %s", got)
	}

	pe = wantState(t, a, "2BP01", "DROP ROLE do_u")
	if pe.Detail != "privileges for database do_b\n1 object in database do_b" {
		t.Errorf("DROP ROLE before do_b's turn: %q", pe.Detail)
	}
	// The sequence before DROP ROLE, in the other database.
	execAll(t, b, "REASSIGN OWNED BY do_u TO admin", "DROP OWNED BY do_u", "DROP ROLE do_u")
	if got := queryString(t, b, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'x'"); got != "admin" {
		t.Errorf("x's owner: %s", got)
	}

	// A user may drop what it owns itself; it loses its privileges too,
	// CONNECT among them (stela's PUBLIC holds none unless granted it).
	execAll(t, v, "DROP OWNED BY CURRENT_USER")
	if got := queryString(t, a, "SELECT count(*)::text FROM pg_class WHERE relname = 'r'"); got != "0" {
		t.Errorf("r after do_v's DROP OWNED: %s", got)
	}
	if got := queryString(t, a, grants); got != "" {
		t.Errorf("grants at the end: %s", got)
	}
	if _, err := ts.connectAs("do_v", "Owner#1234", "do_a"); sqlState(err) != "42501" {
		t.Errorf("do_v connecting after DROP OWNED: %v", err)
	}
	execAll(t, a, "DROP ROLE do_v")
}

// connectNoticing connects as user to database, passing each NOTICE
// the server sends to onNotice.
func connectNoticing(t *testing.T, ts *testServer, user, password, database string, onNotice func(*pgconn.Notice)) *pgx.Conn {
	t.Helper()
	host, port, _ := strings.Cut(ts.addr, ":")
	cfg, err := pgx.ParseConfig("host=" + host + " port=" + port + " sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	cfg.User, cfg.Password, cfg.Database = user, password, database
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { onNotice(n) }
	c, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// queryString runs a query of one text value.
func queryString(t *testing.T, c *pgx.Conn, q string) string {
	t.Helper()
	var s string
	if err := c.QueryRow(context.Background(), q).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}
