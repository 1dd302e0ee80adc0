package expr

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgenc"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// convert_from, convert_to and convert: bytes of one encoding to the
// text (UTF-8) or bytes of another, as pg_convert does them (pgenc).
// pg_client_encoding is the session's client_encoding.

func init() {
	t := func(ts ...*types.T) []*types.T { return ts }
	by, txt, name := types.Bytea, types.Text, types.Name
	addFunc("convert_from", fn(t(by, name), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		src, err := encodingArg(a[1], "source")
		if err != nil {
			return nil, err
		}
		b, err := pgenc.Convert(a[0].([]byte), src, pgenc.UTF8)
		if err != nil {
			return nil, err
		}
		return string(b), nil
	}))
	addFunc("convert_to", fn(t(txt, name), by, func(_ *Context, a []types.Datum) (types.Datum, error) {
		dst, err := encodingArg(a[1], "destination")
		if err != nil {
			return nil, err
		}
		return pgenc.Convert([]byte(a[0].(string)), pgenc.UTF8, dst)
	}))
	addFunc("convert", fn(t(by, name, name), by, func(_ *Context, a []types.Datum) (types.Datum, error) {
		src, err := encodingArg(a[1], "source")
		if err != nil {
			return nil, err
		}
		dst, err := encodingArg(a[2], "destination")
		if err != nil {
			return nil, err
		}
		return pgenc.Convert(a[0].([]byte), src, dst)
	}))
	addFunc("pg_client_encoding", sessionFn(nil, name, func(c *Context, _ []types.Datum) (types.Datum, error) {
		return c.Session.Setting("client_encoding")
	}))
}

// encodingArg is the encoding an argument names; which is "source" or
// "destination", for PostgreSQL's message.
func encodingArg(d types.Datum, which string) (*pgenc.Encoding, error) {
	e, ok := pgenc.Lookup(d.(string))
	if !ok {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "invalid %s encoding name \"%s\"", which, d.(string))
	}
	return e, nil
}
