package catalog_test

import (
	"context"
	"testing"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/kv"
)

// TestSchemaEntries: a grant's entries in schema ACLs are stored in print
// order, an entry holding no letter is kept (it is part of an explicit
// ACL), and removing the last one deletes the record.
func TestSchemaEntries(t *testing.T) {
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
	change := func(f func(g *catalog.Grant)) bool {
		t.Helper()
		changed, err := sys.ChangeGrant(ctx, "bob", "d", "admin", func(g *catalog.Grant) error { f(g); return nil })
		if err != nil {
			t.Fatal(err)
		}
		return changed
	}
	read := func() catalog.Grant {
		t.Helper()
		g, err := sys.GrantOf("bob", "d")
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	if !change(func(g *catalog.Grant) { g.SetSchema(100, "CU") }) {
		t.Fatal("grant wrote nothing")
	}
	if l, ok := read().OnSchema(100); !ok || l != "UC" {
		t.Fatalf("entry %q %v, want UC", l, ok)
	}
	if change(func(g *catalog.Grant) { g.SetSchema(100, "UC") }) {
		t.Fatal("the same entry was written again")
	}
	if !change(func(g *catalog.Grant) { g.SetSchema(100, "") }) {
		t.Fatal("emptying the entry wrote nothing")
	}
	if l, ok := read().OnSchema(100); !ok || l != "" {
		t.Fatalf("entry %q %v, want an empty one", l, ok)
	}
	if !change(func(g *catalog.Grant) { g.ForgetSchema(100) }) {
		t.Fatal("forgetting the entry wrote nothing")
	}
	if gs, err := sys.Grants(0); err != nil || len(gs) != 0 {
		t.Fatalf("grants left: %v %v", gs, err)
	}
}
