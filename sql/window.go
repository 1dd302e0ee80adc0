package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Window functions run after grouping, over the rows the select list
// sees: each call's value is a column appended to the row. windowing
// collects the calls of one query.
type windowing struct {
	funcs []*windowCall
	// width is the row's width before the window columns.
	width int
}

// windowCall is one window function call.
type windowCall struct {
	name string
	// agg is set for an aggregate used as a window function.
	agg    *expr.Aggregate
	args   []expr.Expr
	filter expr.Expr
	// partition and order are evaluated per row; orderKeys index the
	// order values.
	partition []expr.Expr
	order     []expr.Expr
	orderKeys []sortKey
	frame     frameSpec
	result    *types.T
	ref       *expr.ColRef
}

// PostgreSQL's frame option bits (parsenodes.h).
const (
	frameRange                 = 0x00002
	frameRows                  = 0x00004
	frameGroups                = 0x00008
	frameStartUnboundedPrec    = 0x00020
	frameEndUnboundedFollowing = 0x00100
	frameStartCurrentRow       = 0x00200
	frameEndCurrentRow         = 0x00400
	frameStartOffsetPreceding  = 0x00800
	frameEndOffsetPreceding    = 0x01000
	frameStartOffsetFollowing  = 0x02000
	frameEndOffsetFollowing    = 0x04000
	frameExcludeCurrentRow     = 0x08000
	frameExcludeGroup          = 0x10000
	frameExcludeTies           = 0x20000
	frameExclusion             = frameExcludeCurrentRow | frameExcludeGroup | frameExcludeTies
	frameDefault               = frameRange | frameStartUnboundedPrec | frameEndCurrentRow
)

// frameSpec is a window frame: ROWS or RANGE with its bounds.
type frameSpec struct {
	opts                int32
	startOff, endOffset expr.Expr
	// For RANGE offsets: cur stands for the current row's value, and
	// the bounds are it minus and plus each offset.
	cur                   *subValue
	startMinus, startPlus expr.Expr
	endMinus, endPlus     expr.Expr
}

// windowFuncs are the window-only functions and their result types
// (nil: the type of the first argument).
var windowFuncs = map[string]*types.T{
	"row_number": types.Int8, "rank": types.Int8, "dense_rank": types.Int8,
	"percent_rank": types.Float8, "cume_dist": types.Float8, "ntile": types.Int4,
	"lag": nil, "lead": nil, "first_value": nil, "last_value": nil, "nth_value": nil,
}

// window plans a window function call and returns its column.
func (sb *selectBuild) window(f *pg_query.FuncCall, name string) (expr.Expr, error) {
	if f.AggWithinGroup || expr.IsOrderedSetCall(name, len(f.Args)) {
		return nil, sb.orderedSetOver(f, name)
	}
	if sb.win == nil {
		sb.win = &windowing{}
	}
	def, err := sb.windowDef(f.Over)
	if err != nil {
		return nil, err
	}
	b := sb.exprBuilder("window functions", true, false)
	b.Window = func(f *pg_query.FuncCall, _ string) (expr.Expr, error) {
		return nil, pgerror.New(pgcode.WindowingError, "window function calls cannot be nested").WithPosition(int(f.Location) + 1)
	}
	wc := &windowCall{name: name}
	var args []expr.Expr
	if !f.AggStar {
		if args, err = b.FuncArgs(f); err != nil {
			return nil, err
		}
	}
	if res, ok := windowFuncs[name]; ok {
		if f.AggStar || f.AggDistinct || f.AggFilter != nil || len(f.AggOrder) > 0 {
			return nil, pgerror.Newf(pgcode.WrongObjectType, "DISTINCT, ORDER BY, FILTER and * are not implemented for window function %s", name).WithPosition(int(f.Location) + 1)
		}
		if wc.args, wc.result, err = windowFuncArgs(b, name, args, res, f.Location); err != nil {
			return nil, err
		}
	} else if expr.IsAggregate(name) {
		// PostgreSQL's words and checks, DISTINCT first.
		if f.AggDistinct {
			return nil, pgerror.New(pgcode.FeatureNotSupported, "DISTINCT is not implemented for window functions").WithPosition(int(f.Location) + 1)
		}
		if len(f.AggOrder) > 0 {
			return nil, pgerror.New(pgcode.FeatureNotSupported, "aggregate ORDER BY is not implemented for window functions").WithPosition(int(f.Location) + 1)
		}
		agg, args, err := b.ResolveAggregate(name, args, f.Location)
		if err != nil {
			return nil, err
		}
		wc.agg, wc.args, wc.result = agg, args, agg.Result
		if f.AggFilter != nil {
			if wc.filter, err = b.BuildAs(f.AggFilter, types.Bool, "FILTER"); err != nil {
				return nil, err
			}
		}
	} else {
		return nil, pgerror.Newf(pgcode.WrongObjectType, "OVER specified, but %s is not a window function nor an aggregate function", name).WithPosition(int(f.Location) + 1)
	}
	// PARTITION BY and ORDER BY are the window's definition.
	b.Window = func(f *pg_query.FuncCall, _ string) (expr.Expr, error) {
		return nil, pgerror.New(pgcode.WindowingError, "window functions are not allowed in window definitions").WithPosition(int(f.Location) + 1)
	}
	for _, p := range def.PartitionClause {
		e, err := b.Build(p)
		if err != nil {
			return nil, err
		}
		if e, err = b.Finish(e); err != nil {
			return nil, err
		}
		if err := checkHashable(e.Type()); err != nil {
			return nil, err
		}
		wc.partition = append(wc.partition, e)
	}
	for i, o := range def.OrderClause {
		sbn := o.GetSortBy()
		e, err := b.Build(sbn.Node)
		if err != nil {
			return nil, err
		}
		if e, err = b.Finish(e); err != nil {
			return nil, err
		}
		k, err := newSortKey(i, e.Type(), sbn)
		if err != nil {
			return nil, err
		}
		wc.order = append(wc.order, e)
		wc.orderKeys = append(wc.orderKeys, k)
	}
	if wc.frame, err = windowFrame(b, def, wc.order); err != nil {
		return nil, err
	}
	wc.ref = &expr.ColRef{T: wc.result, Name: name}
	sb.win.funcs = append(sb.win.funcs, wc)
	return wc.ref, nil
}

