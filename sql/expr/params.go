package expr

import (
	"strconv"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// ParamTypes collects the types of a statement's parameters: declared by
// the client, or inferred from the context each $n appears in.
type ParamTypes struct {
	types []*types.T // index n-1; nil: not known yet
	// Declared is the number of types the client sent (some may be 0).
	Declared int
	// NoParams refuses every $n: a simple Query carries no parameters.
	NoParams bool
	// refs are the Param nodes built so far, so that a type learned late
	// reaches every occurrence.
	refs []*Param
}

// MaxParams is the largest parameter number: Bind counts parameters in an
// int16.
const MaxParams = 65535

// Set records the type of $n.
func (p *ParamTypes) Set(n int, t *types.T) {
	for len(p.types) < n {
		p.types = append(p.types, nil)
	}
	p.types[n-1] = t
	for _, r := range p.refs {
		if r.Index == n {
			r.T = t
		}
	}
}

// Get returns the type of $n, nil when not known yet.
func (p *ParamTypes) Get(n int) *types.T {
	if n-1 < len(p.types) {
		return p.types[n-1]
	}
	return nil
}

// ref returns a Param node for $n.
func (p *ParamTypes) ref(n int) (*Param, error) {
	if n < 1 || n > MaxParams || p.NoParams {
		return nil, pgerror.Newf(pgcode.UndefinedParameter, "there is no parameter $%d", n)
	}
	for len(p.types) < n {
		p.types = append(p.types, nil)
	}
	t := p.types[n-1]
	if t == nil {
		t = types.Unknown
	}
	r := &Param{Index: n, T: t}
	p.refs = append(p.refs, r)
	return r, nil
}

// Final returns the type of every parameter up to the highest one used or
// declared. A parameter whose type nothing determined is an error, as in
// PostgreSQL (42P18).
func (p *ParamTypes) Final() ([]*types.T, error) {
	n := max(len(p.types), p.Declared)
	out := make([]*types.T, n)
	for i := 0; i < n; i++ {
		var t *types.T
		if i < len(p.types) {
			t = p.types[i]
		}
		if t == nil || t == types.Unknown {
			return nil, pgerror.Newf(pgcode.IndeterminateDatatype, "could not determine data type of parameter $%s", strconv.Itoa(i+1))
		}
		out[i] = t
	}
	return out, nil
}

func errParamMissing(n int) error {
	return pgerror.Newf(pgcode.UndefinedParameter, "there is no parameter $%d", n)
}
