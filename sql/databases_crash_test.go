package sql

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// The crash points of CREATE and DROP DATABASE (databases.go), simulated
// by doing the steps before the crash and restarting the engine: start-up
// must leave a consistent state, serving no half-made or half-dropped
// database and erasing nothing.

func openTestEngine(t *testing.T, dir string) *Engine {
	t.Helper()
	e, err := Open(context.Background(), Config{DataDir: dir, KV: kv.Options{MinFreeBytes: -1}, Logger: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// served reports whether a database is served and recorded.
func served(t *testing.T, e *Engine, name string) (open, recorded bool) {
	t.Helper()
	_, err := e.Database(name)
	open = err == nil
	_, err = e.sys.Database(name)
	if err != nil && !pgerror.HasCode(err, pgcode.InvalidCatalogName) {
		t.Fatal(err)
	}
	return open, err == nil
}

func movedAside(t *testing.T, dir, base string) int {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, droppedDir, base+"-*"))
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

func TestCreateDatabaseCrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e := openTestEngine(t, dir)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	// Step 1 done (a store in its directory, with a transaction in it),
	// crash before step 2 (its record).
	st, err := kv.Open(filepath.Join(dir, databasesDir, "ud_half"), kv.Options{MinFreeBytes: -1, Origin: "stela.local/ud_half"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Commit(ctx, []kv.Write{{Key: []byte("k"), Value: []byte("v")}}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	e = openTestEngine(t, dir)
	defer e.Close()
	if open, rec := served(t, e, "ud_half"); open || rec {
		t.Fatalf("half-created database: served %v, recorded %v", open, rec)
	}
	if _, err := os.Stat(filepath.Join(dir, databasesDir, "ud_half")); !os.IsNotExist(err) {
		t.Fatalf("orphan directory left in databases/: %v", err)
	}
	if n := movedAside(t, dir, "ud_half"); n != 1 {
		t.Fatalf("orphan directory moved aside %d times", n)
	}
	// The name is free, and a database made under it is new and served.
	if err := e.createDatabase(ctx, "ud_half", ""); err != nil {
		t.Fatal(err)
	}
	if open, rec := served(t, e, "ud_half"); !open || !rec {
		t.Fatalf("recreated: served %v, recorded %v", open, rec)
	}
}

func TestDropDatabaseCrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e := openTestEngine(t, dir)
	if err := e.createDatabase(ctx, "ud_gone", ""); err != nil {
		t.Fatal(err)
	}
	d, _ := e.Database("ud_gone")
	if _, err := d.Store.Commit(ctx, []kv.Write{{Key: []byte("k"), Value: []byte("kept")}}); err != nil {
		t.Fatal(err)
	}
	// Steps 1 and 2 done (record deleted), crash before 3 (the move).
	if err := e.sys.DropDatabase(ctx, "ud_gone"); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	e = openTestEngine(t, dir)
	defer e.Close()
	if open, rec := served(t, e, "ud_gone"); open || rec {
		t.Fatalf("dropped database: served %v, recorded %v", open, rec)
	}
	m, _ := filepath.Glob(filepath.Join(dir, droppedDir, "ud_gone-*"))
	if len(m) != 1 {
		t.Fatalf("dropped/: %v", m)
	}
	// Nothing erased: the moved store still holds its data.
	st, err := kv.Open(m[0], kv.Options{MinFreeBytes: -1, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, err := st.Get([]byte("k")); err != nil || string(v.Value) != "kept" {
		t.Fatalf("moved store: %v %v", v, err)
	}
}

// A record whose directory is missing is not made by any crash (the
// directory is synced before the record, moved after it is deleted);
// found anyway, the database is not served (rather than recreated empty)
// and DROP DATABASE removes the record.
func TestDatabaseDirectoryMissing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e := openTestEngine(t, dir)
	if err := e.createDatabase(ctx, "ud_lost", ""); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, databasesDir, "ud_lost")); err != nil {
		t.Fatal(err)
	}
	e = openTestEngine(t, dir)
	defer e.Close()
	if open, rec := served(t, e, "ud_lost"); open || !rec {
		t.Fatalf("lost database: served %v, recorded %v", open, rec)
	}
	if _, err := os.Stat(filepath.Join(dir, databasesDir, "ud_lost")); !os.IsNotExist(err) {
		t.Fatalf("an empty store was made in place of the lost one: %v", err)
	}
	if err := e.dropDatabase(ctx, nil, "ud_lost", false); err != nil {
		t.Fatal(err)
	}
	if open, rec := served(t, e, "ud_lost"); open || rec {
		t.Fatalf("after DROP: served %v, recorded %v", open, rec)
	}
}

// A renamed database keeps its directory and log origin, so it opens
// again after a restart with its data.
func TestRenameDatabaseRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e := openTestEngine(t, dir)
	if err := e.createDatabase(ctx, "ud_old", ""); err != nil {
		t.Fatal(err)
	}
	d, _ := e.Database("ud_old")
	if _, err := d.Store.Commit(ctx, []kv.Write{{Key: []byte("k"), Value: []byte("v")}}); err != nil {
		t.Fatal(err)
	}
	if err := e.renameDatabase(ctx, nil, "ud_old", "ud_new"); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e = openTestEngine(t, dir)
	defer e.Close()
	d, err := e.Database("ud_new")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := d.Store.Get([]byte("k")); err != nil || string(v.Value) != "v" {
		t.Fatalf("renamed database after restart: %v %v", v, err)
	}
	if open, rec := served(t, e, "ud_old"); open || rec {
		t.Fatalf("old name: served %v, recorded %v", open, rec)
	}
	if movedAside(t, dir, "ud_old") != 0 {
		t.Fatal("renamed database's directory moved aside")
	}
}

// dirBase keeps every name inside databases/.
func TestDirBase(t *testing.T) {
	for in, want := range map[string]string{
		"ud_a": "ud_a", "../../etc": "______etc", "Ü": "_", "": "db", `x"; DROP`: "x___drop", "MiXed": "mixed",
	} {
		if got := dirBase(in); got != want {
			t.Errorf("dirBase(%q) = %q, want %q", in, got, want)
		}
	}
}
