package expr

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// ColumnName is the name PostgreSQL gives a select-list item without an
// alias (its FigureColname): a column's name, a function's, a cast's
// target type when the operand has no name, "case", "coalesce", ...,
// and "?column?" otherwise.
func ColumnName(n *pg_query.Node) string {
	name, _ := figureName(n)
	if name == "" {
		return "?column?"
	}
	return name
}

// figureName returns a name and its strength: 2 for names that win over
// a cast's type name, 1 for weaker ones, 0 for none.
func figureName(n *pg_query.Node) (string, int) {
	switch v := n.Node.(type) {
	case *pg_query.Node_ColumnRef:
		f := v.ColumnRef.Fields
		if len(f) > 0 {
			if s := f[len(f)-1].GetString_(); s != nil {
				return s.Sval, 2
			}
		}
	case *pg_query.Node_FuncCall:
		f := v.FuncCall.Funcname
		if len(f) > 0 {
			return f[len(f)-1].GetString_().GetSval(), 2
		}
	case *pg_query.Node_AExpr:
		if v.AExpr.Kind == pg_query.A_Expr_Kind_AEXPR_NULLIF {
			return "nullif", 2
		}
	case *pg_query.Node_TypeCast:
		if name, s := figureName(v.TypeCast.Arg); s == 2 {
			return name, 2
		}
		names := v.TypeCast.TypeName.Names
		if len(names) > 0 {
			return names[len(names)-1].GetString_().GetSval(), 1
		}
	case *pg_query.Node_CaseExpr:
		return "case", 1
	case *pg_query.Node_CoalesceExpr:
		return "coalesce", 2
	case *pg_query.Node_MinMaxExpr:
		if v.MinMaxExpr.Op == pg_query.MinMaxOp_IS_GREATEST {
			return "greatest", 2
		}
		return "least", 2
	case *pg_query.Node_SqlvalueFunction:
		op := strings.TrimPrefix(v.SqlvalueFunction.Op.String(), "SVFOP_")
		op = strings.TrimSuffix(op, "_N")
		return strings.ToLower(op), 2
	case *pg_query.Node_AArrayExpr:
		return "array", 2
	case *pg_query.Node_RowExpr:
		// ROW(...) is named row; a bare (a, b) has no name.
		if v.RowExpr.RowFormat == pg_query.CoercionForm_COERCE_EXPLICIT_CALL {
			return "row", 2
		}
	case *pg_query.Node_AIndirection:
		// a[1] is named after a; a field selection after the field.
		ind := v.AIndirection.Indirection
		if len(ind) > 0 {
			if s := ind[len(ind)-1].GetString_(); s != nil {
				return s.Sval, 2
			}
		}
		return figureName(v.AIndirection.Arg)
	case *pg_query.Node_GroupingFunc:
		return "grouping", 2
	case *pg_query.Node_SubLink:
		switch v.SubLink.SubLinkType {
		case pg_query.SubLinkType_EXISTS_SUBLINK:
			return "exists", 2
		case pg_query.SubLinkType_ARRAY_SUBLINK:
			return "array", 2
		case pg_query.SubLinkType_EXPR_SUBLINK:
			// A scalar subquery takes its single column's name.
			return subqueryColumnName(v.SubLink.Subselect.GetSelectStmt()), 2
		}
	}
	return "", 0
}

// subqueryColumnName is the name of a subquery's first output column (of
// its leftmost branch for a set operation), as PostgreSQL names the
// column of a scalar subquery.
func subqueryColumnName(s *pg_query.SelectStmt) string {
	for s != nil && s.Op != pg_query.SetOperation_SETOP_NONE {
		s = s.Larg
	}
	if s != nil && len(s.ValuesLists) > 0 {
		return "column1"
	}
	if s == nil || len(s.TargetList) == 0 {
		return "?column?"
	}
	rt := s.TargetList[0].GetResTarget()
	if rt == nil {
		return "?column?"
	}
	if rt.Name != "" {
		return rt.Name
	}
	return ColumnName(rt.Val)
}
