package engine

import (
	"fmt"

	"github.com/stela-db/stela/internal/memguard"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// CheckServerMemory fails with 53200 when the server's live memory is
// past its ceiling (internal/memguard), for a budget that holds held
// bytes. A transaction's writes call it each time they grow by
// memguard.Step, and so do the SQL layer's statement budgets: whichever
// grows past the ceiling fails and frees its memory, before the sum of
// all sessions' memory can take the process.
func CheckServerMemory(held int64) error {
	over, live, ceiling := memguard.Check(held)
	if !over {
		return nil
	}
	return pgerror.New(pgcode.OutOfMemory, "out of memory").
		WithDetail(fmt.Sprintf("The server's memory is nearly used up: %d bytes live, past its ceiling of %d bytes, so statements and transactions that need more fail until others finish.", live, ceiling)).
		WithHint("Retry when fewer large statements or transactions run, or give the server more memory (GOMEMLIMIT).")
}
