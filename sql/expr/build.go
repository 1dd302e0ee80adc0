package expr

import (
	"math"
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Scope resolves column references; a statement without FROM has none.
type Scope interface {
	Column(names []string, location int32) (Expr, error)
}

// Builder turns parse-tree expressions into typed Exprs.
type Builder struct {
	Params  *ParamTypes
	Session Session
	Scope   Scope

	// Hooks of the query planner. Match, when set, sees every expression
	// node first and may stand in for it (GROUP BY expressions in a
	// grouped query); it returns nil to let the node build normally.
	Match func(n *pg_query.Node) (Expr, error)
	// Aggregate builds an aggregate call and Window a window function
	// call; nil refuses them in this clause (Clause names it).
	Aggregate func(f *pg_query.FuncCall, name string) (Expr, error)
	Window    func(f *pg_query.FuncCall, name string) (Expr, error)
	// Special, when set, builds the functions that need the database
	// (nextval, currval): it returns nil for the others.
	Special func(f *pg_query.FuncCall, name string) (Expr, error)
	// SubLink builds a subquery expression; nil refuses subqueries.
	SubLink func(s *pg_query.SubLink) (Expr, error)
	// CheckReg, when set, looks up the name a reg* literal gives
	// ('t'::regclass) while the statement is planned, so that an unknown
	// name fails then, pointing at the literal, as PostgreSQL reads such
	// a literal when it parses. The value itself is still made when the
	// expression runs (RegCast).
	CheckReg func(t *types.T, name string) error
	// Extension, when set, says whether an extension is installed and
	// in which schema: an extension's functions (extensions.go) exist
	// only then. Without it, they do not exist.
	Extension func(name string) (schema string, installed bool, err error)
	// UserType, when set, finds a type name that is not a built-in one
	// among the database's own types (enums). Without it, only the
	// built-in types exist.
	UserType TypeResolver
	// UserFuncs, when set, finds the functions users created (CREATE
	// FUNCTION, userfuncs.go). Without it, only the built-in ones exist.
	UserFuncs UserFuncResolver
	// UserCalled, when set, is told of every call the builder resolves
	// to a user function: the function's UserFunc.ID and the call's
	// location in the text (a view's query records what it calls by it).
	UserCalled func(id uint32, loc int32)
	// ParamName, when set, resolves a name no column has: a SQL
	// function's argument, in its body.
	ParamName ParamResolver
	// Clause is the clause being built ("WHERE", "JOIN conditions"), for
	// the errors of the refused constructs.
	Clause string
}

// With returns a copy of b whose scope is sc.
func (b *Builder) With(sc Scope) *Builder {
	c := *b
	c.Scope = sc
	return &c
}

// at positions an error at a parse-tree location (a byte offset); the
// statement planner converts it to PostgreSQL's character position.
func at(err *pgerror.Error, loc int32) *pgerror.Error {
	if loc >= 0 && err.Position == 0 {
		return err.WithPosition(int(loc) + 1)
	}
	return err
}

// atErr positions an error that may not be a *pgerror.Error.
func atErr(err error, loc int32) error {
	if pe, ok := err.(*pgerror.Error); ok {
		return at(pe, loc)
	}
	return err
}

// Build builds an expression; its type may be types.Unknown (an untyped
// literal or parameter whose context did not decide).
func (b *Builder) Build(n *pg_query.Node) (Expr, error) {
	if b.Match != nil {
		if e, err := b.Match(n); e != nil || err != nil {
			return e, err
		}
	}
	switch v := n.Node.(type) {
	case *pg_query.Node_AConst:
		return b.constant(v.AConst)
	case *pg_query.Node_ParamRef:
		p, err := b.Params.ref(int(v.ParamRef.Number))
		if err != nil {
			return nil, atErr(err, v.ParamRef.Location)
		}
		return p, nil
	case *pg_query.Node_TypeCast:
		return b.typeCast(v.TypeCast)
	case *pg_query.Node_AExpr:
		return b.aExpr(v.AExpr)
	case *pg_query.Node_BoolExpr:
		return b.boolExpr(v.BoolExpr)
	case *pg_query.Node_NullTest:
		arg, err := b.Build(v.NullTest.Arg)
		if err != nil {
			return nil, err
		}
		return &IsNull{Arg: arg, Not: v.NullTest.Nulltesttype == pg_query.NullTestType_IS_NOT_NULL}, nil
	case *pg_query.Node_BooleanTest:
		return b.booleanTest(v.BooleanTest)
	case *pg_query.Node_CaseExpr:
		return b.caseExpr(v.CaseExpr)
	case *pg_query.Node_CoalesceExpr:
		args, t, err := b.commonArgs(v.CoalesceExpr.Args, "COALESCE", v.CoalesceExpr.Location)
		if err != nil {
			return nil, err
		}
		return &Coalesce{Args: args, T: t}, nil
	case *pg_query.Node_MinMaxExpr:
		return b.minMax(v.MinMaxExpr)
	case *pg_query.Node_FuncCall:
		return b.funcCall(v.FuncCall)
	case *pg_query.Node_SqlvalueFunction:
		return b.sqlValueFunction(v.SqlvalueFunction)
	case *pg_query.Node_RowExpr:
		return b.rowExpr(v.RowExpr)
	case *pg_query.Node_ColumnRef:
		return b.columnRef(v.ColumnRef)
	case *pg_query.Node_AArrayExpr:
		return b.arrayExpr(v.AArrayExpr, nil)
	case *pg_query.Node_AIndirection:
		return b.indirection(v.AIndirection)
	case *pg_query.Node_SubLink:
		if b.SubLink == nil {
			return nil, at(pgerror.Newf(pgcode.FeatureNotSupported, "cannot use subquery in %s", b.clause()), v.SubLink.Location)
		}
		return b.SubLink(v.SubLink)
	case *pg_query.Node_CollateClause:
		return b.collate(v.CollateClause)
	case *pg_query.Node_SetToDefault:
		// Where DEFAULT is allowed (an INSERT's VALUES, a SET list) the
		// caller takes it before building.
		return nil, at(pgerror.New(pgcode.Syntax, "DEFAULT is not allowed in this context"), v.SetToDefault.Location)
	}
	return nil, pgerror.Newf(pgcode.FeatureNotSupported, "expression %s is not supported yet", nodeName(n))
}

// nodeName names a parse node's kind for messages.
func nodeName(n *pg_query.Node) string {
	name := strings.TrimPrefix(strings.TrimPrefix(typeName(n.Node), "*pg_query.Node_"), "Node_")
	return name
}

func typeName(v any) string {
	s := strings.TrimPrefix(strings.TrimPrefix(fmtType(v), "*"), "pg_query.")
	return strings.TrimPrefix(s, "Node_")
}

// BuildAs builds an expression that must have type want (for WHERE,
// LIMIT): unknown literals and parameters take it, other types must cast
// to it implicitly (or by assignment when assign is set).
func (b *Builder) BuildAs(n *pg_query.Node, want *types.T, clause string) (Expr, error) {
	e, err := b.Build(n)
	if err != nil {
		return nil, err
	}
	out, err := b.coerce(e, want, castImplicit, location(n))
	if err != nil {
		return nil, at(pgerror.Newf(pgcode.DatatypeMismatch, "argument of %s must be type %s, not type %s", clause, want.SQLStandardName(), e.Type()), location(n))
	}
	return out, nil
}

// Finish resolves a result expression whose type is still unknown to text,
// as PostgreSQL does for select lists.
func (b *Builder) Finish(e Expr) (Expr, error) {
	if e.Type().Family == types.UnknownFamily {
		return b.coerce(e, types.Text, castImplicit, -1)
	}
	return e, nil
}

// coerce converts e to type to, if a cast exists in context c or better.
func (b *Builder) coerce(e Expr, to *types.T, c castContext, loc int32) (Expr, error) {
	from := e.Type()
	if from.Oid == to.Oid && (to.Typmod < 0 || from.Typmod == to.Typmod) {
		return e, nil
	}
	if out, ok, err := b.coerceRecord(e, to, c, loc); ok {
		return out, err
	}
	if to.Family == types.RegFamily {
		// reg* values are made at evaluation: they read the catalog.
		if p, ok := e.(*Param); ok && from.Family == types.UnknownFamily {
			b.Params.Set(p.Index, to)
			return p, nil
		}
		if k, ok := e.(*Const); ok && k.V == nil {
			return &Const{T: to, Loc: k.Loc}, nil
		}
		if castContextOf(from, to) < c {
			return nil, atErr(errCannotCast(from, to), loc)
		}
		if k, ok := e.(*Const); ok && from.Family == types.UnknownFamily && b.CheckReg != nil {
			if name, ok := k.V.(string); ok {
				if _, err := to.ParseText(name, nil); err != nil { // not a number
					if err := b.CheckReg(to, name); err != nil {
						if k.Loc >= 0 {
							loc = k.Loc
						}
						return nil, atErr(err, loc)
					}
				}
			}
		}
		return &RegCast{Arg: e, T: to}, nil
	}
	switch v := e.(type) {
	case *Const:
		if from.Family == types.UnknownFamily {
			if v.V == nil {
				return &Const{T: to, V: nil, Loc: v.Loc}, nil
			}
			val, err := castValue(v.V, from, to, c == castExplicit, b.formatSettings())
			if err != nil {
				if v.Loc >= 0 {
					loc = v.Loc // PostgreSQL points at the literal
				}
				return nil, atErr(err, loc)
			}
			return &Const{T: to, V: val, Loc: v.Loc}, nil
		}
	case *Param:
		if from.Family == types.UnknownFamily {
			b.Params.Set(v.Index, to.Base())
			if to.Typmod >= 0 {
				return &Cast{Arg: v, T: to, Explicit: c == castExplicit}, nil
			}
			return v, nil
		}
	}
	if castContextOf(from, to) < c {
		return nil, atErr(errCannotCast(from, to), loc)
	}
	return &Cast{Arg: e, T: to, Explicit: c == castExplicit}, nil
}

func (b *Builder) formatSettings() *types.FormatSettings {
	if b.Session != nil {
		return b.Session.FormatSettings()
	}
	fs := types.DefaultFormatSettings()
	return &fs
}

// constant builds a literal: integers that fit int4 are int4, larger ones
// int8, then numeric; decimals are numeric; strings are unknown until
// their context types them.
func (b *Builder) constant(c *pg_query.A_Const) (Expr, error) {
	loc := c.Location
	if c.Isnull {
		return &Const{T: types.Unknown, Loc: loc}, nil
	}
	switch v := c.Val.(type) {
	case *pg_query.A_Const_Ival:
		return &Const{T: types.Int4, V: int64(v.Ival.Ival), Loc: loc}, nil
	case *pg_query.A_Const_Fval:
		s := v.Fval.Fval
		// An integer too long for the lexer's int4 may still be one:
		// the parser folds the minus of -2147483648 into the digits,
		// and PostgreSQL's make_const gives each integer the smallest
		// of int4 and int8 it fits.
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			if n >= math.MinInt32 && n <= math.MaxInt32 {
				return &Const{T: types.Int4, V: n, Loc: loc}, nil
			}
			return &Const{T: types.Int8, V: n, Loc: loc}, nil
		}
		d, err := types.Numeric.ParseText(s, nil)
		if err != nil {
			return nil, atErr(err, c.Location)
		}
		return &Const{T: types.Numeric, V: d, Loc: loc}, nil
	case *pg_query.A_Const_Sval:
		return &Const{T: types.Unknown, V: v.Sval.Sval, Loc: loc}, nil
	case *pg_query.A_Const_Boolval:
		return &Const{T: types.Bool, V: v.Boolval.Boolval, Loc: loc}, nil
	case *pg_query.A_Const_Bsval:
		// B'..' and X'..' arrive as "b..." and "x...", which bit_in reads.
		d, err := types.Bit.ParseText(v.Bsval.Bsval, nil)
		if err != nil {
			return nil, atErr(err, c.Location)
		}
		return &Const{T: types.Bit, V: d, Loc: loc}, nil
	}
	return nil, at(pgerror.New(pgcode.Syntax, "unrecognized constant"), c.Location)
}

