package pgwire_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// grantLevel is immudb's ladder as stela expresses it with GRANT.
type grantLevel int

const (
	lvConnect grantLevel = iota // CONNECT only
	lvRead
	lvReadWrite
	lvAdmin
	lvSuper
)

var levelGrants = map[grantLevel][]string{
	lvConnect:   {"GRANT CONNECT ON DATABASE {db} TO {u}"},
	lvRead:      {"GRANT CONNECT ON DATABASE {db} TO {u}", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {u}"},
	lvReadWrite: {"GRANT CONNECT ON DATABASE {db} TO {u}", "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {u}"},
	lvAdmin:     {"GRANT ALL PRIVILEGES ON DATABASE {db} TO {u}"},
}

// matrixStmt is a statement class and the lowest level that may run it.
// {n} is replaced by a name unique to the run.
type matrixStmt struct {
	min  grantLevel
	sql  string
	copy string // "from" or "to": run as COPY through the copy protocol
	txn  bool   // run inside BEGIN ... ROLLBACK
}

var matrixStmts = []matrixStmt{
	{min: lvConnect, sql: "SELECT 1"},
	{min: lvConnect, sql: "SELECT count(*) FROM pg_class"},
	{min: lvRead, sql: "SELECT * FROM t"},
	{min: lvRead, sql: "SELECT * FROM v"},
	{min: lvRead, sql: "SELECT * FROM t AS OF TX 3"},
	{min: lvRead, sql: "SELECT count(*) FROM t FOR SYSTEM_TIME ALL"},
	{min: lvRead, sql: "SELECT stela_state()"},
	{min: lvRead, sql: "SELECT stela_row_proof('t', 1)"},
	{min: lvRead, sql: "SET stela.as_of_tx = 3"},
	{min: lvRead, sql: "COPY t TO STDOUT", copy: "to"},
	{min: lvRead, sql: "DECLARE c{n} CURSOR FOR SELECT * FROM t", txn: true},
	{min: lvReadWrite, sql: "INSERT INTO t VALUES ({id}, 1)"},
	{min: lvReadWrite, sql: "INSERT INTO t SELECT id + 100000, v FROM t WHERE false"},
	{min: lvReadWrite, sql: "UPDATE t SET v = v + 1 WHERE id = 1"},
	{min: lvReadWrite, sql: "DELETE FROM t WHERE id = -1"},
	{min: lvReadWrite, sql: "TRUNCATE t2"},
	{min: lvReadWrite, sql: "COPY t FROM STDIN", copy: "from"}, // the row is {id}
	{min: lvReadWrite, sql: "SELECT nextval('s')"},
	{min: lvReadWrite, sql: "SELECT setval('s', 10)"},
	{min: lvAdmin, sql: "CREATE TABLE n{n} (a int)"},
	{min: lvAdmin, sql: "CREATE INDEX i{n} ON t2 (v)"},
	{min: lvAdmin, sql: "ALTER TABLE t2 ADD COLUMN c{n} int"},
	{min: lvAdmin, sql: "CREATE VIEW v{n} AS SELECT 1"},
	{min: lvAdmin, sql: "DROP VIEW v", txn: true}, // rolled back: v is read above
	{min: lvAdmin, sql: "COMMENT ON VIEW v IS '{n}'"},
	{min: lvAdmin, sql: "CREATE SCHEMA s{n}"},
	{min: lvAdmin, sql: "GRANT CONNECT ON DATABASE {db} TO gr_connect"},
}

// TestPermissionMatrix runs every statement class as every level, in the
// database the level is granted on (own) and in another one where the
// user has CONNECT only (other): allowed statements succeed, the others
// fail with 42501 and change nothing.
func TestPermissionMatrix(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	ctx := context.Background()
	execAll(t, admin, "CREATE DATABASE gr_own", "CREATE DATABASE gr_other", "CREATE DATABASE gr_none")
	for _, db := range []string{"gr_own", "gr_other"} {
		c, err := ts.connectAs("admin", adminPassword, db)
		if err != nil {
			t.Fatal(err)
		}
		execAll(t, c, "CREATE TABLE t (id int PRIMARY KEY, v int)", "INSERT INTO t VALUES (1, 1), (2, 2)",
			"CREATE TABLE t2 (id int PRIMARY KEY, v int)", "CREATE SEQUENCE s", "CREATE VIEW v AS SELECT * FROM t")
		c.Close(ctx)
	}
	// Table privileges are granted in the database they are for.
	own, err := ts.connectAs("admin", adminPassword, "gr_own")
	if err != nil {
		t.Fatal(err)
	}
	users := map[grantLevel]string{lvConnect: "gr_connect", lvRead: "gr_read", lvReadWrite: "gr_rw", lvAdmin: "gr_admin", lvSuper: "gr_super"}
	for lv, u := range users {
		opt := ""
		if lv == lvSuper {
			opt = " SUPERUSER"
		}
		execAll(t, admin, "CREATE USER "+u+opt+" PASSWORD 'Matrix#123'")
		for _, g := range levelGrants[lv] {
			execAll(t, own, strings.NewReplacer("{db}", "gr_own", "{u}", u).Replace(g))
		}
		if lv != lvSuper {
			execAll(t, admin, "GRANT CONNECT ON DATABASE gr_other TO "+u)
		}
	}
	run, inserted := 0, 0
	for lv := lvConnect; lv <= lvSuper; lv++ {
		u := users[lv]
		// No CONNECT: the session is refused at startup.
		if _, err := ts.connectAs(u, "Matrix#123", "gr_none"); (lv == lvSuper) != (err == nil) || (err != nil && sqlState(err) != "42501") {
			t.Errorf("%s on gr_none: %v", u, err)
		}
		for _, db := range []string{"gr_own", "gr_other"} {
			have := lv
			if db == "gr_other" && lv != lvSuper {
				have = lvConnect
			}
			c, err := ts.connectAs(u, "Matrix#123", db)
			if err != nil {
				t.Fatalf("%s on %s: %v", u, db, err)
			}
			for _, st := range matrixStmts {
				run++
				id := fmt.Sprint(10000 + run)
				sql := strings.NewReplacer("{n}", fmt.Sprintf("%d_%s", lv, db), "{id}", id, "{db}", db).Replace(st.sql)
				err := runMatrix(ctx, c, st, sql, id)
				if err == nil && db == "gr_other" && (st.copy == "from" || strings.HasPrefix(sql, "INSERT INTO t VALUES")) {
					inserted++
				}
				if want := have >= st.min; want && err != nil {
					t.Errorf("%s on %s: %s: %v, want success", u, db, sql, err)
				} else if !want && sqlState(err) != "42501" {
					t.Errorf("%s on %s: %s: %v, want 42501", u, db, sql, err)
				}
				if _, err := c.Exec(ctx, "RESET stela.as_of_tx"); err != nil {
					t.Fatal(err)
				}
			}
			c.Close(ctx)
		}
	}
	// Denied writes changed nothing: gr_other's t holds its two rows and
	// those the superuser inserted.
	c, err := ts.connectAs("admin", adminPassword, "gr_other")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 2+inserted || inserted != 2 {
		t.Fatalf("gr_other.t after denied writes: %d %v", n, err)
	}
}

func runMatrix(ctx context.Context, c *pgx.Conn, st matrixStmt, sql, id string) error {
	switch st.copy {
	case "to":
		_, err := c.PgConn().CopyTo(ctx, &strings.Builder{}, sql)
		return err
	case "from":
		_, err := c.PgConn().CopyFrom(ctx, strings.NewReader(id+"\t5\n"), sql)
		return err
	}
	if st.txn {
		tx, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(ctx) }()
		_, err = tx.Exec(ctx, sql)
		return err
	}
	_, err := c.Exec(ctx, sql)
	return err
}

