package pgwire

import (
	"github.com/jackc/pgproto3/v2"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgenc"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// client_encoding on the wire. The database's text is UTF-8; a client
// may speak another encoding (psql sets client_encoding from its locale:
// SQL_ASCII in the C locale, WIN1252 on a Windows console, LATIN1 ...).
// As PostgreSQL does, the connection converts every text it receives
// (a Query's and a Parse's SQL, Bind's parameters) from the client's
// encoding, and every text it sends (rows, column names, errors and
// notices, parameter values, notifications) to it; COPY's
// data is converted by the COPY itself (sql), unless its ENCODING says
// otherwise.
//
// c.w.enc is the encoding, nil when nothing is converted: UTF8, and
// SQL_ASCII, whose bytes pass as they are (the text received is still
// checked as UTF-8, the database's encoding, as PostgreSQL checks it).
// Only UTF-8, SQL_ASCII and the single-byte encodings are taken
// (pgenc), so a conversion never lengthens what is sent.
//
// A value that has no equivalent in the client's encoding fails its
// statement with 22P05, as in PostgreSQL, and an error whose text has
// one is replaced by that 22P05 error, as PostgreSQL replaces it. Other
// text the server sends (a notice, a column's name, a notification, a
// parameter's value) goes with such characters as '?', where PostgreSQL
// fails the statement (a notice, a column's name) or ends the session
// (a notification): a report that cannot be told exactly is better
// told approximately than turned into a failure of its own.
//
// The strings of a message are converted as they are decoded
// (msgBuf.name). Not converted: the startup packet's parameters, and
// text inside a binary-format array or composite value that is not
// ASCII (refused with 0A000 rather than taken or sent unconverted).

// encodingChanged takes the session's client_encoding for the
// connection's conversions.
func (c *conn) encodingChanged() {
	c.w.enc = c.sess.ClientEncoding()
}

// clientText converts text the client sent in enc (nil: UTF-8) to
// UTF-8, checking it; b itself when no conversion is needed.
func clientText(b []byte, enc *pgenc.Encoding) ([]byte, error) {
	if enc == nil {
		return b, types.CheckEncodingBytes(b)
	}
	return pgenc.Convert(b, enc, pgenc.UTF8) // NUL is 22021 in enc, as in PostgreSQL
}

// lossy is s in the client's encoding, '?' for what it lacks.
func lossy(s string, enc *pgenc.Encoding) string {
	if isASCII(s) {
		return s
	}
	return string(pgenc.AppendLossy(nil, []byte(s), enc))
}

func lossyBytes(b []byte, enc *pgenc.Encoding) []byte {
	if isASCII(b) {
		return b
	}
	return pgenc.AppendLossy(nil, b, enc)
}

func isASCII[S string | []byte](s S) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// toClient returns the message with its server-made text in enc.
func toClient(m encoder, enc *pgenc.Encoding) encoder {
	switch m := m.(type) {
	case *pgproto3.ErrorResponse:
		r := *m
		for _, f := range []*string{&r.Message, &r.Detail, &r.Hint, &r.Where, &r.SchemaName, &r.TableName,
			&r.ColumnName, &r.DataTypeName, &r.ConstraintName, &r.InternalQuery} {
			if isASCII(*f) {
				continue
			}
			b, err := pgenc.Convert([]byte(*f), pgenc.UTF8, enc)
			if err != nil {
				// As PostgreSQL: an error that cannot be told in the
				// client's encoding is told as the conversion's error.
				e := errorResponse(err)
				e.Severity, e.SeverityUnlocalized = m.Severity, m.SeverityUnlocalized
				return e
			}
			*f = string(b)
		}
		return &r
	case *pgproto3.NoticeResponse:
		r := *m
		for _, f := range []*string{&r.Message, &r.Detail, &r.Hint, &r.Where} {
			*f = lossy(*f, enc)
		}
		return &r
	case *pgproto3.RowDescription:
		for i := range m.Fields {
			if !isASCII(m.Fields[i].Name) {
				r := &pgproto3.RowDescription{Fields: append([]pgproto3.FieldDescription(nil), m.Fields...)}
				for i := range r.Fields {
					r.Fields[i].Name = lossyBytes(r.Fields[i].Name, enc)
				}
				return r
			}
		}
	case *pgproto3.ParameterStatus:
		return &pgproto3.ParameterStatus{Name: m.Name, Value: lossy(m.Value, enc)}
	case *pgproto3.NotificationResponse:
		return &pgproto3.NotificationResponse{PID: m.PID, Channel: lossy(m.Channel, enc), Payload: lossy(m.Payload, enc)}
	}
	return m
}

// convertsBinary reports whether t's binary form is its text (PostgreSQL's
// textsend and the like convert it to the client's encoding).
func convertsBinary(t *types.T) bool {
	switch t.Family {
	case types.StringFamily, types.UnknownFamily, types.JSONFamily, types.JSONBFamily, types.EnumFamily:
		return t.Oid != types.Char.Oid // charsend sends its byte as it is
	}
	return false
}

// holdsText reports whether a binary array or composite of t may hold
// text.
func holdsText(t *types.T) bool {
	switch t.Family {
	case types.ArrayFamily:
		return t.Elem == nil || convertsBinary(t.Elem) || holdsText(t.Elem)
	case types.RecordFamily, types.PseudoFamily:
		return true
	}
	return false
}

// errBinaryText refuses a binary array or composite value holding text
// that is not ASCII under a client encoding other than UTF-8.
func errBinaryText(t *types.T, enc *pgenc.Encoding) error {
	return pgerror.Newf(pgcode.FeatureNotSupported, "binary format of type %s with non-ASCII text is not supported with client_encoding %s", t.Name, enc.Name).
		WithHint("Use the text format for this value, or client_encoding UTF8.")
}

// binaryTextOK checks that a binary array or composite value v holds
// only ASCII text, which needs no conversion.
func binaryTextOK(t *types.T, v types.Datum, enc *pgenc.Encoding, fs *types.FormatSettings) error {
	if !holdsText(t) || isASCII(t.AppendText(nil, v, fs)) {
		return nil
	}
	return errBinaryText(t, enc)
}

// valueToClient converts the value just appended to b at from (of type
// t, in the binary format or not) to enc, in place.
func valueToClient(b []byte, from int, t *types.T, v types.Datum, binaryFormat bool, enc *pgenc.Encoding, fs *types.FormatSettings) ([]byte, error) {
	if isASCII(b[from:]) {
		return b, nil
	}
	if binaryFormat && !convertsBinary(t) {
		return b, binaryTextOK(t, v, enc, fs)
	}
	out, err := pgenc.FromUTF8InPlace(b[from:], enc)
	if err != nil {
		return b, err
	}
	return b[:from+len(out)], nil
}
