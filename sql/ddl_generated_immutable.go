package sql

import (
	"sync"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// A generation expression must be immutable: its value may depend on
// the row only, never on the time, the session's settings or the
// catalog, since it is computed once and stored. PostgreSQL's
// contain_mutable_functions looks at the volatility (pg_proc.provolatile)
// of every function the expression calls, the functions of its
// operators and casts included, and the input and output functions of
// the types an I/O conversion cast goes through. stela's expressions
// carry no volatility but "volatile" and "reads the session"; the rest
// comes from PostgreSQL 15's catalog: pg_proc's rows (pgcatalog_procdata.go)
// for functions, and, for operators and casts, the few built-in ones of
// stela's types whose function is not immutable, listed below from
//
//	SELECT o.oprname, o.oprleft::regtype, o.oprright::regtype
//	FROM pg_operator o JOIN pg_proc p ON p.oid = o.oprcode WHERE p.provolatile <> 'i';
//	SELECT castsource::regtype, casttarget::regtype
//	FROM pg_cast c JOIN pg_proc p ON p.oid = c.castfunc WHERE p.provolatile <> 'i';
//	SELECT typname FROM pg_type t JOIN pg_proc i ON i.oid = t.typinput
//	  JOIN pg_proc o ON o.oid = t.typoutput WHERE i.provolatile <> 'i' OR o.provolatile <> 'i';
//
// As in PostgreSQL, only the expression as written is checked: the
// assignment cast to the column's type is not (a timestamp expression
// may fill a timestamptz column).

// isMutable reports whether e calls anything that is not immutable.
func isMutable(e expr.Expr) bool {
	return isMutableBut(e, nil)
}

// isMutableBut is isMutable for an expression whose calls in immutable
// are of user functions declared IMMUTABLE (table_funcs_immutable.go):
// those calls are immutable, their arguments are still looked at.
func isMutableBut(e expr.Expr, immutable map[*expr.Func]bool) bool {
	found := false
	expr.Walk(e, func(x expr.Expr) bool {
		switch v := x.(type) {
		case *expr.Func:
			found = !immutable[v] && funcMutable(v)
		case *expr.Cast:
			found = castMutable(v.Arg.Type(), v.T)
		case *expr.RegCast:
			found = true // reads the catalog
		}
		if v, ok := x.(interface{ IsVolatile() bool }); ok && v.IsVolatile() {
			found = true
		}
		return !found
	})
	return found
}

// funcMutable reports whether a function or operator call is not
// immutable.
func funcMutable(f *expr.Func) bool {
	if f.Volatile || f.Restricted {
		return true
	}
	if len(f.Args) == 2 && isOperatorName(f.Name) {
		l, r := f.Args[0].Type(), f.Args[1].Type()
		if f.Name == "||" && (l.Family == types.StringFamily) != (r.Family == types.StringFamily) && !l.IsArray() && !r.IsArray() {
			// text || anynonarray formats the other side with its output
			// function, as a cast to text would.
			other := r
			if r.Family == types.StringFamily {
				other = l
			}
			return ioMutable(other, false)
		}
		return stableOperators[opTypes{f.Name, l.Oid, r.Oid}]
	}
	rows := procsByName()[f.Name]
	if len(rows) == 0 {
		return false // stela's own immutable functions
	}
	// The pg_proc row of the signature called; a polymorphic parameter
	// takes any type.
	for _, r := range rows {
		if len(r.argtypes) != len(f.Args) {
			continue
		}
		match := true
		for i, a := range f.Args {
			if t := r.argtypes[i]; t != a.Type().Oid && !polymorphicOids[t] {
				match = false
				break
			}
		}
		if match {
			return r.volatile != 'i'
		}
	}
	// stela called the function with other types than PostgreSQL would
	// (or it is variadic): mutable when no signature of the name is
	// immutable (concat, format, to_char).
	for _, r := range rows {
		if r.volatile == 'i' {
			return false
		}
	}
	return true
}

// procsByName are PostgreSQL's pg_proc rows of the functions stela has,
// by name.
var procsByName = sync.OnceValue(func() map[string][]*pgProcRow {
	m := map[string][]*pgProcRow{}
	for i := range pgProcRows {
		r := &pgProcRows[i]
		m[r.name] = append(m[r.name], r)
	}
	return m
})

// polymorphicOids are PostgreSQL's polymorphic pseudo-types: "any",
// anyelement, anyarray, anynonarray, anyenum, anyrange, anycompatible,
// anycompatiblearray, anycompatiblenonarray, anycompatiblerange,
// anymultirange, anycompatiblemultirange.
var polymorphicOids = map[uint32]bool{2276: true, 2283: true, 2277: true, 2776: true, 3500: true, 3831: true,
	5077: true, 5078: true, 5079: true, 5080: true, 4537: true, 4538: true}

type opTypes struct {
	name        string
	left, right uint32
}

// stableOperators are the operators of stela's types whose function is
// stable in PostgreSQL 15: they read the session's TimeZone.
var stableOperators = func() map[opTypes]bool {
	ts, tz, date, iv := types.TimestampType.Oid, types.TimestampTZType.Oid, types.DateType.Oid, types.IntervalType.Oid
	m := map[opTypes]bool{
		{"+", tz, iv}: true, {"+", iv, tz}: true, {"-", tz, iv}: true,
	}
	for _, op := range []string{"<", "<=", "<>", "=", ">", ">="} {
		m[opTypes{op, date, tz}] = true
		m[opTypes{op, tz, date}] = true
		m[opTypes{op, ts, tz}] = true
		m[opTypes{op, tz, ts}] = true
	}
	return m
}()

// castMutable reports whether converting a value of type from to type
// to is not immutable.
func castMutable(from, to *types.T) bool {
	switch {
	case from.Family == types.UnknownFamily:
		// A literal: its value is made when the expression is built.
		return false
	case from.Oid == to.Oid:
		return false // a length or precision coercion
	case from.IsArray() && to.IsArray():
		return castMutable(from.Elem, to.Elem)
	case from.Family == types.RegFamily || to.Family == types.RegFamily:
		return true
	}
	if stableCasts[[2]uint32{from.Oid, to.Oid}] {
		return true
	}
	// An I/O conversion: the source's output function, the target's
	// input function.
	fromStr, toStr := from.Family == types.StringFamily, to.Family == types.StringFamily
	switch {
	case fromStr && toStr:
		return false
	case toStr:
		return ioMutable(from, false)
	case fromStr:
		return ioMutable(to, true)
	}
	return false
}

// stableCasts are the casts between stela's types whose function is
// stable: they depend on TimeZone.
var stableCasts = func() map[[2]uint32]bool {
	ts, tz, date, tm := types.TimestampType.Oid, types.TimestampTZType.Oid, types.DateType.Oid, types.Time.Oid
	return map[[2]uint32]bool{{date, tz}: true, {ts, tz}: true, {tz, date}: true, {tz, tm}: true, {tz, ts}: true}
}()

// ioMutable reports whether a type's output function (input function
// when in) is not immutable: those of the date and time types read
// DateStyle, IntervalStyle or TimeZone (time's output does not), those
// of arrays and records call their elements'.
func ioMutable(t *types.T, in bool) bool {
	if t.IsArray() || t.Family == types.RecordFamily {
		return true
	}
	switch t.Family {
	case types.DateFamily, types.TimestampFamily, types.TimestampTZFamily, types.IntervalFamily:
		return true
	case types.TimeFamily:
		return in
	}
	return false
}
