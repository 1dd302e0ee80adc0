package sql

import (
	"testing"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// TestExtProcRows checks that every function stela implements of a
// built-in extension has PostgreSQL's pg_proc row in
// pgcatalog_extprocdata.go: one without would be missing from pg_proc
// and \dx+ (regenerate with testdata/pgcatalog/gen_ext_procs.sh). They
// are registered in PostgreSQL's order, so that OIDs grow as theirs.
func TestExtProcRows(t *testing.T) {
	for _, a := range availableExtensions {
		last := -1
		for _, s := range extensionProcs(a.name) {
			r, slot := pgExtProcRowOf(a.name, s)
			if r == nil {
				t.Errorf("extension %s: no pg_proc row for %s%v", a.name, s.Name, s.Args)
				continue
			}
			if slot <= last {
				t.Errorf("extension %s: %s%v registered out of PostgreSQL's order", a.name, s.Name, s.Args)
			}
			last = slot
		}
	}
	if n := len(extensionProcs("pgcrypto")); n == 0 {
		t.Fatal("pgcrypto has no functions")
	}
}

// TestExtProcOIDsOfOlderRecords: an extension created before stela
// reserved an OID for every function of the install script keeps the
// OIDs it was given, one per function implemented then, and lists no
// function implemented since; one created now has the script's places.
func TestExtProcOIDsOfOlderRecords(t *testing.T) {
	uuid := expr.Signature{Name: "gen_random_uuid"}
	encrypt := expr.Signature{Name: "encrypt", Args: []uint32{types.Bytea.Oid, types.Bytea.Oid, types.Text.Oid}}
	older := &catalog.Extension{Name: "pgcrypto", FuncOIDs: 100}
	if r, oid := extProcOID(older, uuid); r == nil || oid != 108 {
		t.Errorf("older record: gen_random_uuid at %d (%v), want 108", oid, r != nil)
	}
	if r, _ := extProcOID(older, encrypt); r != nil {
		t.Error("older record lists encrypt, which had no OID reserved")
	}
	n := 0
	for _, s := range extensionProcs("pgcrypto") {
		if r, _ := extProcOID(older, s); r != nil {
			n++
		}
	}
	if n != 9 {
		t.Errorf("older record lists %d functions, want the 9 it reserved", n)
	}
	now := &catalog.Extension{Name: "pgcrypto", FuncOIDs: 100, FuncSlots: uint32(pgExtProcCount("pgcrypto"))}
	if r, oid := extProcOID(now, uuid); r == nil || oid != 112 {
		t.Errorf("new record: gen_random_uuid at %d, want 112 (its place in the script)", oid)
	}
	if r, oid := extProcOID(now, encrypt); r == nil || oid != 107 {
		t.Errorf("new record: encrypt at %d, want 107", oid)
	}
	ossp := &catalog.Extension{Name: "uuid-ossp", FuncOIDs: 200}
	if r, oid := extProcOID(ossp, expr.Signature{Name: "uuid_generate_v4"}); r == nil || oid != 208 {
		t.Errorf("older uuid-ossp record: uuid_generate_v4 at %d, want 208", oid)
	}
}
