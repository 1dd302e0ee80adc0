package sql

import (
	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// Implication between comparisons of one column with constants, as
// PostgreSQL's predtest.c proves it with btree operators: a > 10 implies
// a > 5 and a <> 3; a = 4 implies a <= 4, a IN (1, 4) and a <> 7;
// a IN (1, 2) implies every comparison that each of its values does.
// Both sides' constants must be of one type (or both integers) whose
// comparison operators order values as types.Compare does, so that the
// proof about the constants holds of every value of the column.

// constCmp is "column op constants": op is =, <, <=, >, >= or <>, and
// = with several values is an IN list.
type constCmp struct {
	col  int
	op   string
	vals []*expr.Const
}

// asConstCmp recognizes a comparison of a column with non-NULL
// constants, either way round, an IN list or = ANY (array constant).
func asConstCmp(e expr.Expr) (constCmp, bool) {
	if f, ok := e.(*expr.Func); ok && f.Name == "<>" && len(f.Args) == 2 {
		// asColPred leaves <> out: no index range is made of it.
		l, r := stripNoopCast(f.Args[0]), stripNoopCast(f.Args[1])
		if _, ok := l.(*expr.ColRef); !ok {
			l, r = r, l
		}
		c, ok := l.(*expr.ColRef)
		k, isConst := r.(*expr.Const)
		if !ok || !isConst || !keyenc.SameEncoding(c.T, k.T) || !implicationType(k) {
			return constCmp{}, false
		}
		return constCmp{col: c.Idx, op: "<>", vals: []*expr.Const{k}}, true
	}
	p, ok := asColPred(e)
	if !ok || p.implied || p.row != nil || len(p.vals) == 0 {
		return constCmp{}, false
	}
	out := constCmp{col: p.col, op: p.op, vals: make([]*expr.Const, len(p.vals))}
	for i, v := range p.vals {
		k, ok := v.(*expr.Const)
		if !ok || !implicationType(k) {
			return constCmp{}, false
		}
		out.vals[i] = k
	}
	return out, true
}

// implicationType reports whether a constant is non-NULL and of a type
// whose comparisons follow types.Compare.
func implicationType(k *expr.Const) bool {
	if k.V == nil || k.T == nil {
		return false
	}
	switch k.T.Family {
	case types.IntFamily, types.FloatFamily, types.NumericFamily, types.StringFamily,
		types.DateFamily, types.TimeFamily, types.TimestampFamily, types.TimestampTZFamily:
		return true
	}
	return false
}

// comparableConsts reports whether two constants' values may be compared by
// types.Compare for the implication.
func comparableConsts(a, b *expr.Const) bool {
	if a.T.Family == types.IntFamily && b.T.Family == types.IntFamily {
		return true
	}
	return a.T.Oid == b.T.Oid
}

// cmpImplies reports whether q being true proves p true.
func cmpImplies(q, p constCmp) bool {
	if q.col != p.col {
		return false
	}
	if q.op == "=" && len(q.vals) > 1 {
		// An IN list implies what each of its values does.
		for _, v := range q.vals {
			if !cmpImplies(constCmp{col: q.col, op: "=", vals: []*expr.Const{v}}, p) {
				return false
			}
		}
		return true
	}
	qv := q.vals[0]
	if p.op == "=" && len(p.vals) > 1 {
		// A predicate's IN list: q must be an equality with one of it.
		if q.op != "=" {
			return false
		}
		for _, v := range p.vals {
			if comparableConsts(qv, v) && types.Compare(qv.T, qv.V, v.V) == 0 {
				return true
			}
		}
		return false
	}
	pv := p.vals[0]
	if !comparableConsts(qv, pv) {
		return false
	}
	return opImplies(q.op, p.op, types.Compare(qv.T, qv.V, pv.V))
}

// opImplies reports whether "x qop c2" proves "x pop c1", where c is
// the comparison of c2 with c1 (negative: c2 < c1).
func opImplies(qop, pop string, c int) bool {
	switch qop {
	case "=":
		return holds(pop, c) // the constant itself satisfies p
	case "<":
		return (pop == "<" || pop == "<=" || pop == "<>") && c <= 0
	case "<=":
		return (pop == "<" || pop == "<>") && c < 0 || pop == "<=" && c <= 0
	case ">":
		return (pop == ">" || pop == ">=" || pop == "<>") && c >= 0
	case ">=":
		return (pop == ">" || pop == "<>") && c > 0 || pop == ">=" && c >= 0
	case "<>":
		return pop == "<>" && c == 0
	}
	return false
}

// holds reports whether "a op b" is true when the comparison of a with
// b is c.
func holds(op string, c int) bool {
	switch op {
	case "=":
		return c == 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	case "<>":
		return c != 0
	}
	return false
}
