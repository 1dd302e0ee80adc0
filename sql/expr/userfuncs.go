package expr

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Functions users create (CREATE FUNCTION) live in the catalog, which
// this package does not read: the Builder's UserFuncs hook finds them,
// and each takes part in overload resolution beside the built-in
// functions of its name as one more candidate. Since pg_catalog comes
// first on PostgreSQL's search path, a user function with a built-in's
// name and argument types is found only by a call qualified with its
// schema. What a call runs is the SQL layer's business (UserFunc.Call).

// UserFunc is one function a user created, as the UserFuncs hook finds
// it.
type UserFunc struct {
	// Args are the argument types; Names their names ("" unnamed).
	Args  []*types.T
	Names []string
	// Defaults is how many of the last Args have a DEFAULT: a call may
	// leave those out.
	Defaults int
	Result   *types.T
	// Set marks a set-returning function: its call is never folded
	// (the planner runs it as a row source).
	Set bool
	// Call builds the call on arguments of the function's types, one
	// per argument; a nil one was left out, and its DEFAULT stands in.
	Call func(args []Expr) (Expr, error)
	// ID is the function's catalog id, opaque here: the Builder's
	// UserCalled hook is given it for each call it resolves to the
	// function.
	ID uint32
}

// UserFuncResolver returns the user functions a call of a name may mean:
// for schema "", those of the schemas on the search path, in its order;
// otherwise those of that schema.
type UserFuncResolver func(schema, name string) ([]*UserFunc, error)

// ParamResolver returns the expression a name stands for when no column
// has it (a SQL function's argument in its body), nil if none.
type ParamResolver func(names []string) Expr

// userOverloads are the overloads a call with nArgs positional
// arguments and the named ones (nil: none) may resolve to among fs:
// one per function that takes such a call, its parameters in the call's
// order. A function whose argument types a built-in function of the
// name has (hidden) is left out: the built-in shadows it.
func userOverloads(fs []*UserFunc, nArgs int, named []string, hidden func([]*types.T) bool) []*overload {
	var out []*overload
	seen := map[string]bool{}
	for _, u := range fs {
		order, ok := callOrder(u, nArgs, named)
		if !ok {
			continue
		}
		sig := typeList(u.Args)
		if hidden(u.Args) || seen[sig] {
			// Earlier on the search path wins.
			continue
		}
		seen[sig] = true
		o := &overload{result: u.Result, user: u, order: order}
		for _, p := range order {
			o.args = append(o.args, u.Args[p])
		}
		out = append(out, o)
	}
	return out
}

// callOrder maps a call's arguments to u's parameters: the positional
// ones first, then the named ones by name; every parameter left out
// must have a DEFAULT.
func callOrder(u *UserFunc, nArgs int, named []string) ([]int, bool) {
	total := nArgs + len(named)
	if total > len(u.Args) {
		return nil, false
	}
	order := make([]int, 0, total)
	given := make([]bool, len(u.Args))
	for i := 0; i < nArgs; i++ {
		order = append(order, i)
		given[i] = true
	}
	for _, n := range named {
		p := -1
		for j, pn := range u.Names {
			if pn == n && pn != "" {
				p = j
			}
		}
		if p < 0 || given[p] {
			return nil, false
		}
		order = append(order, p)
		given[p] = true
	}
	firstDefault := len(u.Args) - u.Defaults
	for p, g := range given {
		if !g && p < firstDefault {
			return nil, false
		}
	}
	return order, true
}

// userCall builds a resolved call of a user function: the arguments
// coerced to its parameter types, put in their parameters' places.
func (b *Builder) userCall(o *overload, args []Expr, loc int32) (Expr, error) {
	full := make([]Expr, len(o.user.Args))
	for i, a := range args {
		c, err := b.coerceArg(a, o.args[i], o, loc)
		if err != nil {
			return nil, err
		}
		full[o.order[i]] = c
	}
	e, err := o.user.Call(full)
	if err != nil {
		return nil, atErr(err, loc)
	}
	if b.UserCalled != nil {
		b.UserCalled(o.user.ID, loc)
	}
	if f, ok := e.(*Func); ok && !o.user.Set {
		return foldNullInput(f), nil
	}
	return e, nil
}

// userCandidates are the user functions an unqualified call (schema "")
// or one qualified with a schema other than pg_catalog may mean; exist
// tells whether any user function has the name, fitting or not.
func (b *Builder) userCandidates(schema, name string, nArgs int, named []string) (cands []*overload, exist bool, err error) {
	if b.UserFuncs == nil {
		return nil, false, nil
	}
	fs, err := b.UserFuncs(schema, name)
	if err != nil || len(fs) == 0 {
		return nil, false, err
	}
	hidden := func([]*types.T) bool { return false }
	if schema == "" {
		builtins := functions[name]
		hidden = func(args []*types.T) bool {
			for _, o := range builtins {
				if o.variadic == nil && len(o.args) == len(args) && sameTypes(o.args, args) && !hasAny(o.args) {
					return true
				}
			}
			return false
		}
	}
	return userOverloads(fs, nArgs, named, hidden), true, nil
}

