package expr

import (
	"bytes"
	"math"
	"strings"

	"github.com/stela-db/stela/sql/types"
)

// The comparison operators and the function that maps a three-way result
// to each.
var cmpOps = []struct {
	name string
	test func(c int) bool
}{
	{"=", func(c int) bool { return c == 0 }},
	{"<>", func(c int) bool { return c != 0 }},
	{"<", func(c int) bool { return c < 0 }},
	{">", func(c int) bool { return c > 0 }},
	{"<=", func(c int) bool { return c <= 0 }},
	{">=", func(c int) bool { return c >= 0 }},
}

// cmpTest returns the test of comparison operator name on a three-way
// result, nil if name is not one.
func cmpTest(name string) func(int) bool {
	for _, op := range cmpOps {
		if op.name == name {
			return op.test
		}
	}
	return nil
}

// addCompare registers the six comparisons of (l, r) with a three-way
// comparison function.
func addCompare(l, r *types.T, cmp func(a, b types.Datum) int) {
	for _, op := range cmpOps {
		test := op.test
		addOp(op.name, l, r, types.Bool, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return test(cmp(a[0], a[1])), nil
		})
	}
}

// comparedAs prepares a comparison operator on a kind of type that has
// no registered operators (records, enums): both operands of kind (and
// same, when given, for the two types), or one of kind and the other an
// untyped literal, which is read as the other's type t. ok is false for
// any other call, and for an operator that is not a comparison.
func (b *Builder) comparedAs(name string, args []Expr, loc int32, kind func(*types.T) bool, same func(l, r *types.T) bool) (out []Expr, t *types.T, test func(int) bool, ok bool, err error) {
	if len(args) != 2 {
		return nil, nil, nil, false, nil
	}
	lt, rt := args[0].Type(), args[1].Type()
	untyped := func(t *types.T) bool { return t.Family == types.UnknownFamily }
	switch {
	case kind(lt) && kind(rt) && (same == nil || same(lt, rt)):
	case kind(lt) && untyped(rt), untyped(lt) && kind(rt):
	default:
		return nil, nil, nil, false, nil
	}
	if test = cmpTest(name); test == nil {
		return nil, nil, nil, false, nil
	}
	t = lt
	if untyped(lt) {
		t = rt
	}
	out, err = b.coerceArgs(args, []*types.T{t, t}, loc)
	return out, t, test, true, err
}

func cmpInts(a, b types.Datum) int {
	x, y := a.(int64), b.(int64)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// cmpFloats orders NaN after every other value and equal to itself, as
// PostgreSQL does (so that sorting and indexing work).
func cmpFloats(a, b types.Datum) int {
	x, y := a.(float64), b.(float64)
	switch xn, yn := math.IsNaN(x), math.IsNaN(y); {
	case xn && yn:
		return 0
	case xn:
		return 1
	case yn:
		return -1
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// cmpBpchar compares character(n) values ignoring trailing spaces.
func cmpBpchar(a, b types.Datum) int {
	return strings.Compare(strings.TrimRight(a.(string), " "), strings.TrimRight(b.(string), " "))
}

func cmpStrings(a, b types.Datum) int { return strings.Compare(a.(string), b.(string)) }

func init() {
	for _, t := range []*types.T{types.Text, types.Varchar, types.Name} {
		addCompare(t, t, cmpStrings)
	}
	addCompare(types.Name, types.Text, cmpStrings)
	addCompare(types.Text, types.Name, cmpStrings)
	addCompare(types.Bpchar, types.Bpchar, cmpBpchar)
	addCompare(types.Bytea, types.Bytea, func(a, b types.Datum) int { return bytes.Compare(a.([]byte), b.([]byte)) })
	for _, t := range []*types.T{types.Numeric, types.Bool, types.UUIDType, types.DateType, types.Time, types.TimestampType,
		types.TimestampTZType, types.IntervalType, types.OidType, types.JSONB, types.InetType, types.MacAddrType, types.MacAddr8Type} {
		t := t
		addCompare(t, t, func(a, b types.Datum) int { return types.Compare(t, a, b) })
	}
}
