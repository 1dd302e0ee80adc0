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
// (1,) = (1,) is true. The fields must have the same types, which is
// checked when two rows are compared, as PostgreSQL does.

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
	if len(args) != 2 {
		return nil, false, nil
	}
	lt, rt := args[0].Type(), args[1].Type()
	isRecord := func(t *types.T) bool { return t.Family == types.RecordFamily }
	untyped := func(t *types.T) bool { return t.Family == types.UnknownFamily }
	if !(isRecord(lt) && (isRecord(rt) || untyped(rt)) || untyped(lt) && isRecord(rt)) {
		return nil, false, nil
	}
	var test func(int) bool
	for _, op := range cmpOps {
		if op.name == name {
			test = op.test
		}
	}
	if test == nil {
		return nil, false, nil
	}
	t := lt
	var mismatch error
	if untyped(lt) {
		t = rt
	} else if isRecord(rt) {
		// PostgreSQL finds a mismatch when it compares two rows, so a
		// comparison that never runs does not fail.
		mismatch = checkComparableRecords(lt, rt)
	}
	out, err := b.coerceArgs(args, []*types.T{t, t}, loc)
	if err != nil {
		return nil, true, err
	}
	fn := func(_ *Context, a []types.Datum) (types.Datum, error) {
		if mismatch != nil {
			return nil, mismatch
		}
		return test(types.Compare(t, a[0], a[1])), nil
	}
	return &Func{Name: name, Args: out, Result: types.Bool, Strict: true, Fn: fn}, true, nil
}

// checkComparableRecords is record_cmp's check of the two row types: as
// many fields, of the same types (an untyped literal in ROW(...) is
// unknown, not text, and so matches nothing).
func checkComparableRecords(a, b *types.T) error {
	if len(a.Fields) != len(b.Fields) {
		return pgerror.New(pgcode.DatatypeMismatch, "cannot compare record types with different numbers of columns")
	}
	for i := range a.Fields {
		if x, y := a.Fields[i].T, b.Fields[i].T; x.Oid != y.Oid {
			return pgerror.Newf(pgcode.DatatypeMismatch, "cannot compare dissimilar column types %s and %s at record column %d", x, y, i+1)
		}
	}
	return nil
}
