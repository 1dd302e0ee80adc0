package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
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
func hookImmutableUserCalls(b *expr.Builder, txn *engine.Txn, s *Session, calls map[int32]uint32) map[*expr.Func]bool {
	hookUserCalls(b, txn, s, calls)
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
			if d == nil || d.Function == nil || d.Function.Volatility != "i" {
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
	return immutable
}
