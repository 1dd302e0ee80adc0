package expr

// Cast functions: PostgreSQL implements most of its casts by functions
// named after the target type (int4(bigint), date(timestamp), text(name),
// ...), which pg_cast.castfunc names and SQL can call too. stela's casts
// are conversions of its own (casts.go), so each function here is the
// cast from its argument's type to its result type, by castValue: the
// function and the cast cannot disagree. These are the functions of the
// casts pg_cast lists (sql/pgcatalog_cast.go), with PostgreSQL 15's
// names and signatures. Not here: the length-coercion functions
// (varchar(character varying, integer, boolean), numeric(numeric,
// integer)...), which apply a type modifier given as a number.

import "github.com/stela-db/stela/sql/types"

// castFuncs are PostgreSQL 15's one-argument cast functions, as (name,
// argument type OID, result type OID).
var castFuncs = []struct {
	name        string
	arg, result types.Oid
}{
	{"bool", 23, 16}, {"bool", 3802, 16}, {"bpchar", 18, 1042}, {"bpchar", 19, 1042}, {"char", 23, 18},
	{"char", 25, 18}, {"date", 1114, 1082}, {"date", 1184, 1082}, {"float4", 20, 700}, {"float4", 21, 700},
	{"float4", 23, 700}, {"float4", 701, 700}, {"float4", 1700, 700}, {"float4", 3802, 700}, {"float8", 20, 701},
	{"float8", 21, 701}, {"float8", 23, 701}, {"float8", 700, 701}, {"float8", 1700, 701}, {"float8", 3802, 701},
	{"int2", 20, 21}, {"int2", 23, 21}, {"int2", 700, 21}, {"int2", 701, 21}, {"int2", 1700, 21},
	{"int2", 3802, 21}, {"int4", 16, 23}, {"int4", 18, 23}, {"int4", 20, 23}, {"int4", 21, 23},
	{"int4", 700, 23}, {"int4", 701, 23}, {"int4", 1700, 23}, {"int4", 3802, 23}, {"int8", 21, 20},
	{"int8", 23, 20}, {"int8", 26, 20}, {"int8", 700, 20}, {"int8", 701, 20}, {"int8", 1700, 20},
	{"int8", 3802, 20}, {"interval", 1083, 1186}, {"name", 25, 19}, {"name", 1042, 19}, {"name", 1043, 19},
	{"numeric", 20, 1700}, {"numeric", 21, 1700}, {"numeric", 23, 1700}, {"numeric", 700, 1700},
	{"numeric", 701, 1700}, {"numeric", 3802, 1700}, {"oid", 20, 26}, {"regclass", 25, 2205}, {"text", 16, 25},
	{"text", 18, 25}, {"text", 19, 25}, {"text", 1042, 25}, {"time", 1114, 1083}, {"time", 1184, 1083},
	{"time", 1186, 1083}, {"timestamp", 1082, 1114}, {"timestamp", 1184, 1114}, {"timestamptz", 1082, 1184},
	{"timestamptz", 1114, 1184}, {"varchar", 19, 1043}, {"int4", 1560, 23}, {"int8", 1560, 20},
	{"cidr", 869, 650}, {"text", 869, 25}, {"macaddr8", 829, 774}, {"macaddr", 774, 829},
}

func init() {
	for _, c := range castFuncs {
		// TestCastFuncsAreCasts checks that stela casts from arg to
		// result (the casts of other files are not all registered yet).
		from, _ := types.ByOid(c.arg)
		to, _ := types.ByOid(c.result)
		o := fn([]*types.T{from}, to, func(ctx *Context, a []types.Datum) (types.Datum, error) {
			if to.Family == types.RegFamily {
				return ToReg(ctx, a[0], from, to)
			}
			return castValue(a[0], from, to, true, ctx.formatSettings())
		})
		// The casts to and from timestamptz read the session's time
		// zone, regclass(text) the catalog.
		if to.Family == types.RegFamily || from.Oid == types.TimestampTZType.Oid || to.Oid == types.TimestampTZType.Oid {
			o = readsSession(o)
		}
		addFunc(c.name, o)
	}
}