// TestGrantShapes: PostgreSQL's messages for denials, a REVOKE that holds
// for a statement prepared before it, admins granting on their own
// database only, and the grant shapes stela refuses (0A000).
func TestGrantShapes(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	ctx := context.Background()
	execAll(t, admin, "CREATE DATABASE gr_a", "CREATE DATABASE gr_b",
		"CREATE USER gr_u PASSWORD 'Shapes#123'", "CREATE USER gr_adm PASSWORD 'Shapes#123'",
		"GRANT CONNECT ON DATABASE gr_a, gr_b TO gr_u", "GRANT ALL ON DATABASE gr_a TO gr_adm",
		"GRANT CONNECT ON DATABASE gr_b TO gr_adm")
	a, err := ts.connectAs("admin", adminPassword, "gr_a")
	if err != nil {
		t.Fatal(err)
	}
	execAll(t, a, "CREATE TABLE t (id int PRIMARY KEY)", "CREATE TABLE t2 (id int)", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO gr_u")
	u, err := ts.connectAs("gr_u", "Shapes#123", "gr_a")
	if err != nil {
		t.Fatal(err)
	}
	for stmt, msg := range map[string]string{
		"INSERT INTO t VALUES (1)":                 "permission denied for table t",
		"TRUNCATE t2":                              "permission denied for table t2",
		"CREATE TABLE x (a int)":                   "permission denied for schema public",
		"DROP TABLE t2":                            "must be owner of table t2",
		"ALTER TABLE t2 ADD COLUMN b int":          "must be owner of table t2",
		"CREATE SCHEMA s":                          "permission denied for database gr_a",
		"GRANT CONNECT ON DATABASE gr_a TO gr_adm": "permission denied for database gr_a",
	} {
		if pe := wantState(t, u, "42501", stmt); pe != nil && pe.Message != msg {
			t.Errorf("%s: %q, want %q", stmt, pe.Message, msg)
		}
	}
	// Prepared while allowed, refused after REVOKE.
	if _, err := u.Prepare(ctx, "q", "SELECT * FROM t"); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Exec(ctx, "q"); err != nil {
		t.Fatal(err)
	}
	execAll(t, a, "REVOKE SELECT ON ALL TABLES IN SCHEMA public FROM gr_u")
	if _, err := u.Exec(ctx, "q"); sqlState(err) != "42501" {
		t.Fatalf("prepared SELECT after REVOKE: %v", err)
	}
	// An admin of gr_a grants there, not on gr_b.
	adm, err := ts.connectAs("gr_adm", "Shapes#123", "gr_a")
	if err != nil {
		t.Fatal(err)
	}
	execAll(t, adm, "GRANT INSERT, SELECT ON ALL TABLES IN SCHEMA public TO gr_u", "CREATE TABLE by_adm (a int)")
	wantState(t, adm, "42501", "GRANT CONNECT ON DATABASE gr_b TO gr_u")
	execAll(t, u, "INSERT INTO t VALUES (1)")
	// Shapes that cannot be kept as asked.
	for _, stmt := range []string{
		"GRANT SELECT (id) ON ALL TABLES IN SCHEMA public TO gr_u",
		"GRANT CONNECT ON DATABASE gr_a TO gr_u WITH GRANT OPTION",
		"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO gr_u", "GRANT EXECUTE ON FUNCTION f() TO gr_u",
	} {
		wantState(t, a, "0A000", stmt)
	}
	wantState(t, a, "0LP01", "GRANT SELECT ON DATABASE gr_a TO gr_u")
	wantState(t, a, "42704", "GRANT CONNECT ON DATABASE gr_a TO gr_nobody")
	wantState(t, a, "3D000", "GRANT CONNECT ON DATABASE gr_nowhere TO gr_u")
	execAll(t, a, "CREATE SCHEMA s2")
	wantState(t, a, "0A000", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO gr_u")
	execAll(t, a, "GRANT SELECT ON ALL TABLES IN SCHEMA public, s2 TO gr_u", "REVOKE CONNECT ON DATABASE gr_a FROM PUBLIC", "GRANT USAGE ON SCHEMA s2 TO gr_u")
	// REVOKE CONNECT: new sessions are refused.
	execAll(t, admin, "REVOKE CONNECT ON DATABASE gr_a FROM gr_u")
	if _, err := ts.connectAs("gr_u", "Shapes#123", "gr_a"); sqlState(err) != "42501" || !strings.Contains(err.Error(), `permission denied for database "gr_a"`) {
		t.Fatalf("after REVOKE CONNECT: %v", err)
	}
}
