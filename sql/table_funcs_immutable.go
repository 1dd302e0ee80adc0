package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
)

// A generated column's expression and an index key expression must be
// immutable (42P17): a user function may be called there when it is
// declared IMMUTABLE. The calls are bound as a DEFAULT's are
// (table_funcs.go), and a call of an IMMUTABLE function is noted so that
// the immutability check (isMutableBut) takes the call as immutable while
// it still looks at the arguments.
//
// PostgreSQL inlines a SQL function whose body is a single simple SELECT
// before it checks, so it accepts a function of any declared volatility
// whose body is immutable; stela does not inline, and asks for IMMUTABLE.

// hookImmutableUserCalls is hookUserCalls for an expression that must be
// immutable: it returns the set the calls of IMMUTABLE functions are
// noted in as they are built.
func (x *execCtx) hookImmutableUserCalls(b *expr.Builder, n *pg_query.Node, calls map[int32]uint32) (map[*expr.Func]bool, error) {
	if err := x.hookUserCalls(b, n, calls); err != nil {
		return nil, err
	}
	txn := x.txn
	immutable := map[*expr.Func]bool{}
	byPath := b.UserFuncs
	b.UserFuncs = func(schema, name string) ([]*expr.UserFunc, error) {
		us, err := byPath(schema, name)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			d, err := catalog.Get(txn, u.ID)
			if err != nil {
				return nil, err
			}
			if !declaredImmutable(d) {
				continue
			}
			build := u.Call
			u.Call = func(args []expr.Expr) (expr.Expr, error) {
				e, err := build(args)
				if f, ok := e.(*expr.Func); ok {
					immutable[f] = true
				}
				return e, err
			}
		}
		return us, nil
	}
	return immutable, nil
}

// declaredImmutable reports whether d is a function declared IMMUTABLE
// (nil, for one dropped, is not).
func declaredImmutable(d *catalog.Descriptor) bool {
	return d != nil && d.Function != nil && d.Function.Volatility == "i"
}
