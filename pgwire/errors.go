package pgwire

import (
	"strconv"

	"github.com/jackc/pgproto3/v2"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// errorResponse flattens any error into an ErrorResponse: severity, code
// and message always; detail, hint, position, context and the names of
// the objects it is about when known.
func errorResponse(err error) *pgproto3.ErrorResponse {
	e := pgerror.Flatten(err)
	r := &pgproto3.ErrorResponse{
		Severity:            e.Severity,
		SeverityUnlocalized: e.Severity,
		Code:                string(e.Code),
		Message:             e.Message,
		Detail:              e.Detail,
		Hint:                e.Hint,
		Where:               e.Where,
		SchemaName:          e.Schema,
		TableName:           e.Table,
		ColumnName:          e.Column,
		DataTypeName:        e.DataType,
		ConstraintName:      e.Constraint,
	}
	if e.Position > 0 {
		r.Position = int32(e.Position)
	}
	return r
}

// noticeResponse is the NoticeResponse of a notice or warning.
func noticeResponse(e *pgerror.Error) *pgproto3.NoticeResponse {
	sev := e.Severity
	if sev == "" {
		sev = pgerror.SeverityNotice
	}
	return &pgproto3.NoticeResponse{
		Severity: sev, SeverityUnlocalized: sev,
		Code: string(e.Code), Message: e.Message, Detail: e.Detail, Hint: e.Hint,
	}
}

// isFatal reports errors that end the connection.
func isFatal(err error) bool {
	e := pgerror.Flatten(err)
	return e.Severity == pgerror.SeverityFatal || e.Severity == pgerror.SeverityPanic
}

// protocolViolation is a fatal 08P01.
func protocolViolation(format string, args ...any) error {
	return pgerror.Newf(pgcode.ProtocolViolation, format, args...).WithSeverity(pgerror.SeverityFatal)
}

func itoa(i int) string { return strconv.Itoa(i) }
