package sql

import "testing"

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
