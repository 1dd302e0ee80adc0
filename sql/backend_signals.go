package sql

import (
	"strconv"
	"time"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// BackendSignals is what the wire layer lets other sessions do to a
// session: PostgreSQL's SIGINT and SIGTERM of a backend. The wire layer
// passes SessionArgs.Signals; a session without it (no client connection)
// cannot be signalled.
type BackendSignals interface {
	// CancelStatement cancels the statement running now, if any, as a
	// CancelRequest does (57014).
	CancelStatement()
	// Terminate ends the session: a running statement is canceled and
	// the client gets FATAL 57P01, as at shutdown.
	Terminate()
}

func init() {
	i4, b := types.Int4, types.Bool
	expr.AddVolatileFunc("pg_cancel_backend", []*types.T{i4}, b, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		return signalBackend(c, int32(a[0].(int64)), false, 0)
	})
	expr.AddVolatileFunc("pg_terminate_backend", []*types.T{i4, types.Int8}, b, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		return signalBackend(c, int32(a[0].(int64)), true, a[1].(int64))
	})
	expr.AddVolatileFunc("pg_terminate_backend", []*types.T{i4}, b, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		return signalBackend(c, int32(a[0].(int64)), true, 0)
	})
}

// signalBackend is pg_cancel_backend and pg_terminate_backend: the
// permission checks and messages of PostgreSQL's pg_signal_backend (a
// superuser's session only by a superuser, another user's only by a
// superuser or a member of its role), then the signal. With
// a timeout (milliseconds), terminate waits for the session to end.
func signalBackend(c *expr.Context, pid int32, terminate bool, timeoutMS int64) (types.Datum, error) {
	x, err := execOf(c)
	if err != nil {
		return nil, err
	}
	if timeoutMS < 0 {
		return nil, pgerror.New(pgcode.NumericValueOutOfRange, `"timeout" must not be negative`)
	}
	me := x.sess
	target := me.engine.sessionByPID(pid)
	if target == nil || target.signals == nil {
		me.notice("WARNING", pgcode.Warning, "PID "+strconv.Itoa(int(pid))+" is not a PostgreSQL backend process")
		return false, nil
	}
	if target.authSuper && !me.currentSuperuser() {
		if terminate {
			return nil, pgerror.New(pgcode.InsufficientPrivilege, "must be a superuser to terminate superuser process")
		}
		return nil, pgerror.New(pgcode.InsufficientPrivilege, "must be a superuser to cancel superuser query")
	}
	if !me.currentSuperuser() && !me.hasRole(target.authUser) {
		if terminate {
			return nil, pgerror.New(pgcode.InsufficientPrivilege, "must be a member of the role whose process is being terminated or member of pg_signal_backend")
		}
		return nil, pgerror.New(pgcode.InsufficientPrivilege, "must be a member of the role whose query is being canceled or member of pg_signal_backend")
	}
	if !terminate {
		target.signals.CancelStatement()
		return true, nil
	}
	target.signals.Terminate()
	if timeoutMS == 0 || target == me {
		return true, nil
	}
	deadline := time.Now().Add(time.Duration(timeoutMS) * time.Millisecond)
	for me.engine.sessionByPID(pid) == target {
		if time.Now().After(deadline) {
			me.notice("WARNING", pgcode.Warning, "backend with PID "+strconv.Itoa(int(pid))+" did not terminate within "+strconv.FormatInt(timeoutMS, 10)+" milliseconds")
			return false, nil
		}
		select {
		case <-c.Ctx.Done():
			return nil, c.Ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return true, nil
}
