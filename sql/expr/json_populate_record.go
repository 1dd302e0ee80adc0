package expr

import (
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// json_populate_record(base anyelement, from_json json), its jsonb twin
// and their *_recordset forms: json_to_record's conversion (the same in
// PostgreSQL, populate_record), with the record's shape taken from the
// type of base instead of a column definition list, and the fields a
// JSON object lacks taken from base's value (NULL when base is NULL).
// The json forms take a third argument, use_json_as_text, which
// PostgreSQL has kept for compatibility and ignores.

// PopulateFunction returns the function of that name that populates a
// record of base's type, if it is one.
func PopulateFunction(name string) (*JSONRecordFunc, bool) {
	switch name {
	case "json_populate_record", "json_populate_recordset", "jsonb_populate_record", "jsonb_populate_recordset":
		return &JSONRecordFunc{Name: name, isB: strings.HasPrefix(name, "jsonb_"), set: strings.HasSuffix(name, "set")}, true
	}
	return nil, false
}

// IsSet reports whether the function returns a set (*_recordset).
func (f *JSONRecordFunc) IsSet() bool { return f.set }

// PopulateArgs resolves a call's arguments: base, which keeps its type
// (anyelement), and the json (jsonb) argument, coerced as a call's
// argument is; use_json_as_text, when given, is checked and dropped.
func (f *JSONRecordFunc) PopulateArgs(b *Builder, args []Expr, loc int32) (base, arg Expr, err error) {
	argTypes := make([]*types.T, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
	}
	if len(args) < 2 || len(args) > 3 || len(args) == 3 && f.isB {
		return nil, nil, at(errNoFunction(f.Name, argTypes, false), loc)
	}
	if argTypes[0].Family == types.UnknownFamily {
		// Without a position, as PostgreSQL's.
		return nil, nil, pgerror.New(pgcode.DatatypeMismatch, "could not determine polymorphic type because input has type unknown")
	}
	jt := types.JSON
	if f.isB {
		jt = types.JSONB
	}
	params := []*types.T{argTypes[0], jt, types.Bool}[:len(args)]
	o, ambiguous := resolve([]*overload{{args: params, result: argTypes[0]}}, argTypes)
	if o == nil {
		return nil, nil, at(errNoFunction(f.Name, argTypes, ambiguous), loc)
	}
	call, err := b.call(f.Name, o, args, loc)
	if err != nil {
		return nil, nil, err
	}
	return call.Args[0], call.Args[1], nil
}

// CheckRowType checks that base's type is a record type with fields,
// as the call's result type must be.
func (f *JSONRecordFunc) CheckRowType(t *types.T) error {
	if t.Family != types.RecordFamily {
		return pgerror.Newf(pgcode.DatatypeMismatch, "first argument of %s must be a row type", f.Name)
	}
	if t.Fields == nil && t.Row == nil {
		return errRecordType(f.Name)
	}
	return nil
}

// FieldColumns are the columns a record of row type t is populated
// into.
func FieldColumns(t *types.T) []RecordColumn {
	cols := make([]RecordColumn, len(t.Fields))
	for i, fl := range t.Fields {
		cols[i] = RecordColumn{Name: fl.Name, Type: fl.T}
	}
	return cols
}

// PopulateRows returns the rows of the call for base (a *types.Record or
// NULL) and the JSON value d: a NULL d gives base itself from
// *_populate_record (isNull when base is NULL too) and no rows from
// *_populate_recordset.
func (f *JSONRecordFunc) PopulateRows(base, d types.Datum, cols []RecordColumn, fs *types.FormatSettings) (rows [][]types.Datum, isNull bool, err error) {
	var defaults []types.Datum
	if r, ok := base.(*types.Record); ok {
		defaults = r.Values
	}
	if d == nil {
		if f.set {
			return nil, false, nil
		}
		row := make([]types.Datum, len(cols))
		copy(row, defaults)
		return [][]types.Datum{row}, base == nil, nil
	}
	rows, err = f.rows(d, cols, defaults, fs)
	return rows, false, err
}

// populateRecordCall is json_populate_record in an expression: a Func
// returning a record of base's type.
func (b *Builder) populateRecordCall(f *JSONRecordFunc, args []Expr, loc int32) (Expr, error) {
	base, arg, err := f.PopulateArgs(b, args, loc)
	if err != nil {
		return nil, err
	}
	t := base.Type()
	if t.Family == types.RecordFamily && t.Fields == nil && t.Row == nil {
		return nil, atErr(errRecordType(f.Name), loc)
	}
	cols := FieldColumns(t)
	fn := func(ctx *Context, a []types.Datum) (types.Datum, error) {
		if err := f.CheckRowType(t); err != nil {
			return nil, err
		}
		var fs *types.FormatSettings
		if ctx.Session != nil {
			fs = ctx.Session.FormatSettings()
		}
		rows, isNull, err := f.PopulateRows(a[0], a[1], cols, fs)
		if err != nil || isNull {
			return nil, err
		}
		return &types.Record{Values: rows[0], T: t}, nil
	}
	return &Func{Name: f.Name, Args: []Expr{base, arg}, Result: t, Fn: fn}, nil
}