// TypeResolver finds a user-defined type by name: schema is "" for an
// unqualified name, which the resolver looks up along the search path.
// ok is false when there is no such type; an error is for a missing
// schema or a failed read.
type TypeResolver func(schema, name string) (t *types.T, ok bool, err error)

// TypeFromName resolves a parse-tree type name among the built-in types.
// Array bounds (int[], int[3][3], int ARRAY) make it the element type's
// array type: like PostgreSQL, stela ignores the sizes and the number of
// dimensions.
func TypeFromName(tn *pg_query.TypeName) (*types.T, error) { return TypeFromNameIn(tn, nil) }

// TypeFromNameIn is TypeFromName that also finds the database's own types
// through user (nil: none).
func TypeFromNameIn(tn *pg_query.TypeName, user TypeResolver) (*types.T, error) {
	if len(tn.ArrayBounds) > 0 {
		elem, err := scalarTypeFromName(tn, "[]", user)
		if err != nil {
			return nil, err
		}
		a, ok := types.ArrayOf(elem)
		if !ok {
			if elem.IsArray() {
				return elem, nil // _int4[] is int4[]
			}
			return nil, at(pgerror.Newf(pgcode.UndefinedObject, "could not find array type for data type %s", elem), tn.Location)
		}
		return a, nil
	}
	return scalarTypeFromName(tn, "", user)
}