// windowDef resolves OVER w and OVER (w ...) against the WINDOW clause.
func (sb *selectBuild) windowDef(w *pg_query.WindowDef) (*pg_query.WindowDef, error) {
	ref := w.Refname
	if ref == "" && w.Name != "" && len(w.PartitionClause) == 0 && len(w.OrderClause) == 0 {
		ref = w.Name // OVER w
	}
	if ref == "" {
		return w, nil
	}
	base, ok := sb.windows[ref]
	if !ok {
		return nil, pgerror.Newf(pgcode.UndefinedObject, "window \"%s\" does not exist", ref).WithPosition(int(w.Location) + 1)
	}
	out := proto.Clone(base).(*pg_query.WindowDef)
	if len(w.PartitionClause) > 0 {
		return nil, pgerror.Newf(pgcode.WindowingError, "cannot override PARTITION BY clause of window \"%s\"", ref).WithPosition(int(w.Location) + 1)
	}
	if len(w.OrderClause) > 0 {
		if len(base.OrderClause) > 0 {
			return nil, pgerror.Newf(pgcode.WindowingError, "cannot override ORDER BY clause of window \"%s\"", ref).WithPosition(int(w.Location) + 1)
		}
		out.OrderClause = w.OrderClause
	}
	if w.FrameOptions != 0 && w.FrameOptions != frameDefault {
		out.FrameOptions, out.StartOffset, out.EndOffset = w.FrameOptions, w.StartOffset, w.EndOffset
	}
	return out, nil
}

// windowFrame reads a window's frame clause. ROWS and GROUPS offsets
// count rows and peer groups; RANGE offsets are distances from the
// current row's ORDER BY value, whose bounds (value - offset, value +
// offset) are built here with the type's own operators.
func windowFrame(b *expr.Builder, def *pg_query.WindowDef, order []expr.Expr) (frameSpec, error) {
	opts := def.FrameOptions
	if opts&0x1 == 0 { // not FRAMEOPTION_NONDEFAULT
		opts = frameDefault
	}
	f := frameSpec{opts: opts}
	offsets := opts&(frameStartOffsetPreceding|frameStartOffsetFollowing|frameEndOffsetPreceding|frameEndOffsetFollowing) != 0
	switch {
	case opts&frameGroups != 0 && len(order) == 0:
		return f, pgerror.New(pgcode.WindowingError, "GROUPS mode requires an ORDER BY clause")
	case opts&frameRange != 0 && offsets && len(order) != 1:
		return f, pgerror.New(pgcode.WindowingError, "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column")
	}
	if opts&frameRange != 0 && offsets {
		return f, f.rangeBounds(b, def, order[0].Type())
	}
	var err error
	if def.StartOffset != nil {
		if f.startOff, err = b.BuildAs(def.StartOffset, types.Int8, "ROWS"); err != nil {
			return f, err
		}
	}
	if def.EndOffset != nil {
		if f.endOffset, err = b.BuildAs(def.EndOffset, types.Int8, "ROWS"); err != nil {
			return f, err
		}
	}
	return f, nil
}

