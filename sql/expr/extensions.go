package expr

import (
	"slices"
	"sort"
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Functions of extensions (uuid-ossp, pgcrypto): as in PostgreSQL, they
// exist in a database only while the extension is installed there, in
// the schema it was installed in. They are kept apart from the built-in
// registry so that nothing finds them by name but a call that the
// Builder's Extension hook allows (funcCall), and so that pg_proc's
// built-in rows (Signatures) do not list them.

// extFunctions are the extensions' functions by name; extOrder each
// extension's, in the order its install script creates them in
// PostgreSQL, the order of their pg_proc OIDs.
var (
	extFunctions = map[string][]*overload{}
	extOrder     = map[string][]extFunc{}
)

type extFunc struct {
	name string
	o    *overload
}

// addExtFunc registers a function of extension ext. Register an
// extension's functions in its install script's order.
func addExtFunc(ext, name string, o *overload) {
	o.extension = ext
	extFunctions[name] = append(extFunctions[name], o)
	extOrder[ext] = append(extOrder[ext], extFunc{name, o})
}

// ExtensionFunctionNames returns the names of extension ext's
// functions, sorted.
func ExtensionFunctionNames(ext string) []string {
	var out []string
	for _, f := range extOrder[ext] {
		if !slices.Contains(out, f.name) {
			out = append(out, f.name)
		}
	}
	sort.Strings(out)
	return out
}

// ExtensionsWithFunction returns the extensions that have a function
// named name, and whether a built-in function has the name too (which
// an unqualified call finds first, pg_catalog being searched first).
func ExtensionsWithFunction(name string) (exts []string, builtin bool) {
	for _, o := range extFunctions[name] {
		if !slices.Contains(exts, o.extension) {
			exts = append(exts, o.extension)
		}
	}
	return exts, len(functions[name]) > 0 || len(polyFuncs[name]) > 0
}

// ExtensionSignatures returns the signatures of extension ext's
// functions, in the order PostgreSQL's install script creates them.
func ExtensionSignatures(ext string) []Signature {
	var out []Signature
	for _, f := range extOrder[ext] {
		s := Signature{Name: f.name}
		for _, a := range f.o.args {
			s.Args = append(s.Args, a.Oid)
		}
		out = append(out, s)
	}
	return out
}

// extCandidates are the overloads of an extension function name that a
// call may use: those of installed extensions, and, for a call qualified
// with a schema, only those of extensions installed in that schema. It
// returns nil when the name is no extension function's.
func (b *Builder) extCandidates(schema, name string) ([]*overload, error) {
	all := extFunctions[name]
	if len(all) == 0 {
		return nil, nil
	}
	var out []*overload
	for _, o := range all {
		if b.Extension == nil {
			continue
		}
		in, ok, err := b.Extension(o.extension)
		if err != nil {
			return nil, err
		}
		if ok && (schema == "" && b.onSearchPath(in) || schema == in) {
			out = append(out, o)
		}
	}
	return out, nil
}

// onSearchPath reports whether an unqualified name finds what is in
// schema: an extension's functions are found by their bare names only
// where the search path has the extension's schema, as PostgreSQL's are.
// A Session that cannot tell (tests, evaluation without one) finds them.
func (b *Builder) onSearchPath(schema string) bool {
	if p, ok := b.Session.(interface{ OnSearchPath(string) bool }); ok {
		return p.OnSearchPath(schema)
	}
	return true
}

// qualifiedCall builds a call of a schema-qualified function name that
// is not pg_catalog's: an extension's function installed in that
// schema, 42883 otherwise.
func (b *Builder) qualifiedCall(parts []string, args []Expr, loc int32) (Expr, error) {
	name := strings.ToLower(parts[len(parts)-1])
	var cands []*overload
	if len(parts) == 2 {
		var err error
		if cands, err = b.extCandidates(parts[0], name); err != nil {
			return nil, err
		}
	}
	argTypes := make([]*types.T, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
	}
	o, ok := resolve(cands, argTypes)
	if o == nil {
		return nil, at(errNoFunction(strings.Join(parts, "."), argTypes, ok), loc)
	}
	call, err := b.call(name, o, args, loc)
	if err != nil {
		return nil, err
	}
	return foldNullInput(call), nil
}

// errNoExtFunction is the error of a call of a schema-qualified name
// that is no function at all (before its arguments are known).
func errNoExtFunction(parts []string, loc int32) error {
	return at(pgerror.Newf(pgcode.UndefinedFunction, "function %s does not exist", strings.Join(parts, ".")), loc)
}
