package pgwire_test

import (
	"context"
	"testing"
)

// TestOwnerDDL: a relation's owner who is not one of the database's
// admins may do to it what PostgreSQL 15 lets an owner do (ALTER in all
// its forms, RENAME, DROP, CREATE and DROP INDEX, COMMENT ON, REFRESH,
// TRUNCATE, GRANT and REVOKE); on relations it does not own the same
// statements fail with PostgreSQL's "must be owner of ..." (or
// "permission denied for ...") and change nothing.
func TestOwnerDDL(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	ctx := context.Background()
	execAll(t, admin, "CREATE DATABASE od_db",
		"CREATE USER od_u PASSWORD 'Owner#1234'", "CREATE USER od_x PASSWORD 'Owner#1234'",
		"GRANT CONNECT ON DATABASE od_db TO od_u, od_x")
	a, err := ts.connectAs("admin", adminPassword, "od_db")
	if err != nil {
		t.Fatal(err)
	}
	execAll(t, a,
		"CREATE TABLE t (id int PRIMARY KEY, b int)", "CREATE INDEX ti ON t (b)",
		"CREATE VIEW v AS SELECT id FROM t", "CREATE SEQUENCE s", "CREATE MATERIALIZED VIEW m AS SELECT 1 AS x",
		"CREATE TABLE other (id int PRIMARY KEY)", "CREATE INDEX oi ON other (id)",
		"CREATE VIEW ov AS SELECT * FROM other", "CREATE SEQUENCE os", "CREATE MATERIALIZED VIEW om AS SELECT 1 AS x",
		"CREATE SCHEMA sc", "CREATE TABLE sc.inside (id int)", "CREATE SCHEMA asch",
		"ALTER TABLE t OWNER TO od_u", "ALTER VIEW v OWNER TO od_u", "ALTER SEQUENCE s OWNER TO od_u",
		"ALTER TABLE m OWNER TO od_u", "ALTER SCHEMA sc OWNER TO od_u")
	// A sequence linked to a table must have its owner.
	if pe := wantState(t, a, "55000", "CREATE SEQUENCE linked OWNED BY t.b"); pe.Message != "sequence must have same owner as table it is linked to" {
		t.Errorf("OWNED BY another's table: %q", pe.Message)
	}
	u, err := ts.connectAs("od_u", "Owner#1234", "od_db")
	if err != nil {
		t.Fatal(err)
	}
	x, err := ts.connectAs("od_x", "Owner#1234", "od_db")
	if err != nil {
		t.Fatal(err)
	}

	// Not theirs: refused, with PostgreSQL 15's words and codes.
	for _, c := range []struct{ stmt, code, msg string }{
		{"ALTER TABLE other ADD COLUMN c int", "42501", "must be owner of table other"},
		{"ALTER TABLE ov ADD COLUMN c int", "42501", "must be owner of view ov"},
		{"ALTER TABLE ov RENAME TO ov2", "42501", "must be owner of view ov"},
		{"ALTER VIEW other RENAME TO o2", "42501", "must be owner of table other"},
		{"ALTER INDEX oi RENAME TO oj", "42501", "must be owner of index oi"},
		{"ALTER TABLE om RENAME TO om2", "42501", "must be owner of materialized view om"},
		{"ALTER TABLE other RENAME COLUMN id TO z", "42501", "must be owner of table other"},
		{"ALTER SEQUENCE os RESTART", "42501", "must be owner of sequence os"},
		{"ALTER SEQUENCE other RESTART", "42501", "must be owner of table other"},
		{"DROP TABLE other", "42501", "must be owner of table other"},
		{"DROP TABLE ov", "42809", `"ov" is not a table`},
		{"DROP VIEW ov", "42501", "must be owner of view ov"},
		{"DROP SEQUENCE os", "42501", "must be owner of sequence os"},
		{"DROP INDEX oi", "42501", "must be owner of index oi"},
		{"DROP MATERIALIZED VIEW om", "42501", "must be owner of materialized view om"},
		{"DROP TABLE t, other", "42501", "must be owner of table other"},
		{"DROP TABLE nosuch", "42P01", `table "nosuch" does not exist`},
		{"CREATE INDEX ON other (id)", "42501", "must be owner of table other"},
		{"CREATE INDEX ON ov (id)", "42501", "must be owner of view ov"},
		{"COMMENT ON TABLE other IS 'x'", "42501", "must be owner of table other"},
		{"COMMENT ON TABLE ov IS 'x'", "42809", `"ov" is not a table`},
		{"COMMENT ON VIEW ov IS 'x'", "42501", "must be owner of view ov"},
		{"COMMENT ON COLUMN other.id IS 'x'", "42501", "must be owner of relation other"},
		{"COMMENT ON INDEX oi IS 'x'", "42501", "must be owner of index oi"},
		{"COMMENT ON CONSTRAINT other_pkey ON other IS 'x'", "42501", "must be owner of relation other"},
		{"COMMENT ON MATERIALIZED VIEW om IS 'x'", "42501", "must be owner of materialized view om"},
		{"REFRESH MATERIALIZED VIEW om", "42501", "must be owner of materialized view om"},
		{"TRUNCATE other", "42501", "permission denied for table other"},
		{"GRANT SELECT ON other TO od_x", "42501", "permission denied for table other"},
		{"REVOKE SELECT ON other FROM od_x", "42501", "permission denied for table other"},
		{"GRANT SELECT ON t, other TO od_x", "42501", "permission denied for table other"},
		{"ALTER TABLE sc.inside ADD COLUMN c int", "42501", "must be owner of table inside"},
		// Referencing a table needs REFERENCES on it.
		{"ALTER TABLE t ADD FOREIGN KEY (b) REFERENCES other (id)", "42501", "permission denied for table other"},
		{"DROP SCHEMA asch", "42501", "must be owner of schema asch"},
		{"COMMENT ON SCHEMA asch IS 'x'", "42501", "must be owner of schema asch"},
		{"ALTER SCHEMA asch OWNER TO od_u", "42501", "must be owner of schema asch"},
		{"COMMENT ON SCHEMA public IS 'x'", "42501", "must be owner of schema public"},
		// Creating is still for the database's admins.
		{"CREATE TABLE mine (id int)", "42501", "permission denied for schema public"},
	} {
		if pe := wantState(t, u, c.code, c.stmt); pe.Message != c.msg {
			t.Errorf("%s: %q, want %q", c.stmt, pe.Message, c.msg)
		}
	}
	var n int
	if err := a.QueryRow(ctx, "SELECT count(*) FROM pg_class WHERE relname IN ('t', 'other', 'ov', 'os', 'oi', 'om')").Scan(&n); err != nil || n != 6 {
		t.Fatalf("relations left: %d, %v", n, err)
	}

	// Theirs: every owner's statement runs.
	execAll(t, u,
		"ALTER TABLE t ADD COLUMN c int", "ALTER TABLE t ADD CONSTRAINT t_c CHECK (c > 0)",
		"ALTER TABLE t ALTER COLUMN c SET DEFAULT 1", "ALTER TABLE t ALTER COLUMN c TYPE bigint",
		"ALTER TABLE t DROP CONSTRAINT t_c", "ALTER TABLE t RENAME COLUMN c TO d", "ALTER TABLE t DROP COLUMN d",
		"ALTER TABLE t ADD COLUMN n serial", "ALTER TABLE t ADD FOREIGN KEY (b) REFERENCES t (id)",
		"CREATE INDEX tb ON t (b)", "ALTER INDEX tb RENAME TO tb2", "COMMENT ON INDEX tb2 IS 'i'", "DROP INDEX tb2",
		"COMMENT ON TABLE t IS 'x'", "COMMENT ON COLUMN t.b IS 'y'", "COMMENT ON CONSTRAINT t_pkey ON t IS 'z'",
		"ALTER INDEX ti RENAME TO ti2",
		"ALTER SEQUENCE s RESTART WITH 5", "COMMENT ON SEQUENCE s IS 's'",
		"ALTER VIEW v RENAME TO v2", "COMMENT ON VIEW v2 IS 'v'",
		"REFRESH MATERIALIZED VIEW m", "COMMENT ON MATERIALIZED VIEW m IS 'm'",
		"INSERT INTO t VALUES (1, 1)", "TRUNCATE t",
		"ALTER TABLE t RENAME TO t2", "ALTER TABLE t2 RENAME TO t")
	// The serial column's sequence is the table's owner's.
	var owner string
	if err := a.QueryRow(ctx, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 't_n_seq'").Scan(&owner); err != nil || owner != "od_u" {
		t.Errorf("t_n_seq owner %q, %v", owner, err)
	}
	// Granting on their table lets another user read it; revoking stops it.
	execAll(t, u, "GRANT SELECT ON t TO od_x")
	execAll(t, x, "SELECT * FROM t")
	execAll(t, u, "REVOKE SELECT ON t FROM od_x")
	wantState(t, x, "42501", "SELECT * FROM t")

	// A statement prepared while the table was theirs is refused once
	// it is given away: the check is of the moment it runs.
	if _, err := u.Prepare(ctx, "addcol", "ALTER TABLE t ADD COLUMN late int"); err != nil {
		t.Fatal(err)
	}
	execAll(t, a, "ALTER TABLE t OWNER TO admin")
	// (pgx runs a prepared statement named as the SQL.)
	if pe := wantState(t, u, "42501", "addcol"); pe.Message != "must be owner of table t" {
		t.Errorf("prepared after give-away: %q", pe.Message)
	}
	execAll(t, a, "ALTER TABLE t OWNER TO od_u")

	// The owner of a schema may drop what is in it (but not alter it),
	// comment on it and drop it.
	execAll(t, u, "DROP TABLE sc.inside", "COMMENT ON SCHEMA sc IS 'mine'", "ALTER SCHEMA sc OWNER TO od_u", "DROP SCHEMA sc")
	execAll(t, u, "DROP VIEW v2", "DROP MATERIALIZED VIEW m", "DROP SEQUENCE s", "DROP TABLE t")
	if err := a.QueryRow(ctx, "SELECT count(*) FROM pg_class WHERE relname IN ('t', 'v2', 'm', 's', 't_n_seq', 'inside')").Scan(&n); err != nil || n != 0 {
		t.Fatalf("relations left after the owner's drops: %d, %v", n, err)
	}
}