// rangeBounds builds a RANGE frame's offsets and bound expressions.
func (f *frameSpec) rangeBounds(b *expr.Builder, def *pg_query.WindowDef, t *types.T) error {
	f.cur = &subValue{T: t}
	unsupported := pgerror.Newf(pgcode.FeatureNotSupported, "RANGE with offset PRECEDING/FOLLOWING is not supported for column type %s", t)
	bounds := func(n *pg_query.Node) (off, minus, plus expr.Expr, err error) {
		if off, err = b.Build(n); err != nil {
			return nil, nil, nil, err
		}
		if off.Type().Family == types.UnknownFamily {
			// An untyped offset is a distance: an interval for dates
			// and times, a value of the column's type otherwise.
			ot := t
			if t.Category == 'D' || t.Family == types.TimeFamily {
				ot = types.IntervalType
			}
			if off, err = b.Coerce(off, ot, "RANGE", -1); err != nil {
				return nil, nil, nil, err
			}
		}
		if minus, err = b.Operator("-", []expr.Expr{f.cur, off}, -1); err != nil {
			return nil, nil, nil, unsupported
		}
		if plus, err = b.Operator("+", []expr.Expr{f.cur, off}, -1); err != nil {
			return nil, nil, nil, unsupported
		}
		// The bounds are compared with the column's values.
		if minus.Type().Family != t.Family || plus.Type().Family != t.Family {
			return nil, nil, nil, unsupported
		}
		return off, minus, plus, nil
	}
	var err error
	if def.StartOffset != nil {
		if f.startOff, f.startMinus, f.startPlus, err = bounds(def.StartOffset); err != nil {
			return err
		}
	}
	if def.EndOffset != nil {
		if f.endOffset, f.endMinus, f.endPlus, err = bounds(def.EndOffset); err != nil {
			return err
		}
	}
	return nil
}

// windowFuncArgs checks and coerces a window-only function's arguments.
func windowFuncArgs(b *expr.Builder, name string, args []expr.Expr, res *types.T, loc int32) ([]expr.Expr, *types.T, error) {
	bad := func() error {
		ts := make([]string, len(args))
		for i, a := range args {
			ts[i] = a.Type().String()
		}
		return pgerror.Newf(pgcode.UndefinedFunction, "function %s(%s) does not exist", name, joinStrings(ts, ", ")).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.").WithPosition(int(loc) + 1)
	}
	switch name {
	case "row_number", "rank", "dense_rank", "percent_rank", "cume_dist":
		if len(args) != 0 {
			return nil, nil, bad()
		}
		return nil, res, nil
	case "ntile":
		if len(args) != 1 {
			return nil, nil, bad()
		}
		a, err := b.Coerce(args[0], types.Int4, "ntile", loc)
		if err != nil {
			return nil, nil, bad()
		}
		return []expr.Expr{a}, res, nil
	case "first_value", "last_value":
		if len(args) != 1 {
			return nil, nil, bad()
		}
		a, err := b.Finish(args[0])
		return []expr.Expr{a}, a.Type(), err
	case "nth_value":
		if len(args) != 2 {
			return nil, nil, bad()
		}
		a, err := b.Finish(args[0])
		if err != nil {
			return nil, nil, err
		}
		n, err := b.Coerce(args[1], types.Int4, "nth_value", loc)
		if err != nil {
			return nil, nil, bad()
		}
		return []expr.Expr{a, n}, a.Type(), nil
	case "lag", "lead":
		if len(args) < 1 || len(args) > 3 {
			return nil, nil, bad()
		}
		out := make([]expr.Expr, len(args))
		var err error
		if len(args) == 3 {
			var t *types.T
			pair, t, err := b.CommonType([]expr.Expr{args[0], args[2]}, []int32{loc, loc}, name)
			if err != nil {
				return nil, nil, err
			}
			out[0], out[2] = pair[0], pair[1]
			_ = t
		} else if out[0], err = b.Finish(args[0]); err != nil {
			return nil, nil, err
		}
		if len(args) >= 2 {
			if out[1], err = b.Coerce(args[1], types.Int4, name, loc); err != nil {
				return nil, nil, bad()
			}
		}
		return out, out[0].Type(), nil
	}
	return nil, nil, bad()
}

func joinStrings(ss []string, sep string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += sep
		}
		out += s
	}
	return out
}

// plan numbers the window columns after the row's and adds the node.
func (w *windowing) plan(input planNode) planNode {
	cols := append([]column(nil), input.cols()...)
	w.width = len(cols)
	for i, f := range w.funcs {
		f.ref.Idx = w.width + i
		cols = append(cols, column{name: f.name, typ: f.result, hidden: true, qualifiedOnly: true})
	}
	return &windowNode{input: input, funcs: w.funcs, columns: cols, width: w.width}
}

// windowClause records the WINDOW clause's definitions; a definition may
// build on an earlier one.
func (sb *selectBuild) windowClause(defs []*pg_query.Node) error {
	for _, n := range defs {
		w := n.GetWindowDef()
		if _, dup := sb.windows[w.Name]; dup {
			return pgerror.Newf(pgcode.WindowingError, "window \"%s\" is already defined", w.Name).WithPosition(int(w.Location) + 1)
		}
		if w.Refname != "" {
			base, err := sb.windowDef(w)
			if err != nil {
				return err
			}
			merged := proto.Clone(base).(*pg_query.WindowDef)
			merged.Name = w.Name
			w = merged
		}
		if sb.windows == nil {
			sb.windows = map[string]*pg_query.WindowDef{}
		}
		sb.windows[w.Name] = w
	}
	return nil
}
