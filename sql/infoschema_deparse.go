package sql

import (
	"math"
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/types"
)

// stela stores a DEFAULT or CHECK expression as the text of its parse
// tree; PostgreSQL stores the analyzed tree and prints it back with its
// rule deparser, which shows the types the analysis settled: a literal
// gets its type ('x'::text, '-1'::integer), an operator's operands the
// casts it needed ((0)::numeric), every operator and boolean expression
// its parentheses. Clients compare information_schema's column_default
// and check_clause with what they expect PostgreSQL to say (ORMs diff
// them against their models), so pgDeparser prints the shapes met in
// defaults and checks the way PostgreSQL does, typing literals and
// columns as PostgreSQL's analysis would. For any other shape it gives
// up, and the caller shows the stored text.

// pgDeparser prints expressions over one table's columns.
type pgDeparser struct {
	table *catalog.TableDesc
}

// rexpr is a printed subexpression: its text, its type (nil for an
// untyped string literal, whose value is lit), and whether the text is
// a bare constant (which a cast wraps in parentheses).
type rexpr struct {
	text string
	typ  *types.T
	lit  string
	cnst bool
}

// errShape marks an expression pgDeparser does not print.
type errShape struct{}

func (errShape) Error() string { return "expression shape not printed" }

// defaultText prints a column's DEFAULT as pg_get_expr does; ok false
// when it cannot.
func (p *pgDeparser) defaultText(text string, col *types.T) (string, bool) {
	r, ok := p.parse(text)
	if !ok {
		return "", false
	}
	if r.typ == nil {
		// An untyped literal becomes a constant of the column's type.
		s, err := constOf(col.WithTypmod(-1), r.lit)
		return s, err == nil
	}
	return r.text, true
}

// checkText prints a CHECK's expression as pg_get_constraintdef does
// (without the CHECK keyword); ok false when it cannot.
func (p *pgDeparser) checkText(text string) (string, bool) {
	r, ok := p.parse(text)
	if !ok || r.typ == nil {
		return "", false
	}
	return "(" + r.text + ")", true
}

func (p *pgDeparser) parse(text string) (r rexpr, ok bool) {
	n, err := parser.ParseExpr(text)
	if err != nil {
		return rexpr{}, false
	}
	defer func() {
		if e := recover(); e != nil {
			if _, shape := e.(errShape); !shape {
				panic(e)
			}
			ok = false
		}
	}()
	return p.node(n), true
}

func giveUp() { panic(errShape{}) }

func (p *pgDeparser) node(n *pg_query.Node) rexpr {
	switch {
	case n.GetAConst() != nil:
		return aConst(n.GetAConst())
	case n.GetColumnRef() != nil:
		f := n.GetColumnRef().Fields
		name := f[len(f)-1].GetString_()
		if name == nil {
			giveUp()
		}
		col := p.table.ColumnByName(name.Sval)
		if col == nil && name.Sval == tableOIDColumn {
			// The system column a stored expression may read (syscols.go).
			return rexpr{text: tableOIDColumn, typ: types.OidType}
		}
		if col == nil {
			giveUp()
		}
		return rexpr{text: expr.QuoteIdent(col.Name), typ: col.Type()}
	case n.GetTypeCast() != nil:
		return p.typeCast(n.GetTypeCast())
	case n.GetAExpr() != nil:
		return p.aExpr(n.GetAExpr())
	case n.GetBoolExpr() != nil:
		return p.boolExpr(n.GetBoolExpr())
	case n.GetNullTest() != nil:
		t := n.GetNullTest()
		arg := p.node(t.Arg)
		if arg.typ == nil {
			giveUp()
		}
		op := " IS NULL"
		if t.Nulltesttype == pg_query.NullTestType_IS_NOT_NULL {
			op = " IS NOT NULL"
		}
		return rexpr{text: "(" + arg.text + op + ")", typ: types.Bool}
	case n.GetSqlvalueFunction() != nil:
		return sqlValueFunction(n.GetSqlvalueFunction())
	case n.GetFuncCall() != nil:
		return p.funcCall(n.GetFuncCall())
	}
	giveUp()
	return rexpr{}
}

