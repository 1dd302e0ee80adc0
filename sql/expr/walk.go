package expr

// Parent is implemented by expressions defined outside this package that
// have subexpressions (the planner's subqueries), so that Walk reaches
// them.
type Parent interface {
	Children() []Expr
}

// Walk calls fn for e and every subexpression, depth first, while fn
// returns true; it returns false if fn stopped it.
func Walk(e Expr, fn func(Expr) bool) bool {
	if e == nil {
		return true
	}
	if !fn(e) {
		return false
	}
	for _, c := range children(e) {
		if !Walk(c, fn) {
			return false
		}
	}
	return true
}

func children(e Expr) []Expr {
	switch v := e.(type) {
	case *Func:
		return v.Args
	case *Cast:
		return []Expr{v.Arg}
	case *DomainCoerce:
		return []Expr{v.Arg}
	case *And:
		return v.Args
	case *Or:
		return v.Args
	case *Not:
		return []Expr{v.Arg}
	case *IsNull:
		return []Expr{v.Arg}
	case *BoolTest:
		return []Expr{v.Arg}
	case *Case:
		out := append(append([]Expr(nil), v.Whens...), v.Thens...)
		if v.Else != nil {
			out = append(out, v.Else)
		}
		return out
	case *Coalesce:
		return v.Args
	case *NullIf:
		return []Expr{v.A, v.B}
	case *Distinct:
		return []Expr{v.A, v.B}
	case *MinMax:
		return v.Args
	case *ArrayExpr:
		return v.Elems
	case *Subscript:
		out := []Expr{v.Arg}
		for i := range v.Upper {
			for _, e := range []Expr{v.Lower[i], v.Upper[i]} {
				if e != nil {
					out = append(out, e)
				}
			}
		}
		return out
	case *FieldSelect:
		return []Expr{v.Arg}
	case *RegCast:
		return []Expr{v.Arg}
	case *ScalarArrayOp:
		// Not Elem: it reads the element slot, set only while the node
		// evaluates.
		return []Expr{v.Left, v.Array}
	case Parent:
		return v.Children()
	}
	return nil
}

// Volatile reports whether e calls a volatile function.
func Volatile(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if f, ok := x.(*Func); ok && f.Volatile {
			found = true
		}
		if v, ok := x.(interface{ IsVolatile() bool }); ok && v.IsVolatile() {
			found = true
		}
		return !found
	})
	return found
}

// UsesRow reports whether e reads the current row (a ColRef).
func UsesRow(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if _, ok := x.(*ColRef); ok {
			found = true
		}
		if v, ok := x.(interface{ UsesRow() bool }); ok && v.UsesRow() {
			found = true
		}
		return !found
	})
	return found
}
