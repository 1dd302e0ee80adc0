package types

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Constructors for the errors PostgreSQL's input functions raise; the
// messages are PostgreSQL's, word for word, because clients and tests
// match on them.

// errSyntax is 22P02 `invalid input syntax for type X: "s"`.
func errSyntax(typeName, s string) *pgerror.Error {
	return pgerror.Newf(pgcode.InvalidTextRepresentation, "invalid input syntax for type %s: \"%s\"", typeName, s)
}

// errOutOfRange is 22003 `value "s" is out of range for type X`.
func errOutOfRange(typeName, s string) *pgerror.Error {
	return pgerror.Newf(pgcode.NumericValueOutOfRange, "value \"%s\" is out of range for type %s", s, typeName)
}

// Binary input errors. PostgreSQL reports a value shorter than its type
// needs as a protocol violation (pq_getmsgint's "insufficient data left in
// message"), and one with bytes left over as 22P03 "incorrect binary data
// format" (exec_bind_message adds " in bind parameter N": callers that
// know the parameter number may rewrap).
func errInsufficientData() *pgerror.Error {
	return pgerror.New(pgcode.ProtocolViolation, "insufficient data left in message")
}

// errNoDataLeft is pq_getmsgbyte's error past the end of a value.
func errNoDataLeft() *pgerror.Error {
	return pgerror.New(pgcode.ProtocolViolation, "no data left in message")
}

func errBinaryFormat() *pgerror.Error {
	return pgerror.New(pgcode.InvalidBinaryRepresentation, "incorrect binary data format")
}

// errWrongDatum reports a Datum of the wrong Go type for its SQL type: a
// bug in the caller, so it is an internal error.
func errWrongDatum(t *T, d Datum) *pgerror.Error {
	return pgerror.Newf(pgcode.Internal, "types: %T is not a value of type %s", d, t.Name)
}

func errUnsupportedType(t *T) *pgerror.Error {
	return pgerror.Newf(pgcode.FeatureNotSupported, "type %s is not supported", t.Name)
}

// errJSONBVersion is jsonb_recv's complaint (an elog, hence XX000).
func errJSONBVersion(v byte) *pgerror.Error {
	return pgerror.Newf(pgcode.Internal, "unsupported jsonb version number %d", v)
}
