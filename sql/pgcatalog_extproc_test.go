package sql

import "testing"

// TestExtProcRows checks that every function stela implements of a
// built-in extension has PostgreSQL's pg_proc row in
// pgcatalog_extprocdata.go: one without would be missing from pg_proc
// and \dx+ (regenerate with testdata/pgcatalog/gen_ext_procs.sh).
func TestExtProcRows(t *testing.T) {
	for _, a := range availableExtensions {
		for _, s := range extensionProcs(a.name) {
			if pgExtProcRowOf(a.name, s) == nil {
				t.Errorf("extension %s: no pg_proc row for %s%v", a.name, s.Name, s.Args)
			}
		}
	}
	if n := len(extensionProcs("pgcrypto")); n == 0 {
		t.Fatal("pgcrypto has no functions")
	}
}