func hasAny(ts []*types.T) bool {
	for _, t := range ts {
		if t == AnyType {
			return true
		}
	}
	return false
}

// namedArgs splits a call's arguments into the positional ones and the
// named ones (name => value), which must come last (PostgreSQL's
// grammar checks that too).
func namedArgs(f *pg_query.FuncCall) (positional []*pg_query.Node, names []string, values []*pg_query.Node, err error) {
	for _, a := range f.Args {
		if na := a.GetNamedArgExpr(); na != nil {
			for _, n := range names {
				if n == na.Name {
					return nil, nil, nil, at(pgerror.Newf(pgcode.Syntax, "argument name \"%s\" used more than once", na.Name), na.Location)
				}
			}
			names, values = append(names, na.Name), append(values, na.Arg)
			continue
		}
		if len(names) > 0 {
			return nil, nil, nil, at(pgerror.New(pgcode.Syntax, "positional argument cannot follow named argument"), f.Location)
		}
		positional = append(positional, a)
	}
	return positional, names, values, nil
}

// userFuncCall resolves a call among the user functions (and, for an
// unqualified call with no named arguments, the built-in ones cands):
// ok is false when no user function has the name, for the caller to go
// on with the built-in ones alone.
func (b *Builder) userFuncCall(f *pg_query.FuncCall, parts []string, name string, cands []*overload) (Expr, bool, error) {
	schema := ""
	if len(parts) == 2 {
		schema = parts[0]
	}
	positional, names, values, err := namedArgs(f)
	if err != nil {
		return nil, true, err
	}
	// The catalog keeps a name as written ("MyFunc" quoted); name is
	// lowered for the built-in registry.
	user, exist, err := b.userCandidates(schema, parts[len(parts)-1], len(positional), names)
	if err != nil {
		return nil, true, err
	}
	if len(user) == 0 && (len(names) == 0 || !exist) {
		// No user function takes the call: the built-in ones alone
		// decide, by the caller's ordinary path (which refuses named
		// arguments).
		return nil, false, nil
	}
	args := make([]Expr, 0, len(f.Args))
	for _, n := range append(positional[:len(positional):len(positional)], values...) {
		e, err := b.Build(n)
		if err != nil {
			return nil, true, err
		}
		args = append(args, e)
	}
	all := user
	if len(names) == 0 {
		all = append(cands[:len(cands):len(cands)], user...)
	}
	argTypes := make([]*types.T, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
	}
	o, ok := resolve(all, argTypes)
	if o == nil {
		return nil, true, at(errNoUserFunction(parts, name, argTypes, names, ok), f.Location)
	}
	if o.user != nil {
		e, err := b.userCall(o, args, f.Location)
		return e, true, err
	}
	call, err := b.call(name, o, args, f.Location)
	if err != nil {
		return nil, true, err
	}
	return foldNullInput(call), true, nil
}

// errNoUserFunction is errNoFunction for a call that may have named
// arguments, which PostgreSQL's message shows as "name => type".
func errNoUserFunction(parts []string, name string, argTypes []*types.T, named []string, ambiguous bool) *pgerror.Error {
	full := strings.Join(append(parts[:len(parts)-1:len(parts)-1], name), ".")
	if len(named) == 0 {
		return errNoFunction(full, argTypes, ambiguous)
	}
	list := make([]string, len(argTypes))
	for i, t := range argTypes {
		list[i] = t.StringWithoutTypmod()
		if j := i - (len(argTypes) - len(named)); j >= 0 {
			list[i] = named[j] + " => " + list[i]
		}
	}
	return pgerror.Newf(pgcode.UndefinedFunction, "function %s(%s) does not exist", full, strings.Join(list, ", ")).
		WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
}

// builtinCandidates are the built-in (and installed extensions')
// overloads an unqualified call of name competes with user functions
// among; nil, false for the names whose calls are built some other way
// (polymorphic and record functions), which user functions do not
// override.
func (b *Builder) builtinCandidates(name string) ([]*overload, bool, error) {
	if len(polyFuncs[name]) > 0 {
		return nil, false, nil
	}
	if _, ok := PopulateFunction(name); ok {
		return nil, false, nil
	}
	if _, ok := RecordFunction(name); ok {
		return nil, false, nil
	}
	cands := functions[name]
	ext, err := b.extCandidates("", name)
	if err != nil {
		return nil, false, err
	}
	return append(cands[:len(cands):len(cands)], ext...), true, nil
}

// paramNamed resolves a name no column has through the ParamName hook.
func (b *Builder) paramNamed(names []string) Expr {
	if b.ParamName == nil {
		return nil
	}
	return b.ParamName(names)
}
