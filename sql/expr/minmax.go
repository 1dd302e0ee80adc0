package expr

import "github.com/stela-db/stela/sql/types"

// MinMax is GREATEST or LEAST: NULLs are ignored; the result is NULL only
// when every argument is.
type MinMax struct {
	Args []Expr
	T    *types.T
	// Better reports whether its first argument beats the second (> for
	// GREATEST, < for LEAST).
	Better func(*Context, []types.Datum) (types.Datum, error)
}

func (e *MinMax) Type() *types.T { return e.T }

func (e *MinMax) Eval(ctx *Context) (types.Datum, error) {
	var best types.Datum
	for _, a := range e.Args {
		v, err := a.Eval(ctx)
		if err != nil {
			return nil, err
		}
		if v == nil {
			continue
		}
		if best == nil {
			best = v
			continue
		}
		better, err := e.Better(ctx, []types.Datum{v, best})
		if err != nil {
			return nil, err
		}
		if better.(bool) {
			best = v
		}
	}
	return best, nil
}
