package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// A statement that checks or rewrites every row of a table (ALTER
// COLUMN ... TYPE, SET NOT NULL, CREATE INDEX) and a writer of the same
// table that run at once: whichever commits second fails with 40001,
// so that no row lands unchecked or in the old column types.

func TestTableRewriteVersusWriter(t *testing.T) {
	dsn := dsnOf(startServer(t, nil))
	a, b := mustConnect(t, dsn), mustConnect(t, dsn)
	ctx := context.Background()

	cases := []struct {
		name, ddl, write string
	}{
		{"alter type", "ALTER TABLE t ALTER COLUMN v TYPE bigint", "INSERT INTO t VALUES (3, 30)"},
		{"set not null", "ALTER TABLE t ALTER COLUMN v SET NOT NULL", "INSERT INTO t VALUES (3, NULL)"},
		{"unique index", "CREATE UNIQUE INDEX t_v ON t (v)", "INSERT INTO t VALUES (3, 10)"},
		{"check", "ALTER TABLE t ADD CHECK (v < 25)", "UPDATE t SET v = 99 WHERE id = 1"},
	}
	reset := func(t *testing.T) {
		mustExec(t, a, "DROP TABLE IF EXISTS t")
		mustExec(t, a, "CREATE TABLE t (id int PRIMARY KEY, v int)")
		mustExec(t, a, "INSERT INTO t VALUES (1, 10), (2, 20)")
	}
	// rows reads the table back through both the heap and any index.
	rows := func(t *testing.T) int {
		var n int
		if err := a.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, c := range cases {
		t.Run(c.name+": writer first, DDL commits, writer fails", func(t *testing.T) {
			reset(t)
			mustExec(t, b, "BEGIN")
			mustExec(t, b, c.write)
			mustExec(t, a, c.ddl)
			_, err := b.Exec(ctx, "COMMIT")
			if sqlState(err) != "40001" {
				t.Fatalf("writer's COMMIT: got %v, want 40001", err)
			}
			if n := rows(t); n != 2 {
				t.Fatalf("%d rows after the failed writer, want 2", n)
			}
		})
		t.Run(c.name+": DDL first, writer commits, DDL fails", func(t *testing.T) {
			reset(t)
			mustExec(t, a, "BEGIN")
			mustExec(t, a, c.ddl)
			mustExec(t, b, c.write)
			_, err := a.Exec(ctx, "COMMIT")
			if sqlState(err) != "40001" {
				t.Fatalf("DDL's COMMIT: got %v, want 40001", err)
			}
			// The writer's row stands, the DDL does not: it can be retried
			// and then judges that row.
			if _, err := a.Exec(ctx, c.ddl); err == nil && c.name != "alter type" {
				t.Fatalf("%s retried: accepted a table whose row violates it", c.ddl)
			}
		})
	}

	// Statements that change nothing a writer depends on commit beside
	// it, in either order, as in PostgreSQL (whose locks for them do not
	// conflict with a writer's, or only make them wait).
	metadata := []string{
		"COMMENT ON TABLE t IS 'audited'",
		"COMMENT ON COLUMN t.v IS 'value'",
		"COMMENT ON CONSTRAINT t_pkey ON t IS 'key'",
		"ALTER INDEX t_pkey RENAME TO t_key",
	}
	for _, ddl := range metadata {
		t.Run(ddl+": beside a writer", func(t *testing.T) {
			for _, writerFirst := range []bool{true, false} {
				reset(t)
				mustExec(t, b, "BEGIN")
				mustExec(t, a, "BEGIN")
				if writerFirst {
					mustExec(t, b, "INSERT INTO t VALUES (3, 30)")
					mustExec(t, a, ddl)
				} else {
					mustExec(t, a, ddl)
					mustExec(t, b, "INSERT INTO t VALUES (3, 30)")
				}
				mustExec(t, a, "COMMIT")
				mustExec(t, b, "COMMIT")
				if n := rows(t); n != 3 {
					t.Fatalf("%d rows, want 3", n)
				}
			}
		})
	}
	t.Run("rename table beside a writer", func(t *testing.T) {
		reset(t)
		mustExec(t, b, "BEGIN")
		mustExec(t, b, "INSERT INTO t VALUES (3, 30)")
		mustExec(t, a, "ALTER TABLE t RENAME TO t2")
		mustExec(t, b, "COMMIT")
		var n int
		if err := a.QueryRow(ctx, "SELECT count(*) FROM t2").Scan(&n); err != nil || n != 3 {
			t.Fatalf("count %d, %v; want 3", n, err)
		}
		mustExec(t, a, "ALTER TABLE t2 RENAME TO t")
	})
	t.Run("drop table after a writer", func(t *testing.T) {
		reset(t)
		mustExec(t, b, "BEGIN")
		mustExec(t, b, "INSERT INTO t VALUES (3, 30)")
		mustExec(t, a, "DROP TABLE t")
		if _, err := b.Exec(ctx, "COMMIT"); sqlState(err) != "40001" {
			t.Fatalf("writer's COMMIT after DROP TABLE: got %v, want 40001", err)
		}
	})

	t.Run("writers of other tables are not held up", func(t *testing.T) {
		reset(t)
		mustExec(t, a, "CREATE TABLE IF NOT EXISTS other (id int PRIMARY KEY)")
		mustExec(t, a, "BEGIN")
		mustExec(t, a, "ALTER TABLE t ALTER COLUMN v TYPE bigint")
		mustExec(t, b, "INSERT INTO other VALUES (1)")
		mustExec(t, a, "COMMIT")
	})

	t.Run("alter type after a writer is visible to it", func(t *testing.T) {
		reset(t)
		mustExec(t, a, "ALTER TABLE t ALTER COLUMN v TYPE text USING v::text || 'x'")
		var v string
		if err := b.QueryRow(ctx, "INSERT INTO t VALUES (3, 'y') RETURNING v").Scan(&v); err != nil {
			t.Fatal(err)
		}
		var got []string
		r, err := a.Query(ctx, "SELECT v FROM t ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		got, err = pgx.CollectRows(r, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0] != "10x" || got[2] != "y" {
			t.Fatalf("got %v", got)
		}
	})
}

// TestAlterTypeStatistics: ANALYZE's statistics of a column are of its
// type when analyzed. After ALTER COLUMN ... TYPE, in the same
// transaction or after its commit, a query on the column plans without
// them (it crashed the session on values of the old type), pg_stats
// leaves the column out until the next ANALYZE, and the other columns
// keep theirs, also across a restart.
func TestAlterTypeStatistics(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv := startAt(t, dir)
	c := mustConnect(t, dsnOf(srv))
	mustExec(t, c, "CREATE TABLE st (id int PRIMARY KEY, v int)")
	mustExec(t, c, "INSERT INTO st SELECT g, g % 10 FROM generate_series(1, 1000) g")
	mustExec(t, c, "ANALYZE st")
	count := func(c *pgx.Conn, q string) int {
		t.Helper()
		var n int
		if err := c.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	statsOf := func(c *pgx.Conn) string {
		t.Helper()
		r, err := c.Query(ctx, "SELECT attname FROM pg_stats WHERE tablename = 'st' ORDER BY attname")
		if err != nil {
			t.Fatal(err)
		}
		names, err := pgx.CollectRows(r, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(names, ",")
	}
	if s := statsOf(c); s != "id,v" {
		t.Fatalf("pg_stats before: %q", s)
	}

	mustExec(t, c, "BEGIN")
	mustExec(t, c, "ALTER TABLE st ALTER COLUMN v TYPE text")
	if n := count(c, "SELECT count(*) FROM st WHERE v = '3'"); n != 100 {
		t.Fatalf("in the altering transaction: %d", n)
	}
	if s := statsOf(c); s != "id" {
		t.Fatalf("pg_stats in the altering transaction: %q", s)
	}
	mustExec(t, c, "ROLLBACK")
	if s := statsOf(c); s != "id,v" {
		t.Fatalf("pg_stats after rollback: %q", s)
	}

	mustExec(t, c, "ALTER TABLE st ALTER COLUMN v TYPE text")
	if n := count(c, "SELECT count(*) FROM st WHERE v > '3'"); n != 600 {
		t.Fatalf("after commit: %d", n)
	}
	if n := count(c, "SELECT count(*) FROM st AS OF TX 3 WHERE v = '3'"); n != 100 {
		t.Fatalf("as of before the change: %d", n)
	}
	if s := statsOf(c); s != "id" {
		t.Fatalf("pg_stats after commit: %q", s)
	}

	// An ANALYZE in the transaction, then another change.
	mustExec(t, c, "BEGIN")
	mustExec(t, c, "ALTER TABLE st ALTER COLUMN v TYPE int USING v::int")
	mustExec(t, c, "ANALYZE st")
	if s := statsOf(c); s != "id,v" {
		t.Fatalf("pg_stats after ANALYZE in the transaction: %q", s)
	}
	mustExec(t, c, "ALTER TABLE st ALTER COLUMN v TYPE numeric USING v::numeric")
	if n := count(c, "SELECT count(*) FROM st WHERE v > 3"); n != 600 {
		t.Fatalf("after a second change: %d", n)
	}
	mustExec(t, c, "COMMIT")
	if s := statsOf(c); s != "id" {
		t.Fatalf("pg_stats after both: %q", s)
	}

	c = restarted(t, dir, srv, c)
	if s := statsOf(c); s != "id" {
		t.Fatalf("pg_stats after a restart: %q", s)
	}
	if n := count(c, "SELECT count(*) FROM st WHERE v = 3"); n != 100 {
		t.Fatalf("after a restart: %d", n)
	}
}
