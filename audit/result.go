package audit

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stela-db/stela/client"
)

// Result is the outcome of a database's last check; its value is the
// stela_audit_result metric's.
type Result int

// Results. The values are part of the metric's contract: never change
// them.
const (
	// ResultOK: every check passed and the new checkpoint is trusted.
	ResultOK Result = 1
	// ResultTampered: a check failed; the trusted state is kept.
	ResultTampered Result = 0
	// ResultNotChecked: no round has reached the database yet.
	ResultNotChecked Result = -1
	// ResultError: the check could not run.
	ResultError Result = -2
)

// String is the result's name in logs, in the webhook's JSON and in the
// stela_audit_runs_total label: ok, tampered, not_checked or error.
func (r Result) String() string {
	switch r {
	case ResultOK:
		return "ok"
	case ResultTampered:
		return "tampered"
	case ResultNotChecked:
		return "not_checked"
	default:
		return "error"
	}
}

// sqlstateDataCorrupted is PostgreSQL's data_corrupted (XX001): the
// server itself found that its stored data does not match its hashes.
const sqlstateDataCorrupted = "XX001"

// classify maps a check's error to its Result: verification failures, and
// a server that reports its own data corrupt, are tampering; anything else
// (network, authentication, a refused query) is an error.
func classify(err error) Result {
	if err == nil {
		return ResultOK
	}
	for _, e := range []error{client.ErrForked, client.ErrRolledBack, client.ErrBadProof, client.ErrBadCheckpoint, client.ErrUnexpectedKey} {
		if errors.Is(err, e) {
			return ResultTampered
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == sqlstateDataCorrupted {
		return ResultTampered
	}
	return ResultError
}
