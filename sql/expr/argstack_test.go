package expr

import (
	"errors"
	"testing"

	"github.com/stela-db/stela/sql/types"
)

// Nested calls take their arguments from one stack, past its first
// growth, each seeing its own; the stack is empty after each evaluation,
// an error's too.
func TestArgStackNestedCalls(t *testing.T) {
	sum3 := func(_ *Context, a []types.Datum) (types.Datum, error) {
		return a[0].(int64) + a[1].(int64) + a[2].(int64), nil
	}
	fail := errors.New("boom")
	var e Expr = &Const{T: types.Int8, V: int64(0)}
	for range 100 { // 300 slots deep: the stack grows under calls in flight
		e = &Func{Name: "sum3", Args: []Expr{&Const{T: types.Int8, V: int64(1)}, e, &Const{T: types.Int8, V: int64(2)}}, Fn: sum3}
	}
	ctx := &Context{Args: &ArgStack{}}
	v, err := e.Eval(ctx)
	if err != nil || v != int64(300) {
		t.Fatalf("nested sums = %v, %v; want 300", v, err)
	}
	if ctx.Args.top != 0 {
		t.Fatalf("stack top %d after the evaluation, want 0", ctx.Args.top)
	}
	bad := &Func{Name: "fail", Args: []Expr{e}, Fn: func(*Context, []types.Datum) (types.Datum, error) { return nil, fail }}
	if _, err := bad.Eval(ctx); !errors.Is(err, fail) || ctx.Args.top != 0 {
		t.Fatalf("failing call: %v, top %d; want its error and 0", err, ctx.Args.top)
	}
	for i, d := range ctx.Args.slots {
		if d != nil {
			t.Fatalf("slot %d still holds %v", i, d)
		}
	}
}
