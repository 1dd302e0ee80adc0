// Package pgerror gives errors a PostgreSQL SQLSTATE where they are born
// and flattens them, once, into the fields of an ErrorResponse at the wire.
// It is a leaf: it imports nothing of stela but pgcode, so every layer
// above kv may use it.
//
//	return pgerror.Newf(pgcode.UndefinedTable, "relation \"%s\" does not exist", name)
//	return fmt.Errorf("insert into %s: %w", tbl, err) // keeps the code
//	resp := pgerror.Flatten(err)                      // pgwire only
package pgerror

import (
	"errors"
	"fmt"

	"github.com/stela-db/stela/sql/pgcode"
)

// Severity of an error or notice, as PostgreSQL names them.
const (
	SeverityError   = "ERROR"
	SeverityFatal   = "FATAL"
	SeverityPanic   = "PANIC"
	SeverityWarning = "WARNING"
	SeverityNotice  = "NOTICE"
	SeverityDebug   = "DEBUG"
	SeverityInfo    = "INFO"
	SeverityLog     = "LOG"
)

// Error is an error with a SQLSTATE and the optional fields of a
// PostgreSQL ErrorResponse.
type Error struct {
	Code     pgcode.Code
	Message  string
	Detail   string
	Hint     string
	Severity string // "" means ERROR
	// Position is the 1-based character position in the statement text
	// the error refers to (0: none).
	Position int
	// Where is the context of the error (ErrorResponse's W field): for
	// COPY, the line and column being read, as PostgreSQL reports it.
	Where string
	// Object names what the error is about (objects.go).
	Object
	// Cause, if any, is the error this one describes; it is not sent to
	// the client but stays reachable with errors.Is/As.
	Cause error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Cause }

// New returns an error with a code and a message.
func New(code pgcode.Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// Newf returns an error with a code and a formatted message.
func Newf(code pgcode.Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap gives err a code and a message; err stays reachable as the cause.
func Wrap(err error, code pgcode.Code, msg string) *Error {
	return &Error{Code: code, Message: msg, Cause: err}
}

// Wrapf is Wrap with a formatted message.
func Wrapf(err error, code pgcode.Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Cause: err}
}

// WithCode returns err with a code attached, keeping its message; if err
// already carries a code the outer code wins when flattened.
func WithCode(err error, code pgcode.Code) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Message: err.Error(), Cause: err}
}

// WithDetail returns a copy of e with a detail line.
func (e *Error) WithDetail(detail string) *Error {
	c := *e
	c.Detail = detail
	return &c
}

// WithHint returns a copy of e with a hint.
func (e *Error) WithHint(hint string) *Error {
	c := *e
	c.Hint = hint
	return &c
}

// WithPosition returns a copy of e pointing at a 1-based position.
func (e *Error) WithPosition(pos int) *Error {
	c := *e
	c.Position = pos
	return &c
}

// WithWhere returns a copy of e with its context; a context it already
// has stays first, as PostgreSQL stacks the lines of error contexts.
func (e *Error) WithWhere(where string) *Error {
	c := *e
	if c.Where != "" {
		c.Where += "\n" + where
	} else {
		c.Where = where
	}
	return &c
}

// WithSeverity returns a copy of e with a severity (FATAL for errors that
// end the session).
func (e *Error) WithSeverity(s string) *Error {
	c := *e
	c.Severity = s
	return &c
}

// GetCode returns the code of the outermost *Error in err's chain, or
// Internal when there is none.
func GetCode(err error) pgcode.Code {
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Code
	}
	return pgcode.Internal
}

// HasCode reports whether err carries exactly this code.
func HasCode(err error, code pgcode.Code) bool { return err != nil && GetCode(err) == code }

// Flatten turns any error into the fields of an ErrorResponse: the code,
// detail, hint and position of the outermost *Error, and the full message
// of err (wrapping context included). An error without a code is an
// internal error: its message gets the "internal error: " prefix so that
// clients and logs can tell a bug from a user error.
func Flatten(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		return &Error{Code: pgcode.Internal, Message: "internal error: " + err.Error(), Severity: SeverityError, Cause: err}
	}
	out := *e
	out.Message = err.Error()
	if out.Code == "" {
		out.Code = pgcode.Internal
	}
	if out.Severity == "" {
		out.Severity = SeverityError
	}
	out.Cause = err
	return &out
}
