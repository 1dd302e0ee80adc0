package pgwire_test

import (
	"context"
	"testing"
)

// TestCatalogShowsWhatUserMaySee: a user with CONNECT only sees a
// database's schemas but none of its relations in pg_catalog and
// information_schema; SELECT (any table privilege) shows them all, as
// table privileges cover every relation of a database in stela.
func TestCatalogShowsWhatUserMaySee(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	admin := ts.connect(t, "")
	const pw = "Vis!pw0rd"
	execAll(t, admin, "CREATE USER carol PASSWORD '"+pw+"'", "GRANT CONNECT ON DATABASE defaultdb TO carol",
		"CREATE TABLE secret (id int PRIMARY KEY, v text)", "CREATE VIEW secret_v AS SELECT id FROM secret", "CREATE SEQUENCE secret_s")
	carol, err := ts.connectAs("carol", pw, "defaultdb")
	if err != nil {
		t.Fatal(err)
	}
	defer carol.Close(ctx)
	queries := map[string]string{
		"pg_class":     "SELECT count(*) FROM pg_class WHERE relname LIKE 'secret%'",
		"pg_attribute": "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname = 'secret' AND a.attnum > 0",
		"pg_tables":    "SELECT count(*) FROM pg_tables WHERE tablename = 'secret'",
		"tables":       "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'secret%'",
		"columns":      "SELECT count(*) FROM information_schema.columns WHERE table_name = 'secret'",
		"sequences":    "SELECT count(*) FROM information_schema.sequences WHERE sequence_name = 'secret_s'",
	}
	count := func(what string) int {
		t.Helper()
		var n int
		if err := carol.QueryRow(ctx, queries[what]).Scan(&n); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return n
	}
	for what := range queries {
		if n := count(what); n != 0 {
			t.Errorf("CONNECT only: %s shows %d rows", what, n)
		}
	}
	var schemas int
	if err := carol.QueryRow(ctx, "SELECT count(*) FROM pg_namespace WHERE nspname = 'public'").Scan(&schemas); err != nil || schemas != 1 {
		t.Fatalf("CONNECT only: public schema rows %d %v", schemas, err)
	}
	execAll(t, admin, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO carol")
	want := map[string]int{"pg_class": 4, "pg_attribute": 2, "pg_tables": 1, "tables": 2, "columns": 2, "sequences": 1}
	for what, w := range want {
		// pg_class: the table, its primary key index, the view and the
		// sequence.
		if n := count(what); n != w {
			t.Errorf("with SELECT: %s shows %d rows, want %d", what, n, w)
		}
	}
}
