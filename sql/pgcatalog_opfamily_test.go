package sql

import (
	"strings"
	"testing"
)

// amprocNotServed are the support functions of the served operator
// families that pg_amproc does not list, because pg_proc does not (stela
// has no such function), each with the reason. Each is a difference from
// PostgreSQL's catalog: when stela gets one, the test asks to remove it.
var amprocNotServed = map[string]string{
	"jsonb_cmp":                "its magnitudes follow jsonb's binary layout, not reproduced",
	"in_range(date, interval)": "in_range for datetimes, intervals and numerics: not written",
	"in_range(timestamp without time zone, interval)": "as in_range(date, interval)",
	"in_range(timestamp with time zone, interval)":    "as in_range(date, interval)",
	"in_range(time without time zone, interval)":      "as in_range(date, interval)",
	"in_range(interval, interval)":                    "as in_range(date, interval)",
	"in_range(numeric, numeric)":                      "as in_range(date, interval)",
}

// amprocKey names a pg_amproc row's function: its name, and for in_range
// its value and offset types.
func amprocKey(r *pgAmprocRow) string {
	if r.procName == "pg_catalog.in_range" {
		return "in_range(" + typeNameOf(r.left) + ", " + typeNameOf(r.right) + ")"
	}
	return r.procName
}

// TestAmprocCatalog checks that pg_amproc lists every support function
// of the served operator families but the sort support functions (they
// take internal, a type stela has not) and those amprocNotServed
// excuses.
func TestAmprocCatalog(t *testing.T) {
	unserved := map[string]bool{}
	for i := range pgAmprocRows {
		r := &pgAmprocRows[i]
		if !opfamilyServed(r.family) {
			continue
		}
		key := amprocKey(r)
		_, excused := amprocNotServed[key]
		sortSupport := strings.HasSuffix(key, "sortsupport")
		switch served := servedAmproc(r); {
		case !served && !excused && !sortSupport:
			t.Errorf("pg_amproc row %d (%s): pg_proc does not serve function %d", r.oid, key, r.proc)
		case served && (excused || sortSupport):
			t.Errorf("pg_amproc row %d (%s) is served now: remove it from amprocNotServed", r.oid, key)
		case !served:
			unserved[key] = true
		}
	}
	for k := range amprocNotServed {
		if !unserved[k] {
			t.Errorf("amprocNotServed lists %s, no unserved row of a served family", k)
		}
	}
}
