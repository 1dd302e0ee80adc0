package expr

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Record comparisons: PostgreSQL's record_eq, record_lt and the rest,
// for a record value against another (t = u, t IS DISTINCT FROM NULL,
// t < (SELECT ...)). Two row constructors compare field by field as SQL
// says instead (rowcmp.go). Records compare as btrecordcmp orders them:
// field by field, a NULL field equal to a NULL and after any value, so
// (1,) = (1,) is true. The fields must have the same types (an untyped
// literal in ROW(...) is unknown, which matches nothing): a record value
// carries its own type (types.Record.T), and the check is made when two
// rows are compared, as PostgreSQL makes it.

// recordOpSignatures are the record comparisons, as pg_operator lists
// them.
var recordOpSignatures = func() []OpSignature {
	var out []OpSignature
	for _, op := range cmpOps {
		out = append(out, OpSignature{op.name, types.RecordType.Oid, types.RecordType.Oid})
	}
	return out
}()

// recordOperatorCall builds a comparison when an operand is a record and
// the other a record or an untyped literal (which becomes a record: NULL,
// or text a record cannot read); ok is false otherwise, so that ordinary
// resolution runs.
func (b *Builder) recordOperatorCall(name string, args []Expr, loc int32) (f *Func, ok bool, err error) {
	isRecord := func(t *types.T) bool { return t.Family == types.RecordFamily }
	var out []Expr
	var test func(int) bool
	if len(args) == 2 && isRecord(args[0].Type()) && isRecord(args[1].Type()) && args[0].Type().Oid != args[1].Type().Oid {
		// Records of two types (t = u, t = ROW(...)) compare as
		// record = record, both binary-coercible to record, their
		// fields checked as they are compared: neither is cast to the
		// other's row type.
		if test = cmpTest(name); test == nil {
			return nil, false, nil
		}
		out = args
	} else if len(args) == 2 && (isRowType(args[0].Type()) || isRowType(args[1].Type())) {
		// t = '(1,x)': the literal is read as an anonymous record, as
		// PostgreSQL resolves the operator to record = record (0A000).
		if out, _, test, ok, err = b.comparedAs(name, args, loc, isRecord, nil); !ok || err != nil {
			return nil, ok, err
		}
		if out, err = b.coerceArgs(args, []*types.T{types.RecordType, types.RecordType}, loc); err != nil {
			return nil, true, err
		}
	} else if out, _, test, ok, err = b.comparedAs(name, args, loc, isRecord, nil); !ok || err != nil {
		return nil, ok, err
	}
	fn := func(_ *Context, a []types.Datum) (types.Datum, error) {
		x, y := a[0].(*types.Record), a[1].(*types.Record)
		c, err := compareCheckedRecords(x.TypeIn(out[0].Type()), y.TypeIn(out[1].Type()), x, y, name)
		if err != nil {
			return nil, err
		}
		return test(c), nil
	}
	return &Func{Name: name, Args: out, Result: types.Bool, Strict: true, Fn: fn}, true, nil
}

// compareCheckedRecords is record_cmp: it checks two rows as it
// compares them (as many fields, of the same types, each with the
// comparison op needs, json having none, and the same of two nested
// records) and orders them as types.Compare does, in one walk. Every
// field is checked, also past the first that differs, so that a row
// that cannot be compared fails whatever its values.
func compareCheckedRecords(ta, tb *types.T, a, b *types.Record, op string) (int, error) {
	if len(a.Values) != len(b.Values) {
		return 0, pgerror.New(pgcode.DatatypeMismatch, "cannot compare record types with different numbers of columns")
	}
	c := 0
	for i := range a.Values {
		fa, fb := types.FieldType(ta, i), types.FieldType(tb, i)
		if fa.Oid != fb.Oid {
			return 0, pgerror.Newf(pgcode.DatatypeMismatch, "cannot compare dissimilar column types %s and %s at record column %d", fa, fb, i+1)
		}
		elem := fa
		if fa.IsArray() {
			elem = fa.Elem
		}
		if err := checkElemComparable(elem, op); err != nil {
			return 0, err // NULL or not, as PostgreSQL looks the operator up
		}
		x, y := a.Values[i], b.Values[i]
		switch {
		case x == nil && y == nil:
			continue
		case x == nil || y == nil:
			if c == 0 {
				c = 1 // a NULL field after any value
				if y == nil {
					c = -1
				}
			}
			continue
		}
		if xr, ok := x.(*types.Record); ok {
			fc, err := compareCheckedRecords(xr.TypeIn(fa), y.(*types.Record).TypeIn(fb), xr, y.(*types.Record), op)
			if err != nil {
				return 0, err
			}
			if c == 0 {
				c = fc
			}
			continue
		}
		if c == 0 {
			c = types.Compare(fa, x, y)
		}
	}
	return c, nil
}
