package expr

import (
	"sort"

	"github.com/stela-db/stela/sql/types"
)

// Set-returning functions whose rows depend on their arguments' values
// alone: the json ones (json_srf.go), regexp_matches and
// regexp_split_to_table (regex_funcs.go), string_to_table. They are
// registered here with their signatures, resolved like other functions
// (Builder.SetFuncCall), and run by the planner, which makes them rows
// in FROM or in a select list (sql/setfunc.go). The set-returning
// functions the planner builds itself (generate_series, unnest...) and
// those reading the catalog are not here.

// SetFunc is one signature's computation.
type SetFunc struct {
	Names []string   // output columns
	Types []*types.T // their types
	// Rows computes the rows from the arguments, converted to the
	// signature's types.
	Rows func(args []types.Datum) ([][]types.Datum, error)
	// Strict functions return no rows for a NULL argument, without
	// calling Rows (addSetFunc sets it).
	Strict bool
}

// setOverload is a signature of a set-returning function.
type setOverload struct {
	o  *overload // parameters and strictness (its fn is unused)
	fn *SetFunc
}

var setFuncs = map[string][]setOverload{}

// addSetFunc registers a signature of a set-returning function.
func addSetFunc(name string, args []*types.T, strict bool, f *SetFunc) {
	g := *f
	g.Strict = strict
	setFuncs[name] = append(setFuncs[name], setOverload{o: &overload{args: args, strict: strict, result: f.Types[0]}, fn: &g})
}

// oneColumn is a SetFunc of one column named after the function whose
// rows are the values rows returns.
func oneColumn(name string, t *types.T, values func(args []types.Datum) ([]types.Datum, error)) *SetFunc {
	return &SetFunc{Names: []string{name}, Types: []*types.T{t}, Rows: func(args []types.Datum) ([][]types.Datum, error) {
		vals, err := values(args)
		if err != nil {
			return nil, err
		}
		rows := make([][]types.Datum, len(vals))
		for i, v := range vals {
			rows[i] = []types.Datum{v}
		}
		return rows, nil
	}}
}

// extSetFuncs are the set-returning functions of extensions
// (pgcrypto's pgp_armor_headers), apart from setFuncs so that they are
// not listed as built-in; a call finds them only while their extension
// is installed, as the extensions' other functions (extensions.go).
var extSetFuncs = map[string][]setOverload{}

// addExtSetFunc registers a strict set-returning function of extension
// ext, in its install script's order among the extension's functions.
func addExtSetFunc(ext, name string, args []*types.T, f *SetFunc) {
	g := *f
	g.Strict = true
	o := &overload{args: args, strict: true, result: f.Types[0], extension: ext}
	extSetFuncs[name] = append(extSetFuncs[name], setOverload{o: o, fn: &g})
	extOrder[ext] = append(extOrder[ext], extFunc{name, o})
}

// IsSetFunc reports whether name is a function registered here.
func IsSetFunc(name string) bool { return len(setFuncs[name]) > 0 || len(extSetFuncs[name]) > 0 }

// SetFuncNames returns the names of the functions registered here,
// sorted.
func SetFuncNames() []string {
	names := make([]string, 0, len(setFuncs))
	for n := range setFuncs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SetFuncCall resolves a call of the set-returning function name on
// built arguments, as a function call is resolved: it returns the
// signature's computation and the arguments converted to its types.
func (b *Builder) SetFuncCall(name string, args []Expr, loc int32) (*SetFunc, []Expr, error) {
	sigs := append([]setOverload(nil), setFuncs[name]...)
	var cands []*overload
	for _, s := range sigs {
		cands = append(cands, s.o)
	}
	for _, s := range extSetFuncs[name] {
		if b.Extension == nil {
			continue
		}
		if _, ok, err := b.Extension(s.o.extension); err != nil {
			return nil, nil, err
		} else if ok {
			sigs = append(sigs, s)
			cands = append(cands, s.o)
		}
	}
	argTypes := make([]*types.T, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
	}
	o, ok := resolve(cands, argTypes)
	if o == nil {
		return nil, nil, at(errNoFunction(name, argTypes, ok), loc)
	}
	call, err := b.call(name, o, args, loc)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range sigs {
		if s.o == o {
			return s.fn, call.Args, nil
		}
	}
	panic("expr: resolved set-returning function not found")
}