// scalarTypeFromName resolves a type name without its array bounds;
// suffix is what the bounds add to the name in "does not exist".
func scalarTypeFromName(tn *pg_query.TypeName, suffix string, user TypeResolver) (*types.T, error) {
	if tn.PctType || tn.Setof {
		return nil, at(pgerror.New(pgcode.FeatureNotSupported, "this type syntax is not supported"), tn.Location)
	}
	var parts []string
	for _, n := range tn.Names {
		parts = append(parts, n.GetString_().GetSval())
	}
	if len(parts) == 0 {
		return nil, at(pgerror.New(pgcode.Syntax, "missing type name"), tn.Location)
	}
	if parts[len(parts)-1] == "char" && len(tn.Typmods) == 0 && len(parts) <= 2 && (len(parts) == 1 || parts[0] == "pg_catalog") {
		// The quoted "char" (the keyword char arrives as bpchar).
		return types.Char, nil
	}
	missing := func() error {
		return at(pgerror.Newf(pgcode.UndefinedObject, "type \"%s%s\" does not exist", strings.Join(parts, "."), suffix), tn.Location)
	}
	// findUser looks the name up among the database's types, as
	// PostgreSQL searches pg_type after pg_catalog.
	findUser := func(schema string) (*types.T, bool, error) {
		if user == nil {
			return nil, false, nil
		}
		t, ok, err := user(schema, parts[len(parts)-1])
		if err != nil {
			return nil, false, atErr(err, tn.Location)
		}
		if ok && len(tn.Typmods) != 0 {
			return nil, false, at(pgerror.Newf(pgcode.Syntax, "type modifier is not allowed for type \"%s\"", t.Name), tn.Location)
		}
		return t, ok, nil
	}
	if len(parts) > 2 {
		return nil, missing()
	}
	if len(parts) == 2 && parts[0] != "pg_catalog" {
		t, ok, err := findUser(parts[0])
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, missing()
		}
		return t, nil
	}
	var mods []int32
	for _, m := range tn.Typmods {
		c := m.GetAConst()
		if c == nil || c.GetIval() == nil {
			return nil, at(pgerror.New(pgcode.Syntax, "type modifiers must be simple constants or identifiers"), tn.Location)
		}
		mods = append(mods, c.GetIval().Ival)
	}
	t, err := types.ByName(parts[len(parts)-1], mods)
	if err != nil {
		if len(parts) == 1 && pgerror.HasCode(err, pgcode.UndefinedObject) {
			if ut, ok, uerr := findUser(""); uerr != nil {
				return nil, uerr
			} else if ok {
				return ut, nil
			}
		}
		if suffix != "" && pgerror.HasCode(err, pgcode.UndefinedObject) {
			err = pgerror.Newf(pgcode.UndefinedObject, "type \"%s%s\" does not exist", parts[len(parts)-1], suffix)
		}
		return nil, atErr(err, tn.Location)
	}
	return t, nil
}

