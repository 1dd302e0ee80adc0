package sql

import (
	"testing"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// A view stored before CREATE VIEW wrote its * out plans to more (or
// other) columns once a table it reads has gained one: it is refused,
// not read with its columns shifted under their stored names.
func TestSameViewShape(t *testing.T) {
	view := func(ts ...*types.T) *catalog.Descriptor {
		d := &catalog.Descriptor{Kind: catalog.KindView, Name: "v", View: &catalog.ViewDesc{Query: "SELECT * FROM t"}}
		for _, typ := range ts {
			c := catalog.ViewColumn{Name: "c"}
			c.SetType(typ)
			d.View.Columns = append(d.View.Columns, c)
		}
		return d
	}
	planned := func(ts ...*types.T) []column {
		var cols []column
		for _, typ := range ts {
			cols = append(cols, column{name: "c", typ: typ})
		}
		return cols
	}
	if err := sameViewShape(view(types.Int4, types.Text), planned(types.Int4, types.Text)); err != nil {
		t.Fatalf("same columns refused: %v", err)
	}
	if err := sameViewShape(view(types.Text), planned(types.Unknown)); err != nil {
		t.Fatalf("an untyped literal's column refused: %v", err)
	}
	for _, cols := range [][]column{planned(types.Int4, types.Int4, types.Text), planned(types.Int4, types.Int8)} {
		err := sameViewShape(view(types.Int4, types.Text), cols)
		if !pgerror.HasCode(err, pgcode.FeatureNotSupported) {
			t.Fatalf("changed shape %v: got %v, want 0A000", cols, err)
		}
	}
}