// aConst types a literal as PostgreSQL's parser does and prints it as
// get_const_expr does.
func aConst(c *pg_query.A_Const) rexpr {
	switch v := c.Val.(type) {
	case *pg_query.A_Const_Ival:
		return intConst(int64(v.Ival.Ival))
	case *pg_query.A_Const_Fval:
		s := v.Fval.Fval
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return intConst(i)
		}
		if s != "" && s[0] >= '0' && s[0] <= '9' {
			return rexpr{text: s, typ: types.Numeric, cnst: true}
		}
		return rexpr{text: "'" + s + "'::numeric", typ: types.Numeric}
	case *pg_query.A_Const_Boolval:
		if v.Boolval.Boolval {
			return rexpr{text: "true", typ: types.Bool, cnst: true}
		}
		return rexpr{text: "false", typ: types.Bool, cnst: true}
	case *pg_query.A_Const_Sval:
		return rexpr{lit: v.Sval.Sval}
	case *pg_query.A_Const_Bsval:
		// B'..' and X'..' are bit constants, printed as their digits.
		d, err := types.Bit.ParseText(v.Bsval.Bsval, nil)
		if err != nil {
			giveUp()
		}
		return rexpr{text: "'" + d.(types.BitString).String() + `'::"bit"`, typ: types.Bit}
	}
	// NULL: a default of NULL is no default, and a check of NULL is not
	// a shape worth printing.
	giveUp()
	return rexpr{}
}

// intConst is an integer literal: int4 when it fits, else int8.
func intConst(i int64) rexpr {
	if i >= math.MinInt32 && i <= math.MaxInt32 {
		if i < 0 {
			return rexpr{text: "'" + strconv.FormatInt(i, 10) + "'::integer", typ: types.Int4}
		}
		return rexpr{text: strconv.FormatInt(i, 10), typ: types.Int4, cnst: true}
	}
	return rexpr{text: "'" + strconv.FormatInt(i, 10) + "'::bigint", typ: types.Int8}
}

// constOf prints a literal read as type t (get_const_expr).
func constOf(t *types.T, lit string) (string, error) {
	d, err := t.ParseText(lit, nil)
	if err != nil {
		return "", err
	}
	if d == nil {
		return "NULL::" + formatType(t, true), nil
	}
	out := string(t.AppendText(nil, d, nil))
	switch t.Oid {
	case types.Bool.Oid:
		if out == "t" {
			return "true", nil
		}
		return "false", nil
	case types.Int4.Oid:
		if !strings.HasPrefix(out, "-") {
			return out, nil
		}
	case types.Numeric.Oid:
		if out[0] >= '0' && out[0] <= '9' && strings.ContainsAny(out, "eE.") {
			return out, nil
		}
	}
	return quoteLiteralPG(out) + "::" + formatType(t, true), nil
}

