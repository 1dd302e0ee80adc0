package server_test

import (
	"context"
	"testing"
)

// A catalog read AS OF a past transaction prints stored text from that
// transaction's catalog: an index's definition under its old name, and
// a view's text qualified by what the catalog held then.
func TestCatalogAsOfPrintsThePast(t *testing.T) {
	ctx := context.Background()
	c, exec := connectExec(t)
	exec("CREATE TABLE hx (a int)")
	exec("CREATE INDEX hx_i ON hx (a)")
	exec("CREATE VIEW hv AS SELECT a FROM hx")
	var tx int64
	if err := c.QueryRow(ctx, "SELECT txid_current()").Scan(&tx); err != nil {
		t.Fatal(err)
	}
	exec("ALTER INDEX hx_i RENAME TO hx_j")
	var name, def string
	if err := c.QueryRow(ctx, "SELECT indexname, indexdef FROM pg_indexes AS OF TX $1 WHERE tablename = 'hx'", tx).Scan(&name, &def); err != nil {
		t.Fatal(err)
	}
	if want := "CREATE INDEX hx_i ON public.hx USING btree (a)"; name != "hx_i" || def != want {
		t.Errorf("pg_indexes AS OF TX %d: %s, %q; want hx_i, %q", tx, name, def, want)
	}
	exec("DROP INDEX hx_j")
	if err := c.QueryRow(ctx, "SELECT indexdef FROM pg_indexes AS OF TX $1 WHERE tablename = 'hx'", tx).Scan(&def); err != nil {
		t.Fatal(err)
	}
	if want := "CREATE INDEX hx_i ON public.hx USING btree (a)"; def != want {
		t.Errorf("pg_indexes AS OF TX %d after DROP INDEX: %q; want %q", tx, def, want)
	}
	// Under pg_dump's path the view's table is qualified, as it was
	// public's then, though a table of the name is in no schema now.
	exec("DROP VIEW hv")
	exec("DROP TABLE hx")
	exec("SET search_path = ''")
	if err := c.QueryRow(ctx, "SELECT definition FROM pg_catalog.pg_views AS OF TX $1 WHERE viewname = 'hv'", tx).Scan(&def); err != nil {
		t.Fatal(err)
	}
	if want := "SELECT a FROM public.hx"; def != want {
		t.Errorf("pg_views AS OF TX %d under search_path '': %q; want %q", tx, def, want)
	}
}
