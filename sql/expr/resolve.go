package expr

import (
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// AnyType is PostgreSQL's "any" pseudo-type: a parameter of that type
// accepts an argument of any type as it is (an unknown literal as text).
var AnyType = &types.T{Oid: 2276, Name: "any", Typmod: -1, Len: 4, Category: 'P'}

// overload is one signature of an operator or function.
type overload struct {
	args []*types.T
	// variadic, when set, is the type of a last parameter that repeats
	// any number of times (PostgreSQL's VARIADIC), after args.
	variadic *types.T
	result   *types.T
	// strict functions return NULL for a NULL argument without running.
	strict bool
	fn     func(ctx *Context, args []types.Datum) (types.Datum, error)
	// volatile marks functions whose value changes within a statement
	// (clock_timestamp, random): never folded.
	volatile bool
	// restricted marks functions that read the session or the catalog
	// (Func.Restricted).
	restricted bool
	// extension names the extension whose function this is
	// (extensions.go), "" for built-in ones.
	extension string
	// bind, when set, specializes a polymorphic overload (a parameter of
	// type "any", a result that depends on the arguments) to the types of
	// the call's arguments after coercion: it returns the result type and
	// the function to run.
	bind func(argTypes []*types.T) (*types.T, func(*Context, []types.Datum) (types.Datum, error), error)
	// anyElement makes parameters of type "any" behave as PostgreSQL's
	// anyelement for untyped arguments: they are an error (42804), not
	// text (to_json('x')).
	anyElement bool
	// keepsUnknown leaves an untyped argument of a parameter of type
	// "any" unknown instead of making it text (pg_typeof('x') is
	// unknown).
	keepsUnknown bool
	// anyNonArrayAt is the 1-based position of a parameter that stands
	// for PostgreSQL's polymorphic anynonarray (0: none), in the concrete
	// copies of text || anynonarray made for each type: a polymorphic
	// parameter is never an exact match nor a preferred type, so the
	// resolver must not count it as one where that decides (unknown ||
	// bit is bit varying's ||, not text's).
	anyNonArrayAt int
	// user is the user function this overload calls (userfuncs.go),
	// nil for the built-in ones; order maps the call's arguments to its
	// parameters.
	user  *UserFunc
	order []int
}

// exactAt reports whether parameter i of o is exactly of type a.
func (o *overload) exactAt(i int, a *types.T) bool {
	if o.anyNonArrayAt == i+1 {
		return false
	}
	return a.Oid == o.args[i].Oid || o.args[i] == AnyType
}

// Registries, keyed by operator name and arity ("+/2") and by function
// name.
var (
	operators = map[string][]*overload{}
	functions = map[string][]*overload{}
)

func opKey(name string, arity int) string { return name + "/" + string(rune('0'+arity)) }

func addOp(name string, left, right, result *types.T, fn func(*Context, []types.Datum) (types.Datum, error)) {
	var args []*types.T
	if left != nil {
		args = append(args, left)
	}
	args = append(args, right)
	k := opKey(name, len(args))
	operators[k] = append(operators[k], &overload{args: args, result: result, strict: true, fn: fn})
}

func addFunc(name string, o *overload) {
	functions[name] = append(functions[name], o)
}

// resolve picks the overload for argument types, by PostgreSQL's rules
// (chapter 10.2 and 10.3 of its documentation). types.Unknown stands for
// untyped literals and parameters.
func resolve(cands []*overload, args []*types.T) (*overload, bool) {
	// Arity; a variadic candidate is expanded to the call's arity.
	var c []*overload
	for _, o := range cands {
		switch {
		case len(o.args) == len(args) && o.variadic == nil:
			c = append(c, o)
		case o.variadic != nil && len(args) >= len(o.args):
			e := *o
			e.args = append(append([]*types.T(nil), o.args...), repeatType(o.variadic, len(args)-len(o.args))...)
			c = append(c, &e)
		}
	}
	if len(c) == 0 {
		return nil, false
	}
	unknown := func(t *types.T) bool { return t.Family == types.UnknownFamily }

	// 1. Exact match; for a binary operator with one unknown input, the
	// unknown is taken to be of the other's type.
	probe := args
	if len(args) == 2 && unknown(args[0]) != unknown(args[1]) {
		if unknown(args[0]) {
			probe = []*types.T{args[1], args[1]}
		} else {
			probe = []*types.T{args[0], args[0]}
		}
	}
	for _, o := range c {
		if sameTypes(o.args, probe) && o.anyNonArrayAt == 0 {
			return o, true
		}
	}

	// 2. Keep candidates every argument can be coerced to implicitly.
	var ok []*overload
	for _, o := range c {
		fits := true
		for i, a := range args {
			if !unknown(a) && a.Oid != o.args[i].Oid && o.args[i] != AnyType && (!canCoerce(a, o.args[i]) || o.anyNonArrayAt == i+1) {
				// (The copy of anynonarray for a type takes that type
				// alone: the polymorphic parameter binds to the
				// argument's own type.)
				fits = false
				break
			}
		}
		if fits {
			ok = append(ok, o)
		}
	}
	if len(ok) <= 1 {
		return first(ok)
	}

	// 3. Most exact matches.
	ok = keepMax(ok, func(o *overload) int {
		n := 0
		for i, a := range args {
			if !unknown(a) && o.exactAt(i, a) {
				n++
			}
		}
		return n
	})
	if len(ok) == 1 {
		return ok[0], true
	}

	// 4. Most preferred types where a conversion is needed.
	ok = keepMax(ok, func(o *overload) int {
		n := 0
		for i, a := range args {
			if !unknown(a) && a.Oid != o.args[i].Oid && o.args[i].Preferred && o.anyNonArrayAt != i+1 {
				n++
			}
		}
		return n
	})
	if len(ok) == 1 {
		return ok[0], true
	}

	// 5. Unknown arguments: choose a category per position (string wins;
	// otherwise all candidates must agree) and keep candidates in it,
	// preferring the category's preferred type. When some position has
	// no such category, PostgreSQL drops no candidate here and goes on.
	if cats, prefs, resolved := unknownCategories(ok, args); resolved {
		var keep []*overload
		for _, o := range ok {
			fits := true
			for i, a := range args {
				if unknown(a) && (o.args[i].Category != cats[i] || prefs[i] && !o.args[i].Preferred) {
					fits = false
				}
			}
			if fits {
				keep = append(keep, o)
			}
		}
		ok = keep
	}
	if len(ok) == 1 {
		return ok[0], true
	}

	// 6. Unknowns next to known arguments all of one type: assume that
	// type for the unknowns.
	var known *types.T
	same := true
	for _, a := range args {
		if unknown(a) {
			continue
		}
		if known == nil {
			known = a
		} else if known.Oid != a.Oid {
			same = false
		}
	}
	if known != nil && same {
		var fit []*overload
		for _, o := range ok {
			good := true
			for i, a := range args {
				if unknown(a) && o.args[i].Oid != known.Oid && !canCoerce(known, o.args[i]) {
					good = false
				}
			}
			if good {
				fit = append(fit, o)
			}
		}
		if len(fit) == 1 {
			return fit[0], true
		}
	}
	return nil, len(ok) > 1 // ambiguous: ok reports "candidates remained"
}

// unknownCategories chooses, for each unknown argument, the type
// category of the candidates' parameters there: string if any candidate
// takes a string, otherwise the one all take (resolved is false if they
// differ); prefs tells where some candidate takes the category's
// preferred type.
func unknownCategories(cands []*overload, args []*types.T) (cats []byte, prefs []bool, resolved bool) {
	cats, prefs = make([]byte, len(args)), make([]bool, len(args))
	resolved = true
	for i, a := range args {
		if a.Family != types.UnknownFamily {
			continue
		}
		agree := true
		for _, o := range cands {
			switch oc := o.args[i].Category; {
			case oc == 'S' && cats[i] != 'S':
				cats[i], prefs[i] = 'S', o.args[i].Preferred
			case cats[i] == 0:
				cats[i], prefs[i] = oc, o.args[i].Preferred
			case cats[i] == oc:
				prefs[i] = prefs[i] || o.args[i].Preferred
			case cats[i] != 'S':
				agree = false
			}
		}
		if cats[i] != 'S' && !agree {
			resolved = false
		}
	}
	return cats, prefs, resolved
}

func repeatType(t *types.T, n int) []*types.T {
	out := make([]*types.T, n)
	for i := range out {
		out[i] = t
	}
	return out
}

func first(o []*overload) (*overload, bool) {
	if len(o) == 1 {
		return o[0], true
	}
	return nil, false
}

func sameTypes(a, b []*types.T) bool {
	for i := range a {
		if a[i].Oid != b[i].Oid && a[i] != AnyType {
			return false
		}
	}
	return true
}

func keepMax(c []*overload, score func(*overload) int) []*overload {
	best := -1
	var out []*overload
	for _, o := range c {
		switch s := score(o); {
		case s > best:
			best, out = s, []*overload{o}
		case s == best:
			out = append(out, o)
		}
	}
	return out
}

// typeList formats argument types for error messages: "integer, text".
func typeList(args []*types.T) string {
	names := make([]string, len(args))
	for i, a := range args {
		names[i] = a.StringWithoutTypmod() // format_type_be
	}
	return strings.Join(names, ", ")
}

// errNoOperator and friends are PostgreSQL's messages.
func errNoOperator(name string, args []*types.T, ambiguous bool) *pgerror.Error {
	sig := name + " " + args[0].StringWithoutTypmod()
	if len(args) == 2 {
		sig = args[0].StringWithoutTypmod() + " " + name + " " + args[1].StringWithoutTypmod()
	}
	if ambiguous {
		return pgerror.Newf(pgcode.AmbiguousFunction, "operator is not unique: %s", sig).
			WithHint("Could not choose a best candidate operator. You might need to add explicit type casts.")
	}
	return pgerror.Newf(pgcode.UndefinedFunction, "operator does not exist: %s", sig).
		WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
}

func errNoFunction(name string, args []*types.T, ambiguous bool) *pgerror.Error {
	if ambiguous {
		return pgerror.Newf(pgcode.AmbiguousFunction, "function %s(%s) is not unique", name, typeList(args)).
			WithHint("Could not choose a best candidate function. You might need to add explicit type casts.")
	}
	return pgerror.Newf(pgcode.UndefinedFunction, "function %s(%s) does not exist", name, typeList(args)).
		WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
}
