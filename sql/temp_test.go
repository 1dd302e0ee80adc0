package sql

import (
	"context"
	"testing"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/parser"
)

// openTempEngine opens an engine over dir with its admin user.
func openTempEngine(t *testing.T, dir string) *Engine {
	t.Helper()
	e := openTestEngine(t, dir)
	if _, _, err := e.EnsureAdmin(context.Background(), "pw"); err != nil {
		t.Fatal(err)
	}
	return e
}

// runSQL runs the statements of sql in session s as one simple Query
// (an implicit transaction committed at the end), failing the test on
// an error.
func runSQL(t *testing.T, s *Session, sql string) {
	t.Helper()
	ctx := context.Background()
	stmts, err := parser.Parse(sql)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stmts {
		p, err := s.PrepareSimple(st)
		if err != nil {
			t.Fatalf("%s: %v", st.SQL, err)
		}
		r, err := s.Execute(ctx, p, nil)
		if err != nil {
			t.Fatalf("%s: %v", st.SQL, err)
		}
		for {
			row, err := r.Next(ctx)
			if err != nil {
				t.Fatalf("%s: %v", st.SQL, err)
			}
			if row == nil {
				break
			}
		}
		r.Close()
	}
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
}

// tempSchemas lists the temp schemas stored in a database.
func tempSchemas(t *testing.T, db *Database) []string {
	t.Helper()
	txn, err := db.DB.Begin(engine.TxnOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Rollback()
	all, err := catalog.All(txn)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range all {
		if d.Kind == catalog.KindSchema && catalog.IsTempSchema(d.Name) {
			out = append(out, d.Name)
		}
	}
	return out
}

// A server that stops with sessions open (a crash: their Close never
// runs) leaves their temp schemas; the next start drops them. A session
// given the number of a schema left over drops it before making its own.
func TestTempSchemaLeftByCrash(t *testing.T) {
	dir := t.TempDir()
	e := openTempEngine(t, dir)
	s, err := e.NewSession(SessionArgs{User: AdminUser, Superuser: true, Database: "defaultdb", PID: 7})
	if err != nil {
		t.Fatal(err)
	}
	runSQL(t, s, "CREATE TEMP TABLE t (a int PRIMARY KEY); INSERT INTO t VALUES (1)")
	db, err := e.Database("defaultdb")
	if err != nil {
		t.Fatal(err)
	}
	if got := tempSchemas(t, db); len(got) != 1 || got[0] != "pg_temp_7" {
		t.Fatalf("temp schemas before the crash: %v", got)
	}
	if err := e.Close(); err != nil { // no s.Close(): the crash
		t.Fatal(err)
	}

	e = openTempEngine(t, dir)
	defer e.Close()
	db, err = e.Database("defaultdb")
	if err != nil {
		t.Fatal(err)
	}
	if got := tempSchemas(t, db); len(got) != 0 {
		t.Fatalf("temp schemas after the restart: %v", got)
	}
	// The number is free for a new session, whose Close drops its
	// schema.
	s, err = e.NewSession(SessionArgs{User: AdminUser, Superuser: true, Database: "defaultdb", PID: 7})
	if err != nil {
		t.Fatal(err)
	}
	runSQL(t, s, "CREATE TEMP TABLE t (a int PRIMARY KEY); INSERT INTO t VALUES (1)")
	s.Close()
	if got := tempSchemas(t, db); len(got) != 0 {
		t.Fatalf("temp schemas after the session closed: %v", got)
	}
}

// A session given the number of a schema a crash left (when the start-up
// cleanup could not drop it) drops it, contents and all, before making
// its own temp schema.
func TestTempSchemaOfSameNumber(t *testing.T) {
	e := openTempEngine(t, t.TempDir())
	defer e.Close()
	old, err := e.NewSession(SessionArgs{User: AdminUser, Superuser: true, Database: "defaultdb", PID: 9})
	if err != nil {
		t.Fatal(err)
	}
	runSQL(t, old, "CREATE TEMP TABLE t (a int PRIMARY KEY); INSERT INTO t VALUES (1)")
	// The old session is forgotten without its Close, as a crash would.
	e.unregister(old)

	s, err := e.NewSession(SessionArgs{User: AdminUser, Superuser: true, Database: "defaultdb", PID: 9})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The old table went with the old schema: the same name and key are
	// free.
	runSQL(t, s, "CREATE TEMP TABLE t (a int PRIMARY KEY); INSERT INTO t VALUES (1)")
	db, _ := e.Database("defaultdb")
	if got := tempSchemas(t, db); len(got) != 1 || got[0] != "pg_temp_9" {
		t.Fatalf("temp schemas: %v", got)
	}
}
