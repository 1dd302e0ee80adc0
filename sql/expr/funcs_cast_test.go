package expr

import (
	"testing"

	"github.com/stela-db/stela/sql/types"
)

// TestCastFuncsAreCasts checks that every cast function is a cast stela
// does: its types exist and stela casts from the one to the other.
func TestCastFuncsAreCasts(t *testing.T) {
	for _, c := range castFuncs {
		from, ok1 := types.ByOid(c.arg)
		to, ok2 := types.ByOid(c.result)
		if !ok1 || !ok2 {
			t.Errorf("%s(%d) returns %d: a type stela has not", c.name, c.arg, c.result)
			continue
		}
		if castContextOf(from, to) == castNone {
			t.Errorf("%s(%s): stela does not cast %s to %s", c.name, from.Name, from.Name, to.Name)
		}
	}
}
