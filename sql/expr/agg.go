package expr

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Aggregate is one signature of an aggregate function (count, sum,
// string_agg ...). The planner evaluates its arguments for every input
// row of a group and feeds them to an Accumulator.
type Aggregate struct {
	Name string
	// Args are the parameter types; arguments are coerced to them.
	// AnyType accepts anything (count, min, max bind to the actual type).
	Args   []*types.T
	Result *types.T
	// Strict aggregates skip input rows where any argument is NULL (all
	// of PostgreSQL's built-in aggregates but count(*)); a group that
	// saw no row gives New()'s Result on no input (NULL, or 0 for count).
	Strict bool
	// New makes the accumulator of one group.
	New func() Accumulator
	// bind, when set, specializes a polymorphic signature to the call's
	// argument types (min and max of any ordered type, array_agg): it
	// returns the result type and the accumulator constructor.
	bind func(args []*types.T) (*types.T, func() Accumulator, error)
}

// Accumulator folds one group's rows into the aggregate's value.
type Accumulator interface {
	// Add adds a row's arguments (never NULL for a strict aggregate).
	// It may keep the values but not the slice, which the caller
	// reuses for the next row.
	Add(ctx *Context, args []types.Datum) error
	// Result returns the aggregate of the rows added so far; it may be
	// called more than once (window frames that grow).
	Result(ctx *Context) (types.Datum, error)
}

// aggregates is the registry of aggregate signatures by name.
var aggregates = map[string][]*Aggregate{}

func addAgg(a *Aggregate) { aggregates[a.Name] = append(aggregates[a.Name], a) }

// IsAggregate reports whether name is an aggregate function.
func IsAggregate(name string) bool { return len(aggregates[name]) > 0 }

// ResolveAggregate picks the aggregate signature for argument
// expressions and returns the arguments coerced to its parameter types.
// star is count(*): no arguments.
func (b *Builder) ResolveAggregate(name string, args []Expr, loc int32) (*Aggregate, []Expr, error) {
	cands := aggregates[name]
	argTypes := make([]*types.T, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
	}
	if agg := enumAggregate(name, argTypes); agg != nil {
		return agg, args, nil
	}
	ovs := make([]*overload, len(cands))
	for i, a := range cands {
		ovs[i] = &overload{args: a.Args, result: a.Result}
	}
	o, ambiguous := resolve(ovs, argTypes)
	if o == nil {
		return nil, nil, at(errNoFunction(name, argTypes, ambiguous), loc)
	}
	var agg *Aggregate
	for i := range ovs {
		if ovs[i] == o {
			agg = cands[i]
		}
	}
	out := make([]Expr, len(args))
	final := make([]*types.T, len(args))
	for i, a := range args {
		want := agg.Args[i]
		if want == AnyType {
			e, err := b.Finish(a)
			if err != nil {
				return nil, nil, err
			}
			out[i] = e
		} else {
			e, err := b.coerce(a, want, castImplicit, loc)
			if err != nil {
				return nil, nil, err
			}
			out[i] = e
		}
		final[i] = out[i].Type()
	}
	if agg.bind != nil {
		result, newAcc, err := agg.bind(final)
		if err != nil {
			return nil, nil, atErr(pgerror.WithCode(err, pgcode.UndefinedFunction), loc)
		}
		bound := *agg
		bound.Result, bound.New, bound.bind = result, newAcc, nil
		agg = &bound
	}
	return agg, out, nil
}

// countAcc is count(x) and count(*).
type countAcc struct{ n int64 }

func (c *countAcc) Add(*Context, []types.Datum) error    { c.n++; return nil }
func (c *countAcc) Result(*Context) (types.Datum, error) { return c.n, nil }

func newCount() Accumulator { return &countAcc{} }

func init() {
	addAgg(&Aggregate{Name: "count", Result: types.Int8, New: newCount})
	addAgg(&Aggregate{Name: "count", Args: []*types.T{AnyType}, Result: types.Int8, Strict: true, New: newCount})
}
