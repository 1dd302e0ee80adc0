package expr

import (
	"strconv"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/types"
)

// RowBuild makes a record of its arguments: ROW(a, b) (fields f1, f2 ...,
// as PostgreSQL names an anonymous row's columns) and a whole-row
// reference to a FROM item (SELECT t FROM t, row_to_json(t)), whose
// fields are the item's columns. The record's type carries the field
// names, so (r).name and to_json(r) know them.
type RowBuild struct {
	Args []Expr
	T    *types.T
	// Witness, on a whole-row reference, reads a column never NULL in
	// the item's own rows: when it is NULL an outer join null-extended
	// the item, and the reference is NULL, as PostgreSQL's whole-row
	// Var is, not a record of NULLs.
	Witness Expr
	// Untyped marks the arguments that were untyped literals, resolved
	// to text: converted to a composite type, they are read by the
	// field's input function instead, as PostgreSQL resolves them
	// against the target's field types (INSERT ... VALUES (ROW('5', x))).
	Untyped []bool
}

// NewRowBuild returns a RowBuild of args with the given field names.
func NewRowBuild(names []string, args []Expr) *RowBuild {
	fields := make([]types.Field, len(args))
	for i, a := range args {
		fields[i] = types.Field{Name: names[i], T: a.Type()}
	}
	return &RowBuild{Args: args, T: types.RecordOf(fields)}
}

func (r *RowBuild) Type() *types.T { return r.T }
func (r *RowBuild) Children() []Expr {
	if r.Witness != nil {
		return append(r.Args[:len(r.Args):len(r.Args)], r.Witness)
	}
	return r.Args
}

func (r *RowBuild) Eval(ctx *Context) (types.Datum, error) {
	if r.Witness != nil {
		w, err := r.Witness.Eval(ctx)
		if err != nil || w == nil {
			return nil, err
		}
	}
	vals := make([]types.Datum, len(r.Args))
	for i, a := range r.Args {
		v, err := a.Eval(ctx)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return &types.Record{Values: vals, T: r.T}, nil
}

// rowExpr builds ROW(...) and (a, b) outside a comparison.
func (b *Builder) rowExpr(e *pg_query.RowExpr) (Expr, error) {
	args := make([]Expr, len(e.Args))
	names := make([]string, len(e.Args))
	var untyped []bool
	for i, n := range e.Args {
		a, err := b.Build(n)
		if err != nil {
			return nil, err
		}
		if a.Type().Oid == types.Unknown.Oid {
			if _, ok := a.(*Const); ok {
				if untyped == nil {
					untyped = make([]bool, len(e.Args))
				}
				untyped[i] = true
			}
			// As PostgreSQL resolves an unknown literal in a row: text.
			if a, err = b.coerce(a, types.Text, castImplicit, e.Location); err != nil {
				return nil, err
			}
		}
		args[i] = a
		names[i] = "f" + strconv.Itoa(i+1)
	}
	row := NewRowBuild(names, args)
	row.Untyped = untyped
	return row, nil
}
