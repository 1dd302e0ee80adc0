package catalog_test

import (
	"context"
	"testing"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/kv"
)

// TestGrantHistory replays a grant history in the system store and reads
// it back as of each earlier system tx: who held what, granted by whom,
// is in the log. (There is no SQL surface for the system store's time
// travel yet, so this reads at the catalog level.)
func TestGrantHistory(t *testing.T) {
	st, err := kv.Open(t.TempDir(), kv.Options{MinFreeBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sys := catalog.NewSystem(st)
	ctx := context.Background()
	if err := sys.CreateUser(ctx, catalog.User{Name: "bob", Login: true}); err != nil {
		t.Fatal(err)
	}
	if err := sys.CreateDatabase(ctx, catalog.Database{Name: "d", Dir: "d"}); err != nil {
		t.Fatal(err)
	}
	type step struct {
		grantor, db, tables string // after the change
		change              func(*catalog.Grant) error
	}
	steps := []step{
		{"admin", "c", "", func(g *catalog.Grant) error { g.DB += "c"; return nil }},
		{"admin", "c", "r", func(g *catalog.Grant) error { g.Tables += "r"; return nil }},
		{"alice", "c", "arwdD", func(g *catalog.Grant) error { g.Tables += "dDwa"; return nil }},
		{"admin", "CTc", "arwdD", func(g *catalog.Grant) error { g.DB += "TC"; return nil }},
		{"admin", "", "", func(g *catalog.Grant) error { g.DB, g.Tables = "", ""; return nil }},
	}
	var txs []uint64
	for i, s := range steps {
		changed, err := sys.ChangeGrant(ctx, "bob", "d", s.grantor, s.change)
		if err != nil || !changed {
			t.Fatalf("step %d: %v %v", i, changed, err)
		}
		txs = append(txs, st.LastTx())
	}
	// A change that changes nothing writes nothing.
	if changed, err := sys.ChangeGrant(ctx, "bob", "d", "admin", func(g *catalog.Grant) error { return nil }); err != nil || changed || st.LastTx() != txs[len(txs)-1] {
		t.Fatalf("empty change: %v %v", changed, err)
	}
	for i, s := range steps {
		g, err := sys.GrantAt("bob", "d", txs[i])
		if err != nil {
			t.Fatal(err)
		}
		wantGrantor := s.grantor
		if s.db == "" && s.tables == "" {
			wantGrantor = "" // deleted: no record
		}
		if g.DB != s.db || g.Tables != s.tables || g.Grantor != wantGrantor {
			t.Errorf("as of tx %d: %+v, want db %q tables %q by %q", txs[i], g, s.db, s.tables, wantGrantor)
		}
		// Before the first grant, nothing.
		if i == 0 {
			if g0, _ := sys.GrantAt("bob", "d", txs[0]-1); g0.DB != "" || g0.Tables != "" {
				t.Errorf("before the first grant: %+v", g0)
			}
		}
	}
	if gs, err := sys.Grants(txs[2]); err != nil || len(gs) != 1 || gs[0].Grantor != "alice" {
		t.Fatalf("grants as of tx %d: %+v %v", txs[2], gs, err)
	}
	// Unknown users and databases are refused.
	if _, err := sys.ChangeGrant(ctx, "nobody", "d", "admin", func(*catalog.Grant) error { return nil }); err == nil {
		t.Fatal("grant to an unknown user")
	}
	if _, err := sys.ChangeGrant(ctx, "bob", "nowhere", "admin", func(*catalog.Grant) error { return nil }); err == nil {
		t.Fatal("grant on an unknown database")
	}
}

// TestColumnGrantHistory keeps column privileges in the grant record:
// each change is a system tx, readable as of it; letters are kept in
// aclitem order; a column left with none is dropped from the record, and
// a record left with none is deleted.
func TestColumnGrantHistory(t *testing.T) {
	st, err := kv.Open(t.TempDir(), kv.Options{MinFreeBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sys := catalog.NewSystem(st)
	ctx := context.Background()
	if err := sys.CreateUser(ctx, catalog.User{Name: "bob", Login: true}); err != nil {
		t.Fatal(err)
	}
	if err := sys.CreateDatabase(ctx, catalog.Database{Name: "d", Dir: "d"}); err != nil {
		t.Fatal(err)
	}
	const rel, a, b = 16400, 2, 3
	change := func(f func(*catalog.Grant)) uint64 {
		t.Helper()
		changed, err := sys.ChangeGrant(ctx, "bob", "d", "admin", func(g *catalog.Grant) error { f(g); return nil })
		if err != nil || !changed {
			t.Fatalf("change: %v %v", changed, err)
		}
		return st.LastTx()
	}
	tx1 := change(func(g *catalog.Grant) { g.SetColumn(rel, a, "wr") })
	tx2 := change(func(g *catalog.Grant) { g.SetColumn(rel, b, "x"); g.SetColumn(rel, a, "r") })
	tx3 := change(func(g *catalog.Grant) { g.SetColumn(rel, a, ""); g.SetColumn(rel, b, "") })
	for _, c := range []struct {
		tx   uint64
		a, b string
	}{{tx1, "rw", ""}, {tx2, "r", "x"}, {tx3, "", ""}} {
		g, err := sys.GrantAt("bob", "d", c.tx)
		if err != nil {
			t.Fatal(err)
		}
		if g.OnColumn(rel, a) != c.a || g.OnColumn(rel, b) != c.b {
			t.Errorf("as of tx %d: a %q b %q, want %q %q", c.tx, g.OnColumn(rel, a), g.OnColumn(rel, b), c.a, c.b)
		}
	}
	if g, _ := sys.GrantAt("bob", "d", tx2); len(g.Columns[rel]) != 2 {
		t.Errorf("as of tx %d: columns %v", tx2, g.Columns)
	}
	if gs, err := sys.Grants(tx3); err != nil || len(gs) != 0 {
		t.Errorf("after revoking every column privilege: %v %v", gs, err)
	}
	merged := catalog.MergeGrants("bob", "d", []catalog.Grant{
		{Columns: map[uint32]map[uint32]string{rel: {a: "r"}}},
		{Columns: map[uint32]map[uint32]string{rel: {a: "wa", b: "x"}}},
	})
	if merged.OnColumn(rel, a) != "arw" || merged.OnColumn(rel, b) != "x" {
		t.Errorf("merged: %v", merged.Columns)
	}
}
