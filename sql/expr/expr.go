package expr

import (
	"context"
	"time"

	"github.com/stela-db/stela/sql/types"
)

// Expr is a resolved, typed expression.
type Expr interface {
	// Type is the type of the value Eval returns.
	Type() *types.T
	// Eval computes the value; nil is SQL NULL.
	Eval(ctx *Context) (types.Datum, error)
}

// Session is what evaluation needs of the session that runs it.
type Session interface {
	// Setting returns a session variable's current value.
	Setting(name string) (string, error)
	// SetSetting changes a session variable (set_config); local limits the
	// change to the current transaction.
	SetSetting(name, value string, local bool) error
	// User is the current user (current_user), SessionUser who
	// logged in (session_user).
	User() string
	SessionUser() string
	Database() string
	BackendPID() int32
	// FormatSettings are the settings of text input and output.
	FormatSettings() *types.FormatSettings
}

// Context carries what one evaluation needs.
type Context struct {
	Ctx     context.Context
	Session Session
	Params  []types.Datum
	// StatementTime and TxTime are the times now() and
	// statement_timestamp() report: fixed for a statement or transaction.
	StatementTime time.Time
	TxTime        time.Time
	// Row is the input row column references read; Outer holds the rows
	// of enclosing queries, innermost last (correlated subqueries).
	Row   []types.Datum
	Outer [][]types.Datum
	// Exec is the query executor's state, for expressions that run
	// plans (subqueries).
	Exec any
	// Catalog resolves the names of reg* values (nil: they cannot be
	// made here).
	Catalog Catalog
	// Args holds the arguments of the function calls being evaluated
	// (nil: each call allocates its own).
	Args *ArgStack
}

// ArgStack is where function calls put their evaluated arguments: a
// call takes the slots above those of the calls it is nested in and
// gives them back when its function returns, so that evaluating a
// function per row allocates nothing. A function must therefore not
// keep its argument slice past its return (the values in it it may).
type ArgStack struct {
	slots []types.Datum
	top   int
}

// push returns n slots above the stack's top, and the top to pop to.
func (s *ArgStack) push(n int) (args []types.Datum, base int) {
	base = s.top
	if base+n > len(s.slots) {
		// A call below keeps its slice of the old array: it is
		// still its own, filled only through that slice.
		grown := make([]types.Datum, max(2*len(s.slots), base+n, 64))
		copy(grown, s.slots[:base])
		s.slots = grown
	}
	s.top = base + n
	return s.slots[base : base : base+n], base
}

// pop gives back the slots of a call, dropping the values they hold.
func (s *ArgStack) pop(base int) {
	clear(s.slots[base:s.top])
	s.top = base
}

// formatSettings returns the session's text I/O settings, or the
// defaults outside a session.
func (c *Context) formatSettings() *types.FormatSettings {
	if c.Session != nil {
		return c.Session.FormatSettings()
	}
	fs := types.DefaultFormatSettings()
	return &fs
}

// Const is a constant value. Loc is the literal's location in the query
// (-1: none), so that an error converting it points at it.
type Const struct {
	T   *types.T
	V   types.Datum
	Loc int32
}

func (c *Const) Type() *types.T                     { return c.T }
func (c *Const) Eval(*Context) (types.Datum, error) { return c.V, nil }

// Param is a statement parameter, $Index (1-based).
type Param struct {
	Index int
	T     *types.T
}

func (p *Param) Type() *types.T { return p.T }

func (p *Param) Eval(ctx *Context) (types.Datum, error) {
	if p.Index-1 >= len(ctx.Params) {
		return nil, errParamMissing(p.Index)
	}
	v := ctx.Params[p.Index-1]
	if p.T != nil && p.T.Family == types.RegFamily {
		if s, isName := v.(string); isName {
			// A reg* parameter sent as a name (types.RegNameText): Bind,
			// which reads no catalog, left it for here.
			return ToReg(ctx, s, types.Text, p.T)
		}
	}
	return v, nil
}

// Func is a call of a resolved function or operator: all arguments are
// evaluated first, and a strict function returns NULL for any NULL
// argument without being called, as PostgreSQL's strict functions do.
type Func struct {
	Name   string
	Args   []Expr
	Result *types.T
	Strict bool
	// Fn must not keep args past its return (ArgStack).
	Fn func(ctx *Context, args []types.Datum) (types.Datum, error)
	// Volatile functions (random, clock_timestamp, nextval) give a new
	// value at every call: never folded or evaluated only once.
	Volatile bool
	// Restricted functions read the session (current_setting,
	// current_user) or the catalog (pg_typeof, the SQL layer's
	// functions): PostgreSQL's parallel restricted, run only by the
	// statement's goroutine, never by a parallel scan's workers, whose
	// Context has neither (sql/scan_parallel.go).
	Restricted bool
	// UserFunc is the catalog id of the user function the call runs (0
	// for a built-in): two calls of the same name may run different
	// functions (another schema), so expressions compare by it.
	UserFunc uint32
}

func (f *Func) Type() *types.T { return f.Result }

func (f *Func) Eval(ctx *Context) (types.Datum, error) {
	var args []types.Datum
	if st := ctx.Args; st != nil {
		var base int
		args, base = st.push(len(f.Args))
		defer st.pop(base)
	} else {
		args = make([]types.Datum, 0, len(f.Args))
	}
	for _, a := range f.Args {
		v, err := a.Eval(ctx)
		if err != nil {
			return nil, err
		}
		if v == nil && f.Strict {
			return nil, nil
		}
		args = append(args, v)
	}
	return f.Fn(ctx, args)
}

// ColRef reads a column of the input row.
type ColRef struct {
	Idx  int
	T    *types.T
	Name string
}

func (c *ColRef) Type() *types.T { return c.T }

func (c *ColRef) Eval(ctx *Context) (types.Datum, error) { return ctx.Row[c.Idx], nil }

// OuterRef reads a column of an enclosing query's current row: Depth 1 is
// the query immediately around this one.
type OuterRef struct {
	Depth, Idx int
	T          *types.T
	Name       string
}

func (c *OuterRef) Type() *types.T { return c.T }

func (c *OuterRef) Eval(ctx *Context) (types.Datum, error) {
	return ctx.Outer[len(ctx.Outer)-c.Depth][c.Idx], nil
}