func (b *Builder) typeCast(tc *pg_query.TypeCast) (Expr, error) {
	to, err := TypeFromNameIn(tc.TypeName, b.UserType)
	if err != nil {
		return nil, err
	}
	var arg Expr
	if ae := tc.Arg.GetAArrayExpr(); ae != nil && to.IsArray() {
		// ARRAY[...]::t[] builds its elements as t directly.
		arg, err = b.arrayExpr(ae, to)
	} else {
		arg, err = b.Build(tc.Arg)
	}
	if err != nil {
		return nil, err
	}
	loc := location(tc.Arg)
	if loc < 0 || isRowType(to) && tc.Location >= 0 {
		// PostgreSQL's coerce_record_to_complex points at the cast.
		loc = tc.Location
	}
	out, err := b.coerce(arg, to, castExplicit, loc)
	if err != nil {
		return nil, err
	}
	return b.coerceDomain(out, to)
}

// opName returns an operator's name (OPERATOR(pg_catalog.+) is +).
func opName(names []*pg_query.Node) string {
	if len(names) == 0 {
		return ""
	}
	return names[len(names)-1].GetString_().GetSval()
}

// operator resolves and builds name(args...), a NULL constant when the
// operator is strict and an argument is a NULL constant (see fold.go).
func (b *Builder) operator(name string, args []Expr, loc int32) (Expr, error) {
	f, err := b.operatorCall(name, args, loc)
	if err != nil {
		return nil, err
	}
	return foldNullInput(f), nil
}

// operatorCall resolves and builds name(args...) as a call, unsimplified.
func (b *Builder) operatorCall(name string, args []Expr, loc int32) (*Func, error) {
	if f, ok, err := b.arrayOperatorCall(name, args, loc); ok {
		return f, err
	}
	if f, ok, err := b.recordOperatorCall(name, args, loc); ok {
		return f, err
	}
	if f, ok, err := b.enumOperatorCall(name, args, loc); ok {
		return f, err
	}
	argTypes := make([]*types.T, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
	}
	o, ok := resolve(operators[opKey(name, len(args))], argTypes)
	if o == nil {
		return nil, at(errNoOperator(name, argTypes, ok), loc)
	}
	return b.call(name, o, args, loc)
}

