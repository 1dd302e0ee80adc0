package expr

// pg_encoding_to_char and pg_char_to_encoding translate between an
// encoding's number (pg_database.encoding, pg_conversion's columns) and
// its name, as PostgreSQL 15: a number that is no encoding gives '', a
// name that is none gives -1. psql's \l reads the database encoding
// through the first.

import (
	"github.com/stela-db/stela/sql/pgenc"
	"github.com/stela-db/stela/sql/types"
)

func init() {
	addFunc("pg_encoding_to_char", fn([]*types.T{types.Int4}, types.Name, func(_ *Context, a []types.Datum) (types.Datum, error) {
		if e, ok := pgenc.ByID(a[0].(int64)); ok {
			return e.Name, nil
		}
		return "", nil
	}))
	addFunc("pg_char_to_encoding", fn([]*types.T{types.Name}, types.Int4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		if e, ok := pgenc.Lookup(a[0].(string)); ok {
			return e.ID(), nil
		}
		return int64(-1), nil
	}))
}
