package expr

import "github.com/stela-db/stela/sql/types"

// FixedArgs converts the built arguments of a function the planner
// builds itself (nextval(regclass), setval(regclass, bigint, boolean))
// to its one signature. As PostgreSQL's lookup with a single candidate,
// a wrong count or an argument with no implicit cast to its parameter
// is "function f(types) does not exist" at the call; errors of a
// literal's conversion ('nope' as a regclass) point at the literal.
func (b *Builder) FixedArgs(name string, args []Expr, params []*types.T, loc int32) ([]Expr, error) {
	fits := len(args) == len(params)
	for i := 0; fits && i < len(args); i++ {
		fits = castContextOf(args[i].Type(), params[i]) >= castImplicit
	}
	if !fits {
		argTypes := make([]*types.T, len(args))
		for i, a := range args {
			argTypes[i] = a.Type()
		}
		return nil, at(errNoFunction(name, argTypes, false), loc)
	}
	return b.coerceArgs(args, params, loc)
}
