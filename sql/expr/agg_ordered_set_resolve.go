package expr

import (
	"fmt"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// OrderedSetCall is an ordered-set aggregate call as written, its
// arguments built but not yet coerced: NAME(Direct) WITHIN GROUP (ORDER
// BY Aggregated). A call of an ordered-set aggregate's name without
// WITHIN GROUP (always an error) has all its arguments in Direct.
type OrderedSetCall struct {
	Name                       string
	Direct, Aggregated         []Expr
	DirectLocs, AggregatedLocs []int32
	WithinGroup                bool
	Loc                        int32
}

// ResolveOrderedSet picks the ordered-set aggregate signature a call
// means and returns it with the direct and WITHIN GROUP arguments
// coerced to its parameter types. As PostgreSQL's ParseFuncOrColumn, it
// looks the name up with the direct and aggregated arguments as one list
// and then refuses WITHIN GROUP on anything but an ordered-set aggregate
// (42809), an ordered-set aggregate without it (42809), and a signature
// whose split between direct and aggregated arguments is another
// (42883).
func (b *Builder) ResolveOrderedSet(c *OrderedSetCall) (*OrderedSetAggregate, []Expr, []Expr, error) {
	all := append(append([]Expr(nil), c.Direct...), c.Aggregated...)
	argTypes := make([]*types.T, len(all))
	for i, a := range all {
		argTypes[i] = a.Type()
	}
	cands := orderedSets[c.Name]
	if len(cands) == 0 {
		return nil, nil, nil, b.notOrderedSet(c, all, argTypes)
	}
	if cands[0].Hypothetical {
		if !c.WithinGroup {
			return nil, nil, nil, errWithinGroupRequired(c)
		}
		return b.resolveHypothetical(c, cands[0], argTypes)
	}
	ovs := make([]*overload, len(cands))
	for i, a := range cands {
		ovs[i] = &overload{args: append(append([]*types.T(nil), a.Direct...), a.Aggregated...), result: a.Result}
	}
	o, ambiguous := resolve(ovs, argTypes)
	if o == nil {
		return nil, nil, nil, at(errNoFunction(c.Name, argTypes, ambiguous), c.Loc)
	}
	var agg *OrderedSetAggregate
	for i := range ovs {
		if ovs[i] == o {
			agg = cands[i]
		}
	}
	if !c.WithinGroup {
		return nil, nil, nil, errWithinGroupRequired(c)
	}
	if len(agg.Direct) != len(c.Direct) {
		return nil, nil, nil, at(errNoFunction(c.Name, argTypes, false).
			WithHint(fmt.Sprintf("There is an ordered-set aggregate %s, but it requires %d direct arguments, not %d.", c.Name, len(agg.Direct), len(c.Direct))), c.Loc)
	}
	return b.coerceOrderedSet(c, agg)
}

// coerceOrderedSet coerces a call's arguments to the parameter types of
// the signature chosen for it, and binds a polymorphic result to the
// WITHIN GROUP argument's type.
func (b *Builder) coerceOrderedSet(c *OrderedSetCall, agg *OrderedSetAggregate) (*OrderedSetAggregate, []Expr, []Expr, error) {
	direct := make([]Expr, len(c.Direct))
	for i, a := range c.Direct {
		e, err := b.coerce(a, agg.Direct[i], castImplicit, c.DirectLocs[i])
		if err != nil {
			return nil, nil, nil, err
		}
		direct[i] = e
	}
	aggregated := make([]Expr, len(c.Aggregated))
	for i, a := range c.Aggregated {
		want := agg.Aggregated[i]
		if want != AnyType {
			e, err := b.coerce(a, want, castImplicit, c.AggregatedLocs[i])
			if err != nil {
				return nil, nil, nil, err
			}
			aggregated[i] = e
			continue
		}
		if a.Type().Family == types.UnknownFamily {
			// anyelement learns nothing from an untyped literal.
			return nil, nil, nil, pgerror.New(pgcode.DatatypeMismatch, "could not determine polymorphic type because input has type unknown")
		}
		aggregated[i] = a
	}
	if agg.resultOf != nil {
		res, err := agg.resultOf(aggregated[0].Type())
		if err != nil {
			return nil, nil, nil, err
		}
		bound := *agg
		bound.Result, bound.resultOf = res, nil
		agg = &bound
	}
	return agg, direct, aggregated, nil
}

// resolveHypothetical resolves rank, dense_rank, percent_rank or
// cume_dist WITHIN GROUP: VARIADIC "any" in pg_proc, with as many direct
// arguments as ordering columns, each pair coerced to a common type
// (PostgreSQL's unify_hypothetical_args).
func (b *Builder) resolveHypothetical(c *OrderedSetCall, agg *OrderedSetAggregate, argTypes []*types.T) (*OrderedSetAggregate, []Expr, []Expr, error) {
	n := len(c.Aggregated)
	if len(c.Direct) != n {
		return nil, nil, nil, at(errNoFunction(c.Name, argTypes, false).
			WithHint(fmt.Sprintf("To use the hypothetical-set aggregate %s, the number of hypothetical direct arguments (here %d) must match the number of ordering columns (here %d).", c.Name, len(c.Direct), n)), c.Loc)
	}
	direct := make([]Expr, n)
	aggregated := make([]Expr, n)
	for i := range c.Aggregated {
		pair, _, err := b.CommonType([]Expr{c.Aggregated[i], c.Direct[i]}, []int32{c.AggregatedLocs[i], c.DirectLocs[i]}, "WITHIN GROUP")
		if err != nil {
			return nil, nil, nil, err
		}
		aggregated[i], direct[i] = pair[0], pair[1]
	}
	return agg, direct, aggregated, nil
}

// notOrderedSet is the error for WITHIN GROUP on a name that is no
// ordered-set aggregate: what PostgreSQL says depends on what the name
// and the arguments (direct and aggregated as one list) resolve to.
func (b *Builder) notOrderedSet(c *OrderedSetCall, all []Expr, argTypes []*types.T) error {
	if IsAggregate(c.Name) {
		if _, _, err := b.ResolveAggregate(c.Name, all, c.Loc); err != nil {
			return err
		}
		return at(pgerror.Newf(pgcode.WrongObjectType, "%s is not an ordered-set aggregate, so it cannot have WITHIN GROUP", c.Name), c.Loc)
	}
	if o, _ := resolve(functions[c.Name], argTypes); o != nil || polyArity(c.Name, len(all)) {
		return at(pgerror.Newf(pgcode.WrongObjectType, "WITHIN GROUP specified, but %s is not an aggregate function", c.Name), c.Loc)
	}
	return at(errNoFunction(c.Name, argTypes, false), c.Loc)
}

// polyArity reports whether a polymorphic function of that name takes
// n arguments.
func polyArity(name string, n int) bool {
	for _, f := range polyFuncs[name] {
		if len(f.params) == n {
			return true
		}
	}
	return false
}

func errWithinGroupRequired(c *OrderedSetCall) error {
	return at(pgerror.Newf(pgcode.WrongObjectType, "WITHIN GROUP is required for ordered-set aggregate %s", c.Name), c.Loc)
}
