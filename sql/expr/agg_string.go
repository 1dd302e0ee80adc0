package expr

import (
	"strings"

	"github.com/stela-db/stela/sql/types"
)

// string_agg(text, text) and string_agg(bytea, bytea). They are not
// strict: a NULL value is skipped (with its delimiter), a NULL delimiter
// adds nothing; each value after the first is preceded by the delimiter
// given with it. NULL when no value was non-NULL.

func init() {
	addAgg(&Aggregate{Name: "string_agg", Args: []*types.T{types.Text, types.Text}, Result: types.Text,
		New: func() Accumulator { return &aggStringText{} }})
	addAgg(&Aggregate{Name: "string_agg", Args: []*types.T{types.Bytea, types.Bytea}, Result: types.Bytea,
		New: func() Accumulator { return &aggStringBytes{} }})
}

// aggStringText appends to a strings.Builder: the strings it returned
// stay valid, since later appends never touch bytes already written.
type aggStringText struct {
	b    strings.Builder
	seen bool
}

func (a *aggStringText) Add(_ *Context, args []types.Datum) error {
	if args[0] == nil {
		return nil
	}
	if a.seen && args[1] != nil {
		a.b.WriteString(args[1].(string))
	}
	a.b.WriteString(args[0].(string))
	a.seen = true
	return nil
}

func (a *aggStringText) Result(*Context) (types.Datum, error) {
	if !a.seen {
		return nil, nil
	}
	return a.b.String(), nil
}

type aggStringBytes struct {
	b    []byte
	seen bool
}

func (a *aggStringBytes) Add(_ *Context, args []types.Datum) error {
	if args[0] == nil {
		return nil
	}
	if a.seen && args[1] != nil {
		a.b = append(a.b, args[1].([]byte)...)
	}
	a.b = append(a.b, args[0].([]byte)...)
	a.seen = true
	return nil
}

func (a *aggStringBytes) Result(*Context) (types.Datum, error) {
	if !a.seen {
		return nil, nil
	}
	// Capped, so that a caller appending to it cannot write into the
	// buffer; later appends here leave the returned bytes alone.
	if a.b == nil {
		return []byte{}, nil
	}
	return a.b[:len(a.b):len(a.b)], nil
}
