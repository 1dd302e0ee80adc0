package expr

// PostgreSQL's planner simplifies expressions before running them
// (eval_const_expressions): among other things a strict function or
// operator with a NULL constant argument is replaced by a NULL constant,
// since it could never be called. The other arguments are then never
// evaluated, so an error they would raise on some row (an overflow in
// "-CAST(col1 AS INTEGER) * col0 NOT BETWEEN NULL AND NULL") never
// happens. stela does the same, so that such queries give PostgreSQL's
// answer rather than an error.
//
// PostgreSQL simplifies bottom-up: an argument built of constants only
// ("1/0") is evaluated first and its error wins over the NULL. stela does
// not fold constant subexpressions, so a call with such an argument keeps
// its runtime behaviour rather than hiding the error.

// foldNullInput returns a typed NULL constant in place of f when f is
// strict and one of its arguments is a NULL constant, else f.
func foldNullInput(f *Func) Expr {
	if !f.Strict {
		return f
	}
	null := false
	for _, a := range f.Args {
		if c, ok := a.(*Const); ok && c.V == nil {
			null = true
		}
	}
	if !null {
		return f
	}
	for _, a := range f.Args {
		if hasConstSubexpr(a) {
			return f
		}
	}
	return &Const{T: f.Result, V: nil, Loc: -1}
}

// hasConstSubexpr reports whether e contains an operation (not a bare
// constant) whose inputs are all constants: PostgreSQL would evaluate it
// while planning.
func hasConstSubexpr(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if _, ok := x.(*Const); !ok && constOnly(x) {
			found = true
		}
		return !found
	})
	return found
}

// constOnly reports whether e is built of constants by non-volatile
// operations only. Column and outer references, parameters, subqueries
// and whatever the planner defines are not constant.
func constOnly(e Expr) bool {
	switch v := e.(type) {
	case *Const:
		return true
	case *Func:
		if v.Volatile {
			return false
		}
	case *Cast, *And, *Or, *Not, *IsNull, *BoolTest, *Case, *Coalesce, *NullIf, *Distinct, *MinMax,
		*ArrayExpr, *Subscript, *FieldSelect, *ScalarArrayOp:
	default:
		return false
	}
	for _, c := range children(e) {
		if !constOnly(c) {
			return false
		}
	}
	return true
}
