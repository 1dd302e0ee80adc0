package sql

import (
	"context"
	"fmt"
	"testing"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// queryFirst runs one query in s and returns its first row's first
// value as text ("NULL" for NULL), or the error (no row is one).
func queryFirst(t *testing.T, s *Session, sql string) (string, error) {
	t.Helper()
	ctx := context.Background()
	stmts, err := parser.Parse(sql)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.PrepareSimple(stmts[0])
	if err != nil {
		return "", err
	}
	r, err := s.Execute(ctx, p, nil)
	if err != nil {
		return "", err
	}
	defer r.Close()
	row, err := r.Next(ctx)
	if err != nil {
		return "", err
	}
	if row == nil {
		return "", fmt.Errorf("%s: no row", sql)
	}
	if row[0] == nil {
		return "NULL", s.Sync(ctx)
	}
	return fmt.Sprint(row[0]), s.Sync(ctx)
}

// A function descriptor written before argument DEFAULTs were bound
// (no BoundDefaults, its default's text as written) resolves the
// default by the caller's search_path, as it was made to; one written
// now resolves it only among the functions it is bound to.
func TestArgDefaultsWrittenBeforeBinding(t *testing.T) {
	e := openTempEngine(t, t.TempDir())
	defer e.Close()
	s, err := e.NewSession(SessionArgs{User: AdminUser, Superuser: true, Database: "defaultdb", PID: 11})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runSQL(t, s, `CREATE SCHEMA o; CREATE FUNCTION o.one() RETURNS int LANGUAGE sql AS 'SELECT 1';
		SET search_path = o, public; CREATE FUNCTION public.f(a int DEFAULT one()) RETURNS int LANGUAGE sql AS 'SELECT a';
		CREATE SCHEMA ev; CREATE FUNCTION ev.one() RETURNS int LANGUAGE sql AS 'SELECT 666'`)

	for _, path := range []string{"public", "ev, o, public"} {
		runSQL(t, s, "SET search_path = "+path)
		if got, err := queryFirst(t, s, "SELECT public.f()"); err != nil || got != "1" {
			t.Fatalf("bound default with search_path %s: %s, %v; want 1", path, got, err)
		}
	}

	// Make the descriptor as CREATE FUNCTION wrote it before.
	rewriteFunctionF(t, e, func(fd *catalog.FunctionDesc) {
		if !fd.BoundDefaults || len(fd.DefaultCalls) != 1 || fd.Defaults[0] != "o.one()" {
			t.Fatalf("bound descriptor: %+v", fd)
		}
		fd.BoundDefaults, fd.DefaultCalls, fd.Defaults = false, nil, []string{"one()"}
	})

	for path, want := range map[string]string{"o, public": "1", "ev, o, public": "666"} {
		runSQL(t, s, "SET search_path = "+path)
		if got, err := queryFirst(t, s, "SELECT public.f()"); err != nil || got != want {
			t.Fatalf("old default with search_path %s: %s, %v; want %s", path, got, err, want)
		}
	}
	runSQL(t, s, "SET search_path = public")
	if _, err := queryFirst(t, s, "SELECT public.f()"); !pgerror.HasCode(err, pgcode.UndefinedFunction) {
		t.Fatalf("old default with search_path public: %v, want 42883", err)
	}
}

// A corrupted function descriptor with more bound call lists than
// defaults does not stop (or crash) ALTER FUNCTION ... RENAME TO of a
// function it calls: the lists without a default are ignored, as a call
// ignores them.
func TestArgDefaultCallsBeyondDefaults(t *testing.T) {
	e := openTempEngine(t, t.TempDir())
	defer e.Close()
	s, err := e.NewSession(SessionArgs{User: AdminUser, Superuser: true, Database: "defaultdb", PID: 12})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runSQL(t, s, `CREATE FUNCTION g() RETURNS int LANGUAGE sql AS 'SELECT 1';
		CREATE FUNCTION f(a int DEFAULT g()) RETURNS int LANGUAGE sql AS 'SELECT a'`)

	rewriteFunctionF(t, e, func(fd *catalog.FunctionDesc) {
		if len(fd.DefaultCalls) != 1 {
			t.Fatalf("function f: %+v", fd)
		}
		fd.DefaultCalls = append(fd.DefaultCalls, fd.DefaultCalls[0])
	})

	runSQL(t, s, "ALTER FUNCTION g() RENAME TO g2")
	if got, err := queryFirst(t, s, "SELECT f()"); err != nil || got != "1" {
		t.Fatalf("f() after the rename: %s, %v; want 1", got, err)
	}
}

// rewriteFunctionF changes the stored descriptor of public.f(integer)
// in defaultdb by change, as a descriptor written by an older stela or
// corrupted would read, and bumps the catalog version.
func rewriteFunctionF(t *testing.T, e *Engine, change func(*catalog.FunctionDesc)) {
	t.Helper()
	db, err := e.Database("defaultdb")
	if err != nil {
		t.Fatal(err)
	}
	txn, err := db.DB.Begin(engine.TxnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := catalog.LookupFunction(txn, catalog.PublicID, "f", []uint32{23})
	if err != nil || d == nil {
		t.Fatalf("function f: %v, %v", d, err)
	}
	change(d.Function)
	if err := catalog.Put(txn, d); err != nil {
		t.Fatal(err)
	}
	if err := catalog.BumpVersion(txn); err != nil {
		t.Fatal(err)
	}
	if _, err := txn.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
}
