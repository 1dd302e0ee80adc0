package sql

import (
	"slices"
	"sort"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// A rename or move of a function rewrites the calls bound to it in the
// stored text of views and table expressions (rebindViewCalls), which
// then resolve by name among the functions they are bound to. The new
// name can be one another bound function of the same text already has:
// ALTER FUNCTION fa(bigint) RENAME TO fb in DEFAULT fa(1) + fb(1), where
// the rewritten fb(1) and fb(1) both find fb(integer). PostgreSQL keeps
// each call on the function it was bound to (by Oid); stela keeps text,
// so it builds each rewritten text again once the function has its new
// name and refuses the change (0A000) when any call finds another
// function than before, rather than let writes or reads run another.

// reboundText is a stored text whose calls a rename rewrote: what holds
// it, the functions its calls found before (in the order of the calls)
// and how to find them again.
type reboundText struct {
	what   string
	before []uint32
	again  func() (map[int32]uint32, error)
}

// callOrder is the functions of calls (by location) in the order the
// calls appear in the text; a rewrite moves the calls but keeps their
// order.
func callOrder(calls map[int32]uint32) []uint32 {
	locs := make([]int32, 0, len(calls))
	for l := range calls {
		locs = append(locs, l)
	}
	sort.Slice(locs, func(i, j int) bool { return locs[i] < locs[j] })
	ids := make([]uint32, len(locs))
	for i, l := range locs {
		ids[i] = calls[l]
	}
	return ids
}

// checkRebound refuses the rename or move of fn (already made in the
// transaction) when a rewritten text's calls no longer find the
// functions they found before. A text that no longer builds is refused
// the same way.
func (x *execCtx) checkRebound(oldName string, texts []reboundText) error {
	for _, r := range texts {
		calls, err := r.again()
		if err == nil && slices.Equal(callOrder(calls), r.before) {
			continue
		}
		return pgerror.Newf(pgcode.FeatureNotSupported, "cannot rename or move function %s: a call in %s would no longer call the function it calls now",
			oldName, r.what).
			WithDetail("The new name is that of another function " + r.what + " calls, which its calls would then find.").
			WithHint("Choose another name, or change or drop " + r.what + " first.")
	}
	return nil
}