// call coerces the arguments to a resolved overload and builds the call.
// An argument of a parameter of type "any" keeps its own type (an unknown
// one becomes text, unless the overload keeps it unknown).
func (b *Builder) call(name string, o *overload, args []Expr, loc int32) (*Func, error) {
	out := make([]Expr, len(args))
	for i, a := range args {
		c, err := b.coerceArg(a, o.args[i], o, loc)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	result, fn := o.result, o.fn
	if o.bind != nil {
		argTypes := make([]*types.T, len(out))
		for i, a := range out {
			argTypes[i] = a.Type()
		}
		var err error
		if result, fn, err = o.bind(argTypes); err != nil {
			return nil, atErr(err, loc)
		}
	}
	return &Func{Name: name, Args: out, Result: result, Strict: o.strict, Fn: fn, Volatile: o.volatile, Restricted: o.restricted}, nil
}

// coerceArg converts argument a to parameter type target of overload o:
// a parameter of type "any" takes a typed argument as it is, and an
// untyped one as text (or unknown, or not at all: o.keepsUnknown,
// o.anyElement).
func (b *Builder) coerceArg(a Expr, target *types.T, o *overload, loc int32) (Expr, error) {
	if target == AnyType {
		if a.Type().Family != types.UnknownFamily || o.keepsUnknown {
			return a, nil
		}
		if o.anyElement {
			return nil, at(pgerror.New(pgcode.DatatypeMismatch, "could not determine polymorphic type because input has type unknown"), loc)
		}
		target = types.Text
	}
	return b.coerce(a, target, castImplicit, loc)
}

func (b *Builder) aExpr(e *pg_query.A_Expr) (Expr, error) {
	name := opName(e.Name)
	switch e.Kind {
	case pg_query.A_Expr_Kind_AEXPR_OP:
		if e.Lexpr != nil && e.Lexpr.GetRowExpr() != nil && e.Rexpr.GetRowExpr() != nil {
			return b.rowComparison(e, name)
		}
		var args []Expr
		if e.Lexpr != nil {
			l, err := b.Build(e.Lexpr)
			if err != nil {
				return nil, err
			}
			args = append(args, l)
		}
		r, err := b.Build(e.Rexpr)
		if err != nil {
			return nil, err
		}
		args = append(args, r)
		return b.operator(name, args, e.Location)

	case pg_query.A_Expr_Kind_AEXPR_DISTINCT, pg_query.A_Expr_Kind_AEXPR_NOT_DISTINCT, pg_query.A_Expr_Kind_AEXPR_NULLIF:
		if e.Kind != pg_query.A_Expr_Kind_AEXPR_NULLIF && e.Lexpr.GetRowExpr() != nil && e.Rexpr.GetRowExpr() != nil {
			return b.rowDistinct(e, e.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_DISTINCT)
		}
		l, err := b.Build(e.Lexpr)
		if err != nil {
			return nil, err
		}
		r, err := b.Build(e.Rexpr)
		if err != nil {
			return nil, err
		}
		// Not strict: IS DISTINCT FROM NULL and NULLIF(x, NULL) have values.
		eq, err := b.operatorCall("=", []Expr{l, r}, e.Location)
		if err != nil {
			return nil, err
		}
		if e.Kind == pg_query.A_Expr_Kind_AEXPR_NULLIF {
			return &NullIf{A: eq.Args[0], B: eq.Args[1], Eq: eq.Fn}, nil
		}
		return &Distinct{A: eq.Args[0], B: eq.Args[1], Eq: eq.Fn, Not: e.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_DISTINCT}, nil

	case pg_query.A_Expr_Kind_AEXPR_IN:
		l, err := b.Build(e.Lexpr)
		if err != nil {
			return nil, err
		}
		list := e.Rexpr.GetList()
		if list == nil {
			return nil, at(pgerror.New(pgcode.FeatureNotSupported, "IN with a subquery is not supported yet"), e.Location)
		}
		var tests []Expr
		for _, item := range list.Items {
			r, err := b.Build(item)
			if err != nil {
				return nil, err
			}
			t, err := b.operator(name, []Expr{l, r}, e.Location)
			if err != nil {
				return nil, err
			}
			tests = append(tests, t)
		}
		if name == "<>" {
			return &And{Args: tests}, nil
		}
		return &Or{Args: tests}, nil

	case pg_query.A_Expr_Kind_AEXPR_LIKE, pg_query.A_Expr_Kind_AEXPR_ILIKE, pg_query.A_Expr_Kind_AEXPR_SIMILAR:
		// x [NOT] SIMILAR TO p [ESCAPE e] is parsed as
		// x ~ similar_to_escape(p [, e]) (!~ for NOT); see similar.go.
		// LIKE's ESCAPE is parsed alike, as x LIKE like_escape(p, e)
		// (like_escape.go).
		l, err := b.Build(e.Lexpr)
		if err != nil {
			return nil, err
		}
		r, err := b.Build(e.Rexpr)
		if err != nil {
			return nil, err
		}
		return b.operator(name, []Expr{l, r}, e.Location)

	case pg_query.A_Expr_Kind_AEXPR_OP_ANY, pg_query.A_Expr_Kind_AEXPR_OP_ALL:
		return b.scalarArrayOp(e, name, e.Kind == pg_query.A_Expr_Kind_AEXPR_OP_ANY)

	case pg_query.A_Expr_Kind_AEXPR_BETWEEN, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN,
		pg_query.A_Expr_Kind_AEXPR_BETWEEN_SYM, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
		return b.between(e)
	}
	return nil, at(pgerror.Newf(pgcode.FeatureNotSupported, "operator form %s is not supported yet", strings.TrimPrefix(e.Kind.String(), "AEXPR_")), e.Location)
}

func (b *Builder) boolArg(n *pg_query.Node, op string) (Expr, error) {
	e, err := b.Build(n)
	if err != nil {
		return nil, err
	}
	out, err := b.coerce(e, types.Bool, castImplicit, location(n))
	if err != nil {
		return nil, at(pgerror.Newf(pgcode.DatatypeMismatch, "argument of %s must be type boolean, not type %s", op, e.Type()), location(n))
	}
	return out, nil
}

func (b *Builder) boolExpr(e *pg_query.BoolExpr) (Expr, error) {
	op := map[pg_query.BoolExprType]string{pg_query.BoolExprType_AND_EXPR: "AND", pg_query.BoolExprType_OR_EXPR: "OR", pg_query.BoolExprType_NOT_EXPR: "NOT"}[e.Boolop]
	args := make([]Expr, 0, len(e.Args))
	for _, a := range e.Args {
		x, err := b.boolArg(a, op)
		if err != nil {
			return nil, err
		}
		args = append(args, x)
	}
	switch e.Boolop {
	case pg_query.BoolExprType_AND_EXPR:
		return &And{Args: args}, nil
	case pg_query.BoolExprType_OR_EXPR:
		return &Or{Args: args}, nil
	}
	return &Not{Arg: args[0]}, nil
}

func (b *Builder) booleanTest(t *pg_query.BooleanTest) (Expr, error) {
	var op string
	var want *bool
	tr, fa := true, false
	not := false
	switch t.Booltesttype {
	case pg_query.BoolTestType_IS_TRUE:
		op, want = "IS TRUE", &tr
	case pg_query.BoolTestType_IS_NOT_TRUE:
		op, want, not = "IS NOT TRUE", &tr, true
	case pg_query.BoolTestType_IS_FALSE:
		op, want = "IS FALSE", &fa
	case pg_query.BoolTestType_IS_NOT_FALSE:
		op, want, not = "IS NOT FALSE", &fa, true
	case pg_query.BoolTestType_IS_UNKNOWN:
		op = "IS UNKNOWN"
	default:
		op, not = "IS NOT UNKNOWN", true
	}
	arg, err := b.boolArg(t.Arg, op)
	if err != nil {
		return nil, err
	}
	return &BoolTest{Arg: arg, Want: want, Not: not}, nil
}

func (b *Builder) caseExpr(c *pg_query.CaseExpr) (Expr, error) {
	var subject Expr
	if c.Arg != nil {
		var err error
		if subject, err = b.Build(c.Arg); err != nil {
			return nil, err
		}
		// An untyped subject (CASE NULL, CASE 'a') is text, as in
		// PostgreSQL: CASE NULL WHEN 1 compares text with integer.
		if subject.Type().Family == types.UnknownFamily {
			if subject, err = b.coerce(subject, types.Text, castImplicit, c.Location); err != nil {
				return nil, err
			}
		}
	}
	var whens []Expr
	var results []*pg_query.Node
	for _, w := range c.Args {
		cw := w.GetCaseWhen()
		var cond Expr
		var err error
		if subject != nil {
			v, err := b.Build(cw.Expr)
			if err != nil {
				return nil, err
			}
			cond, err = b.operator("=", []Expr{subject, v}, cw.Location)
			if err != nil {
				return nil, err
			}
		} else if cond, err = b.boolArg(cw.Expr, "CASE/WHEN"); err != nil {
			return nil, err
		}
		whens = append(whens, cond)
		results = append(results, cw.Result)
	}
	if c.Defresult != nil {
		results = append(results, c.Defresult)
	}
	args, t, err := b.commonArgs(results, "CASE", c.Location)
	if err != nil {
		return nil, err
	}
	out := &Case{Whens: whens, Thens: args[:len(whens)], T: t}
	if c.Defresult != nil {
		out.Else = args[len(whens)]
	}
	return out, nil
}

// commonArgs builds expressions that must share a type and coerces them
// to it, by PostgreSQL's rules for CASE, COALESCE, GREATEST, UNION
// (chapter 10.5): unknowns follow the others; all unknown is text; types
// must share a category; the preferred type, or the one the others cast
// to implicitly, wins.
func (b *Builder) commonArgs(nodes []*pg_query.Node, what string, loc int32) ([]Expr, *types.T, error) {
	args := make([]Expr, len(nodes))
	locs := make([]int32, len(nodes))
	for i, n := range nodes {
		e, err := b.Build(n)
		if err != nil {
			return nil, nil, err
		}
		args[i], locs[i] = e, location(n)
	}
	return b.CommonType(args, locs, what)
}

// CommonType coerces built expressions to the type they must share (the
// rules of commonArgs); locs are their locations for errors.
func (b *Builder) CommonType(args []Expr, locs []int32, what string) ([]Expr, *types.T, error) {
	args = append([]Expr(nil), args...)
	ts := make([]*types.T, len(args))
	for i, a := range args {
		ts[i] = a.Type()
	}
	t, bad := pickCommon(ts)
	if bad >= 0 {
		return nil, nil, atErr(pgerror.Newf(pgcode.DatatypeMismatch, "%s types %s and %s cannot be matched", what, t, ts[bad]), locs[bad])
	}
	for i, a := range args {
		c, err := b.coerce(a, t, castImplicit, locs[i])
		if err != nil {
			if !pgerror.HasCode(err, pgcode.CannotCoerce) {
				return nil, nil, err // a literal that does not parse as t
			}
			return nil, nil, atErr(pgerror.Newf(pgcode.DatatypeMismatch, "%s could not convert type %s to %s", what, a.Type(), t), locs[i])
		}
		args[i] = c
	}
	return args, t, nil
}

// pickCommon chooses the type values of types ts must share (the rules
// of commonArgs; text when all are unknown). When two types' categories
// differ it returns the type chosen so far and the index of the first
// that does not fit (else -1).
func pickCommon(ts []*types.T) (*types.T, int) {
	var t *types.T
	for i, at := range ts {
		if at.Family == types.UnknownFamily {
			continue
		}
		if t == nil {
			t = at
			continue
		}
		if at.Oid == t.Oid {
			continue
		}
		if at.Category != t.Category {
			return t, i
		}
		if (at.Preferred && !t.Preferred) || (canCoerce(t, at) && !canCoerce(at, t)) {
			t = at
		}
	}
	if t == nil {
		t = types.Text
	}
	return t, -1
}

func (b *Builder) minMax(m *pg_query.MinMaxExpr) (Expr, error) {
	what, op := "GREATEST", ">"
	if m.Op == pg_query.MinMaxOp_IS_LEAST {
		what, op = "LEAST", "<"
	}
	args, t, err := b.commonArgs(m.Args, what, m.Location)
	if err != nil {
		return nil, err
	}
	slots := []Expr{&slotExpr{T: t}, &slotExpr{T: t}}
	if t.IsArray() {
		f, _, err := b.arrayOperatorCall(op, slots, m.Location)
		if err != nil {
			return nil, err
		}
		return &MinMax{Args: args, T: t, Better: f.Fn}, nil
	}
	if f, ok, err := b.recordOperatorCall(op, slots, m.Location); ok {
		if err != nil {
			return nil, err
		}
		return &MinMax{Args: args, T: t, Better: f.Fn}, nil
	}
	if f, ok, err := b.enumOperatorCall(op, slots, m.Location); ok {
		if err != nil {
			return nil, err
		}
		return &MinMax{Args: args, T: t, Better: f.Fn}, nil
	}
	o, _ := resolve(operators[opKey(op, 2)], []*types.T{t, t})
	if o == nil {
		return nil, at(errNoOperator(op, []*types.T{t, t}, false), m.Location)
	}
	return &MinMax{Args: args, T: t, Better: o.fn}, nil
}

func (b *Builder) funcCall(f *pg_query.FuncCall) (Expr, error) {
	var parts []string
	for _, n := range f.Funcname {
		parts = append(parts, n.GetString_().GetSval())
	}
	name := strings.ToLower(parts[len(parts)-1])
	// information_schema has one function clients call: _pg_expandarray
	// (a set-returning function the planner builds).
	infoSchema := len(parts) == 2 && parts[0] == "information_schema" && name == "_pg_expandarray"
	if len(parts) > 2 || (len(parts) == 2 && parts[0] != "pg_catalog" && !infoSchema) {
		if len(parts) == 2 && b.UserFuncs != nil && f.Over == nil && !f.AggStar && !f.AggDistinct && !f.FuncVariadic {
			ext, err := b.extCandidates(parts[0], name)
			if err != nil {
				return nil, err
			}
			if e, ok, err := b.userFuncCall(f, parts, name, ext); ok {
				return e, err
			}
		}
		if len(extFunctions[name]) == 0 || f.Over != nil || f.AggStar || f.AggDistinct || f.FuncVariadic {
			return nil, errNoExtFunction(parts, f.Location)
		}
		// An extension's function, called by its schema.
		args, err := b.FuncArgs(f)
		if err != nil {
			return nil, err
		}
		return b.qualifiedCall(parts, args, f.Location)
	}
	if f.Over != nil {
		if b.Window == nil {
			return nil, at(pgerror.Newf(pgcode.WindowingError, "window functions are not allowed in %s", b.clause()), f.Location)
		}
		return b.Window(f, name)
	}
	if f.AggWithinGroup || IsOrderedSetCall(name, len(f.Args)) {
		// The planner resolves ordered-set aggregate calls, and
		// refuses WITHIN GROUP elsewhere (ResolveOrderedSet).
		if b.Aggregate == nil {
			return nil, at(pgerror.Newf(pgcode.GroupingError, "aggregate functions are not allowed in %s", b.clause()), f.Location)
		}
		return b.Aggregate(f, name)
	}
	if f.AggStar || f.AggDistinct || len(f.AggOrder) > 0 || f.AggFilter != nil || IsAggregate(name) {
		if !IsAggregate(name) {
			if len(functions[name]) > 0 {
				what := "DISTINCT"
				switch {
				case f.AggStar:
					return nil, at(pgerror.Newf(pgcode.WrongObjectType, "%s(*) specified, but %s is not an aggregate function", name, name), f.Location)
				case len(f.AggOrder) > 0:
					what = "ORDER BY"
				case f.AggFilter != nil:
					what = "FILTER"
				}
				return nil, at(pgerror.Newf(pgcode.WrongObjectType, "%s specified, but %s is not an aggregate function", what, name), f.Location)
			}
			return nil, at(pgerror.Newf(pgcode.UndefinedFunction, "function %s(*) does not exist", name), f.Location)
		}
		if b.Aggregate == nil {
			return nil, at(pgerror.Newf(pgcode.GroupingError, "aggregate functions are not allowed in %s", b.clause()), f.Location)
		}
		return b.Aggregate(f, name)
	}
	if b.Special != nil {
		if e, err := b.Special(f, name); e != nil || err != nil {
			return e, err
		}
	}
	if f.FuncVariadic {
		return b.variadicArrayCall(f, name)
	}
	if len(parts) == 1 && b.UserFuncs != nil {
		cands, usable, err := b.builtinCandidates(name)
		if err != nil {
			return nil, err
		}
		if usable {
			if e, ok, err := b.userFuncCall(f, parts, name, cands); ok {
				return e, err
			}
		}
	}
	args, err := b.FuncArgs(f)
	if err != nil {
		return nil, err
	}
	if pf, ok := PopulateFunction(name); ok && !pf.IsSet() {
		return b.populateRecordCall(pf, args, f.Location)
	}
	if rf, ok := RecordFunction(name); ok {
		// Its records' columns are said only by FROM's column
		// definition list (sql/tablefunc.go).
		if _, err := rf.Arg(b, args, f.Location); err != nil {
			return nil, err
		}
		return nil, errRecordType(name)
	}
	if cands := polyFuncs[name]; len(cands) > 0 {
		call, err := b.polyCall(name, cands, args, f.Location)
		if err != nil {
			return nil, err
		}
		return foldNullInput(call), nil
	}
	argTypes := make([]*types.T, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
	}
	cands := functions[name]
	if len(extFunctions[name]) > 0 {
		schema := ""
		if len(parts) == 2 {
			schema = parts[0] // pg_catalog, where no extension is
		}
		ext, err := b.extCandidates(schema, name)
		if err != nil {
			return nil, err
		}
		cands = append(cands[:len(cands):len(cands)], ext...)
	}
	if len(args) == 1 {
		schema := ""
		if len(parts) == 2 {
			schema = parts[0]
		}
		if e, err := b.funcAsCast(f, name, schema, cands, args[0]); e != nil || err != nil {
			return e, err
		}
	}
	o, ok := resolve(cands, argTypes)
	if o == nil {
		// As PostgreSQL, the error names the function as called.
		return nil, at(errNoFunction(strings.Join(append(parts[:len(parts)-1:len(parts)-1], name), "."), argTypes, ok), f.Location)
	}
	call, err := b.call(name, o, args, f.Location)
	if err != nil {
		return nil, err
	}
	return foldNullInput(call), nil
}

// clause names the clause being built for errors.
func (b *Builder) clause() string {
	if b.Clause == "" {
		return "this context"
	}
	return b.Clause
}

// Coerce converts e to type to where an implicit cast exists (42804
// otherwise, naming what).
func (b *Builder) Coerce(e Expr, to *types.T, what string, loc int32) (Expr, error) {
	out, err := b.coerce(e, to, castImplicit, loc)
	if err != nil && pgerror.HasCode(err, pgcode.CannotCoerce) {
		return nil, at(pgerror.Newf(pgcode.DatatypeMismatch, "%s could not convert type %s to %s", what, e.Type(), to), loc)
	}
	return out, err
}

// CastExplicit converts e to type to as CAST does: any cast, explicit
// ones and I/O conversion through text included (42846 when there is
// none).
func (b *Builder) CastExplicit(e Expr, to *types.T, loc int32) (Expr, error) {
	return b.coerce(e, to, castExplicit, loc)
}

// Operator resolves and builds a call of an operator on built arguments.
func (b *Builder) Operator(name string, args []Expr, loc int32) (Expr, error) {
	return b.operator(name, args, loc)
}

// FuncArgs builds a function call's arguments.
func (b *Builder) FuncArgs(f *pg_query.FuncCall) ([]Expr, error) {
	args := make([]Expr, len(f.Args))
	for i, a := range f.Args {
		if a.GetNamedArgExpr() != nil {
			return nil, at(pgerror.New(pgcode.FeatureNotSupported, "named arguments are not supported yet"), f.Location)
		}
		e, err := b.Build(a)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	return args, nil
}

func (b *Builder) sqlValueFunction(f *pg_query.SQLValueFunction) (Expr, error) {
	switch f.Op {
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_USER, pg_query.SQLValueFunctionOp_SVFOP_USER,
		pg_query.SQLValueFunctionOp_SVFOP_CURRENT_ROLE:
		return b.funcByName("current_user", f.Location)
	case pg_query.SQLValueFunctionOp_SVFOP_SESSION_USER:
		return b.funcByName("session_user", f.Location)
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_CATALOG:
		return b.funcByName("current_catalog", f.Location)
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_SCHEMA:
		return b.funcByName("current_schema", f.Location)
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP, pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N:
		return b.funcByName("now", f.Location)
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_DATE:
		now, err := b.funcByName("now", f.Location)
		if err != nil {
			return nil, err
		}
		return &Cast{Arg: now, T: types.DateType}, nil
	case pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP, pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N:
		now, err := b.funcByName("now", f.Location)
		if err != nil {
			return nil, err
		}
		return &Cast{Arg: now, T: types.TimestampType}, nil
	case pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME, pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME_N:
		now, err := b.funcByName("now", f.Location)
		if err != nil {
			return nil, err
		}
		return &Cast{Arg: now, T: types.Time}, nil
	}
	return nil, at(pgerror.New(pgcode.FeatureNotSupported, "time with time zone is not supported yet"), f.Location)
}

func (b *Builder) funcByName(name string, loc int32) (Expr, error) {
	o, _ := resolve(functions[name], nil)
	if o == nil {
		return nil, at(errNoFunction(name, nil, false), loc)
	}
	f, err := b.call(name, o, nil, loc)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (b *Builder) columnRef(c *pg_query.ColumnRef) (Expr, error) {
	var names []string
	for i, f := range c.Fields {
		if f.GetAStar() != nil {
			if i == 1 && len(c.Fields) == 2 && b.Scope != nil {
				// t.* inside an expression is the whole row of t.
				return b.Scope.Column(names, c.Location)
			}
			return nil, at(pgerror.New(pgcode.Syntax, "SELECT * with no tables specified is not valid"), c.Location)
		}
		names = append(names, f.GetString_().GetSval())
	}
	if b.Scope == nil {
		if p := b.paramNamed(names); p != nil {
			return p, nil
		}
		return nil, at(pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" does not exist", strings.Join(names, ".")), c.Location)
	}
	e, err := b.Scope.Column(names, c.Location)
	if err != nil && (pgerror.HasCode(err, pgcode.UndefinedColumn) || pgerror.HasCode(err, pgcode.UndefinedTable)) {
		if p := b.paramNamed(names); p != nil {
			return p, nil
		}
	}
	return e, err
}

// Assign coerces e to a column's type as an assignment does (INSERT,
// UPDATE, DEFAULT): implicit and assignment casts, with PostgreSQL's
// message when there is none.
func (b *Builder) Assign(e Expr, t *types.T, column string, loc int32) (Expr, error) {
	out, err := b.coerce(e, t, castAssignment, loc)
	if err != nil {
		// A record converted field by field keeps its own error, as
		// PostgreSQL's coerce_record_to_complex says which field failed.
		if pgerror.HasCode(err, pgcode.CannotCoerce) && !(isRowType(t) && e.Type().Oid == types.RecordType.Oid) {
			// The column's type without its modifier, as PostgreSQL's
			// format_type_be names it ("numeric", not "numeric(5,1)").
			return nil, at(pgerror.Newf(pgcode.DatatypeMismatch, "column \"%s\" is of type %s but expression is of type %s", column, t.WithTypmod(-1), e.Type()).
				WithHint("You will need to rewrite or cast the expression."), loc)
		}
		return nil, err
	}
	return out, nil
}

// collate builds expr COLLATE name. stela compares strings bytewise,
// which is the C collation; "default" (the database's, which is C) and
// the byte-order collations C, POSIX and ucs_basic are that, so they
// change nothing. Others are not provided (42704, as for a collation
// PostgreSQL does not have).
func (b *Builder) collate(c *pg_query.CollateClause) (Expr, error) {
	var parts []string
	for _, n := range c.Collname {
		parts = append(parts, n.GetString_().GetSval())
	}
	name := parts[len(parts)-1]
	if len(parts) > 2 || (len(parts) == 2 && parts[0] != "pg_catalog") {
		return nil, at(pgerror.Newf(pgcode.UndefinedObject, "collation \"%s\" for encoding \"UTF8\" does not exist", strings.Join(parts, ".")), c.Location)
	}
	switch name {
	case "default", "C", "POSIX", "ucs_basic":
	default:
		return nil, at(pgerror.Newf(pgcode.UndefinedObject, "collation \"%s\" for encoding \"UTF8\" does not exist", name), c.Location)
	}
	arg, err := b.Build(c.Arg)
	if err != nil {
		return nil, err
	}
	if f := arg.Type().Family; f != types.StringFamily && f != types.UnknownFamily {
		return nil, at(pgerror.Newf(pgcode.DatatypeMismatch, "collations are not supported by type %s", arg.Type()), c.Location)
	}
	return arg, nil
}
