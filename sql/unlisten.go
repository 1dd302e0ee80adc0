package sql

import "github.com/stela-db/stela/sql/expr"

// unlistenPlan is UNLISTEN: stela refuses LISTEN (0A000), so a session
// never listens on any channel and UNLISTEN, which PostgreSQL accepts
// for channels not listened on, has nothing to do. Connection poolers
// send UNLISTEN * to reset sessions, so it succeeds rather than failing.
type unlistenPlan struct{}

func (unlistenPlan) run(*Session, *expr.Context) (Result, error) {
	return &tagResult{tag: "UNLISTEN"}, nil
}
