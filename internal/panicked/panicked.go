// Package panicked reports a recovered panic the same way wherever a
// goroutine recovers one (a connection, a background count, a parallel
// scan's worker): in the log, with the panic's value and the stack, and
// to the client, as XX000 naming it.
package panicked

import (
	"fmt"
	"runtime/debug"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Log adds the panic's value r and the current stack to e. Called in
// the deferred function that recovered, the stack still holds the
// panicking frames.
func Log(e *zerolog.Event, r any) *zerolog.Event {
	return e.Str("panic", fmt.Sprint(r)).Str("stack", string(debug.Stack()))
}

// Error is the error a client gets for a panic: XX000 with its value,
// and a hint that it is a bug whose stack is in the server log, followed
// by more (what became of the session), if given.
func Error(r any, more string) *pgerror.Error {
	hint := "This is a bug in stela; the server log has its stack trace."
	if more != "" {
		hint += " " + more
	}
	return pgerror.Newf(pgcode.Internal, "internal error: %v", r).WithHint(hint)
}