// quoteLiteralPG is simple_quote_literal: quotes doubled (backslashes
// are not, standard_conforming_strings being on).
func quoteLiteralPG(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func (p *pgDeparser) typeCast(tc *pg_query.TypeCast) rexpr {
	t, err := expr.TypeFromName(tc.TypeName)
	if err != nil {
		giveUp()
	}
	arg := p.node(tc.Arg)
	if arg.typ == nil && t.Oid == types.Regclass.Oid {
		// 's'::regclass: the name as regclass output gives it
		// (seqDefaultShown puts it there).
		return rexpr{text: quoteLiteralPG(arg.lit) + "::regclass", typ: t}
	}
	if arg.typ == nil {
		// 'lit'::type is a constant of the type.
		s, err := constOf(t, arg.lit)
		if err != nil {
			giveUp()
		}
		return rexpr{text: s, typ: t}
	}
	return castText(arg, t)
}

// castText prints a shown cast of r to t: (r)::t.
func castText(r rexpr, t *types.T) rexpr {
	inner := r.text
	if r.cnst || !strings.HasPrefix(inner, "(") {
		inner = "(" + inner + ")"
	}
	return rexpr{text: inner + "::" + formatType(t, true), typ: t}
}

// operandTypes resolves a binary operator's operands as PostgreSQL's
// operator lookup does for the built-in types, and prints them with the
// casts it inserts.
func operandTypes(l, r rexpr) (rexpr, rexpr) {
	switch {
	case l.typ == nil && r.typ == nil:
		giveUp()
	case l.typ == nil:
		r2, l2 := operandTypes(r, l)
		return l2, r2
	case r.typ == nil:
		t := l.typ
		if t.Oid == types.Varchar.Oid {
			l, t = castText(l, types.Text), types.Text
		}
		s, err := constOf(t.WithTypmod(-1), r.lit)
		if err != nil {
			giveUp()
		}
		return l, rexpr{text: s, typ: t}
	}
	lt, rt := l.typ.Base().Oid, r.typ.Base().Oid
	if lt == rt {
		return l, r
	}
	// oid has no cross-type operators: an integer (tableoid = 0) is
	// cast to it, implicitly.
	if lt == types.OidType.Oid && (rt == types.Int4.Oid || rt == types.Int8.Oid) {
		return l, castText(r, types.OidType)
	}
	if rt == types.OidType.Oid && (lt == types.Int4.Oid || lt == types.Int8.Oid) {
		return castText(l, types.OidType), r
	}
	rank := map[types.Oid]int{types.Int2.Oid: 1, types.Int4.Oid: 1, types.Int8.Oid: 1,
		types.Numeric.Oid: 2, types.Float4.Oid: 3, types.Float8.Oid: 3}
	lr, rr := rank[lt], rank[rt]
	switch {
	case lr == 0 || rr == 0:
		if (lt == types.Varchar.Oid || lt == types.Text.Oid) && (rt == types.Varchar.Oid || rt == types.Text.Oid) {
			if lt == types.Varchar.Oid {
				l = castText(l, types.Text)
			}
			if rt == types.Varchar.Oid {
				r = castText(r, types.Text)
			}
			return l, r
		}
		giveUp()
	case lr == rr:
		// int2/int4/int8 and float4/float8 have cross-type operators.
		return l, r
	case lr < rr:
		return castText(l, r.typ.Base()), r
	}
	return l, castText(r, l.typ.Base())
}

func (p *pgDeparser) aExpr(a *pg_query.A_Expr) rexpr {
	if a.Kind != pg_query.A_Expr_Kind_AEXPR_OP || len(a.Name) != 1 || a.Lexpr == nil || a.Rexpr == nil {
		giveUp()
	}
	op := a.Name[0].GetString_().GetSval()
	if op == "->" || op == "->>" {
		return p.jsonField(op, p.node(a.Lexpr), p.node(a.Rexpr))
	}
	l, r := p.node(a.Lexpr), p.node(a.Rexpr)
	if op == "||" && (l.typ == nil) != (r.typ == nil) {
		if s, ok := anyConcat(l, r); ok {
			return s
		}
	}
	l, r = operandTypes(l, r)
	var typ *types.T
	switch op {
	case "=", "<>", "!=", "<", ">", "<=", ">=":
		typ = types.Bool
		if op == "!=" {
			op = "<>"
		}
	case "+", "-", "*", "/", "%":
		typ = l.typ
		if l.typ.Family != r.typ.Family || !numericFamily(l.typ) {
			giveUp()
		}
	case "||":
		if typ = types.Text; l.typ.Oid != typ.Oid || r.typ.Oid != typ.Oid {
			giveUp() // an array or another type's ||
		}
	default:
		giveUp()
	}
	return rexpr{text: "(" + l.text + " " + op + " " + r.text + ")", typ: typ}
}

// anyConcat prints 'x' || v (or v || 'x') where v is neither a string
// nor an array: PostgreSQL's text || anynonarray, the literal text.
func anyConcat(l, r rexpr) (rexpr, bool) {
	v := l
	if v.typ == nil {
		v = r
	}
	switch v.typ.Family {
	case types.IntFamily, types.FloatFamily, types.NumericFamily, types.BoolFamily, types.DateFamily,
		types.TimeFamily, types.TimestampFamily, types.TimestampTZFamily, types.IntervalFamily, types.UUIDFamily:
	default:
		return rexpr{}, false // a string, or a type with its own || (bytea, jsonb, arrays)
	}
	if l.typ == nil {
		l.text = quoteLiteralPG(l.lit) + "::text"
	} else {
		r.text = quoteLiteralPG(r.lit) + "::text"
	}
	return rexpr{text: "(" + l.text + " || " + r.text + ")", typ: types.Text}, true
}

// jsonField prints json -> key and json ->> key: an untyped key is a
// text one (the operators' text variant), an integer an array index.
func (p *pgDeparser) jsonField(op string, l, r rexpr) rexpr {
	if l.typ == nil || l.typ.Oid != types.JSONB.Oid && l.typ.Oid != types.JSON.Oid {
		giveUp()
	}
	switch {
	case r.typ == nil:
		r.text = quoteLiteralPG(r.lit) + "::text"
	case r.typ.Family != types.IntFamily && r.typ.Oid != types.Text.Oid:
		giveUp()
	}
	typ := l.typ
	if op == "->>" {
		typ = types.Text
	}
	return rexpr{text: "(" + l.text + " " + op + " " + r.text + ")", typ: typ}
}

func numericFamily(t *types.T) bool {
	switch t.Family {
	case types.IntFamily, types.NumericFamily, types.FloatFamily:
		return true
	}
	return false
}

func (p *pgDeparser) boolExpr(b *pg_query.BoolExpr) rexpr {
	var parts []string
	for _, a := range b.Args {
		r := p.node(a)
		if r.typ == nil || r.typ.Oid != types.Bool.Oid {
			giveUp()
		}
		parts = append(parts, r.text)
	}
	switch b.Boolop {
	case pg_query.BoolExprType_AND_EXPR:
		return rexpr{text: "(" + strings.Join(parts, " AND ") + ")", typ: types.Bool}
	case pg_query.BoolExprType_OR_EXPR:
		return rexpr{text: "(" + strings.Join(parts, " OR ") + ")", typ: types.Bool}
	}
	return rexpr{text: "(NOT " + parts[0] + ")", typ: types.Bool}
}

// sqlValueFunction prints CURRENT_TIMESTAMP and its kin by their
// keywords, as PostgreSQL does.
func sqlValueFunction(f *pg_query.SQLValueFunction) rexpr {
	kw := map[pg_query.SQLValueFunctionOp]struct {
		name string
		typ  *types.T
	}{
		pg_query.SQLValueFunctionOp_SVFOP_CURRENT_DATE:        {"CURRENT_DATE", types.DateType},
		pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIME:        {"CURRENT_TIME", nil},
		pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIME_N:      {"CURRENT_TIME", nil},
		pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP:   {"CURRENT_TIMESTAMP", types.TimestampTZType},
		pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N: {"CURRENT_TIMESTAMP", types.TimestampTZType},
		pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME:           {"LOCALTIME", types.Time},
		pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME_N:         {"LOCALTIME", types.Time},
		pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP:      {"LOCALTIMESTAMP", types.TimestampType},
		pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N:    {"LOCALTIMESTAMP", types.TimestampType},
		pg_query.SQLValueFunctionOp_SVFOP_CURRENT_ROLE:        {"CURRENT_ROLE", types.Name},
		pg_query.SQLValueFunctionOp_SVFOP_CURRENT_USER:        {"CURRENT_USER", types.Name},
		pg_query.SQLValueFunctionOp_SVFOP_USER:                {"USER", types.Name},
		pg_query.SQLValueFunctionOp_SVFOP_SESSION_USER:        {"SESSION_USER", types.Name},
		pg_query.SQLValueFunctionOp_SVFOP_CURRENT_CATALOG:     {"CURRENT_CATALOG", types.Name},
		pg_query.SQLValueFunctionOp_SVFOP_CURRENT_SCHEMA:      {"CURRENT_SCHEMA", types.Name},
	}[f.Op]
	if kw.typ == nil {
		giveUp()
	}
	text := kw.name
	if f.Typmod >= 0 {
		text += "(" + strconv.Itoa(int(f.Typmod)) + ")"
	}
	return rexpr{text: text, typ: kw.typ}
}

// funcCall prints calls whose arguments need no implicit cast: the
// sequence functions (whose name argument is a regclass) and calls whose
// arguments are typed as their parameters are or are string literals of
// a text parameter.
func (p *pgDeparser) funcCall(f *pg_query.FuncCall) rexpr {
	if len(f.Funcname) != 1 || f.AggOrder != nil || f.AggFilter != nil || f.Over != nil || f.AggStar || f.FuncVariadic || f.AggDistinct {
		giveUp()
	}
	name := f.Funcname[0].GetString_().GetSval()
	ret, ok := funcResultTypes[name]
	if !ok {
		giveUp()
	}
	var args []string
	for _, a := range f.Args {
		r := p.node(a)
		switch {
		case r.typ == nil && (name == "nextval" || name == "currval"):
			args = append(args, quoteLiteralPG(r.lit)+"::regclass")
		case r.typ == nil:
			args = append(args, quoteLiteralPG(r.lit)+"::text")
		case r.typ.Oid == types.Varchar.Oid || r.typ.Oid == types.Bpchar.Oid:
			giveUp() // PostgreSQL shows the cast to text
		default:
			args = append(args, r.text)
		}
	}
	return rexpr{text: expr.QuoteIdent(name) + "(" + strings.Join(args, ", ") + ")", typ: ret}
}

// funcResultTypes are the functions funcCall prints, with their result
// types: the ones defaults and checks commonly call.
var funcResultTypes = map[string]*types.T{
	"now": types.TimestampTZType, "statement_timestamp": types.TimestampTZType,
	"clock_timestamp": types.TimestampTZType, "transaction_timestamp": types.TimestampTZType,
	"nextval": types.Int8, "currval": types.Int8, "gen_random_uuid": types.UUIDType, "random": types.Float8,
	"upper": types.Text, "lower": types.Text, "length": types.Int4, "char_length": types.Int4,
	"btrim": types.Text, "trim": types.Text,
}
