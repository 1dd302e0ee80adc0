package sql

import (
	"testing"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// A default names its sequences by id; one stored before kept the
// qualified name. Both depend on the sequence and print its name as
// regclass output gives it.
func TestDefaultSequences(t *testing.T) {
	public := &catalog.Descriptor{Kind: catalog.KindSchema, ID: catalog.PublicID, Name: "public"}
	other := &catalog.Descriptor{Kind: catalog.KindSchema, ID: 16384, Name: "other"}
	s := &catalog.Descriptor{Kind: catalog.KindSequence, ID: 16390, Name: "s", Schema: public.ID}
	shadow := &catalog.Descriptor{Kind: catalog.KindSequence, ID: 16391, Name: "s", Schema: other.ID}
	tbl := &catalog.Descriptor{Kind: catalog.KindTable, ID: 16392, Name: "t", Schema: public.ID}
	byID := map[uint32]*catalog.Descriptor{}
	for _, d := range []*catalog.Descriptor{public, other, s, shadow, tbl} {
		byID[d.ID] = d
	}
	schemas := map[uint32]string{public.ID: "public", other.ID: "other"}
	col := &catalog.ColumnDesc{Name: "a"}
	col.SetType(types.Int8)
	tab := &catalog.TableDesc{Columns: []catalog.ColumnDesc{*col}}
	for _, c := range []struct {
		stored    string
		path      catalog.SearchPath
		deps      []uint32
		shown     string
		sequences bool
	}{
		{"nextval('16390'::regclass)", catalog.SearchPath{"public"}, []uint32{16390}, "nextval('s'::regclass)", true},
		{"nextval('16390'::regclass)", catalog.SearchPath{"other", "public"}, []uint32{16390}, "nextval('public.s'::regclass)", true},
		{"nextval('16391'::regclass)", catalog.SearchPath{"public"}, []uint32{16391}, "nextval('other.s'::regclass)", true},
		{"nextval('16390'::regclass) * 10", catalog.SearchPath{"public"}, []uint32{16390}, "(nextval('s'::regclass) * 10)", true},
		{"currval('16390'::regclass) + nextval('16391'::regclass)", catalog.SearchPath{"public"}, []uint32{16390, 16391},
			"(currval('s'::regclass) + nextval('other.s'::regclass))", true},
		// Defaults stored before kept the qualified name.
		{"nextval('public.s'::regclass)", catalog.SearchPath{"public"}, []uint32{16390}, "nextval('s'::regclass)", true},
		{"nextval('other.s'::regclass)", catalog.SearchPath{"public"}, []uint32{16391}, "nextval('other.s'::regclass)", true},
		// A sequence named by text is looked up when called.
		{"nextval('s'::text)", catalog.SearchPath{"public"}, nil, "", false},
		{"42", catalog.SearchPath{"public"}, nil, "", false},
		// A sequence no longer there.
		{"nextval('99999'::regclass)", catalog.SearchPath{"public"}, nil, "nextval('99999'::regclass)", true},
	} {
		deps := defaultSequences(c.stored, byID)
		if len(deps) != len(c.deps) || len(deps) > 0 && (deps[0] != c.deps[0] || deps[len(deps)-1] != c.deps[len(c.deps)-1]) {
			t.Errorf("%s: depends on %v, want %v", c.stored, deps, c.deps)
		}
		shown, ok := seqDefaultShown(c.stored, col, tab, byID, schemas, c.path)
		if ok != c.sequences || shown != c.shown {
			t.Errorf("%s with search_path %v: shown %q, %v; want %q, %v", c.stored, c.path, shown, ok, c.shown, c.sequences)
		}
	}
}
