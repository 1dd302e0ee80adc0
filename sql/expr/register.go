package expr

import "github.com/stela-db/stela/sql/types"

// AddFunc registers a function defined outside this package: the SQL
// layer's functions that read the catalog (pg_get_indexdef,
// pg_table_is_visible, ...), which find the statement's state in
// Context.Exec; they are restricted (Func.Restricted). Strict functions
// return NULL for a NULL argument without running. Call it from init
// only.
func AddFunc(name string, args []*types.T, result *types.T, strict bool, f func(*Context, []types.Datum) (types.Datum, error)) {
	addFunc(name, &overload{args: args, result: result, strict: strict, fn: f, restricted: true})
}

// AddVariadicFunc registers a function whose last parameter repeats;
// restricted, as AddFunc's.
func AddVariadicFunc(name string, args []*types.T, variadic, result *types.T, f func(*Context, []types.Datum) (types.Datum, error)) {
	addFunc(name, &overload{args: args, variadic: variadic, result: result, strict: true, fn: f, restricted: true})
}

// QuoteIdent is PostgreSQL's quote_identifier: s, double-quoted when it
// is not a plain lower-case identifier or is a reserved keyword.
func QuoteIdent(s string) string { return quoteIdent(s) }

// AddVolatileNullableFunc is AddVolatileFunc for a function that is not
// strict: it runs for NULL arguments too (pg_notify).
func AddVolatileNullableFunc(name string, args []*types.T, result *types.T, f func(*Context, []types.Datum) (types.Datum, error)) {
	o := volatileFn(args, result, f)
	o.strict, o.restricted = false, true
	addFunc(name, o)
}

// AddVolatileFunc registers a strict function with side effects or a
// value that changes within a statement (pg_cancel_backend): it is
// never folded at plan time.
func AddVolatileFunc(name string, args []*types.T, result *types.T, f func(*Context, []types.Datum) (types.Datum, error)) {
	o := volatileFn(args, result, f)
	o.restricted = true
	addFunc(name, o)
}
