package expr

import (
	"strings"

	"github.com/stela-db/stela/sql/types"
)

// string_agg(text, text) and string_agg(bytea, bytea). They are not
// strict: a NULL value is skipped (with its delimiter), a NULL delimiter
// adds nothing; each value after the first is preceded by the delimiter
// given with it. NULL when no value was non-NULL. Past MaxAllocSize
// they fail as PostgreSQL's StringInfo state (string_limit.go).

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
		if err := checkStringGrow(a.b.Len(), len(args[1].(string))); err != nil {
			return err
		}
		a.b.WriteString(args[1].(string))
	}
	if err := checkStringGrow(a.b.Len(), len(args[0].(string))); err != nil {
		return err
	}
	a.b.WriteString(args[0].(string))
	a.seen = true
	return nil
}

func (a *aggStringText) Result(*Context) (types.Datum, error) {
	if !a.seen {
		return nil, nil
	}
	if err := checkVarlenaAlloc(a.b.Len()); err != nil {
		return nil, err
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
		if err := checkStringGrow(len(a.b), len(args[1].([]byte))); err != nil {
			return err
		}
		a.b = append(a.b, args[1].([]byte)...)
	}
	if err := checkStringGrow(len(a.b), len(args[0].([]byte))); err != nil {
		return err
	}
	a.b = append(a.b, args[0].([]byte)...)
	a.seen = true
	return nil
}

func (a *aggStringBytes) Result(*Context) (types.Datum, error) {
	if !a.seen {
		return nil, nil
	}
	if err := checkVarlenaAlloc(len(a.b)); err != nil {
		return nil, err
	}
	// Capped, so that a caller appending to it cannot write into the
	// buffer; later appends here leave the returned bytes alone.
	if a.b == nil {
		return []byte{}, nil
	}
	return a.b[:len(a.b):len(a.b)], nil
}
