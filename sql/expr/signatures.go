package expr

import (
	"sort"
	"strings"

	"github.com/stela-db/stela/sql/types"
)

// Signature is one registered signature of a function or aggregate, as
// pg_proc describes functions: parameter types by OID, with PostgreSQL's
// pseudo-types for the polymorphic ones.
type Signature struct {
	Name string
	// Args are the parameter types. The pseudo-types are "any" (2276,
	// AnyType: any argument as it is), anyarray (2277), anyelement
	// (2283), anycompatible (5077) and anycompatiblearray (5078).
	Args []uint32
	// Variadic is the element type of a VARIADIC last parameter, which
	// is not in Args; 0 when there is none.
	Variadic uint32
	// Aggregate marks aggregate functions.
	Aggregate bool
}

// Pseudo-type OIDs of polymorphic parameters.
const (
	oidAnyArray           = 2277
	oidAnyElement         = 2283
	oidAnyEnum            = 3500
	oidAnyCompatible      = 5077
	oidAnyCompatibleArray = 5078
)

// Signatures returns every registered function and aggregate signature,
// by name, set-returning ones (setfunc.go) included. The set-returning
// functions the planner implements itself (generate_series, unnest...)
// and the functions it builds specially
// (nextval, stela_row_proof...) are not registered here.
func Signatures() []Signature {
	var out []Signature
	oids := func(ts []*types.T) []uint32 {
		r := make([]uint32, len(ts))
		for i, t := range ts {
			r[i] = t.Oid
		}
		return r
	}
	for name, os := range functions {
		for _, o := range os {
			s := Signature{Name: name, Args: oids(o.args)}
			if o.variadic != nil {
				s.Variadic = o.variadic.Oid
			}
			out = append(out, s)
		}
	}
	for name, fs := range polyFuncs {
		for _, f := range fs {
			s := Signature{Name: name}
			for _, p := range f.params {
				s.Args = append(s.Args, polyOid(p))
			}
			out = append(out, s)
		}
	}
	for name, ss := range setFuncs {
		for _, s := range ss {
			out = append(out, Signature{Name: name, Args: oids(s.o.args)})
		}
	}
	for name, as := range aggregates {
		for _, a := range as {
			out = append(out, Signature{Name: name, Args: oids(a.Args), Aggregate: true})
		}
	}
	out = append(out, orderedSetSignatures()...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// polyOid is a polymorphic parameter's pg_type OID.
func polyOid(p polyParam) uint32 {
	switch p.kind {
	case polyArray:
		return oidAnyArray
	case polyElem:
		return oidAnyElement
	case polyEnum:
		return oidAnyEnum
	case polyCompatArray:
		return oidAnyCompatibleArray
	case polyCompat:
		return oidAnyCompatible
	}
	return p.t.Oid
}

// OpSignature is one operator stela implements, as pg_operator
// describes operators: its name and operand types by OID (Left is 0 for
// a prefix operator), with PostgreSQL's pseudo-types for the
// polymorphic ones.
type OpSignature struct {
	Name        string
	Left, Right uint32
}

// arrayOpSignatures are the polymorphic array operators
// (Builder.arrayOperatorCall), as PostgreSQL declares them.
var arrayOpSignatures = []OpSignature{
	{"=", oidAnyArray, oidAnyArray}, {"<>", oidAnyArray, oidAnyArray},
	{"<", oidAnyArray, oidAnyArray}, {">", oidAnyArray, oidAnyArray},
	{"<=", oidAnyArray, oidAnyArray}, {">=", oidAnyArray, oidAnyArray},
	{"@>", oidAnyArray, oidAnyArray}, {"<@", oidAnyArray, oidAnyArray}, {"&&", oidAnyArray, oidAnyArray},
	{"||", oidAnyCompatibleArray, oidAnyCompatibleArray},
	{"||", oidAnyCompatibleArray, oidAnyCompatible},
	{"||", oidAnyCompatible, oidAnyCompatibleArray},
}

// OperatorSignatures returns every operator stela implements.
func OperatorSignatures() []OpSignature {
	out := append(append([]OpSignature(nil), arrayOpSignatures...), recordOpSignatures...)
	for k, os := range operators {
		name := k[:strings.LastIndexByte(k, '/')]
		for _, o := range os {
			s := OpSignature{Name: name, Right: o.args[len(o.args)-1].Oid}
			if len(o.args) == 2 {
				s.Left = o.args[0].Oid
			}
			out = append(out, s)
		}
	}
	return out
}
