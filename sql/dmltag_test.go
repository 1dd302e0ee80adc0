package sql

import (
	"strconv"
	"testing"
)

// TestDMLTag: the tags made once for small counts are the ones built for
// any count, in PostgreSQL's form (INSERT carries the legacy OID 0).
func TestDMLTag(t *testing.T) {
	for _, n := range []int64{0, 1, 2, 63, 64, 65, 1000, 1 << 40} {
		c := strconv.FormatInt(n, 10)
		for verb, want := range map[string]string{"INSERT": "INSERT 0 " + c, "UPDATE": "UPDATE " + c, "DELETE": "DELETE " + c, "MERGE": "MERGE " + c} {
			if got := dmlTag(verb, n); got != want {
				t.Errorf("dmlTag(%s, %d) = %q, want %q", verb, n, got, want)
			}
		}
	}
}
