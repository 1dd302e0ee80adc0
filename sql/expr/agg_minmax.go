package expr

import "github.com/stela-db/stela/sql/types"

// min and max exist for the types PostgreSQL 15 declares them for (not
// bool, bytea, uuid, json or jsonb, so those fail to resolve as in
// PostgreSQL); varchar and name resolve to the text version. As
// PostgreSQL's *_larger and *_smaller functions do, an input equal to the
// current result replaces it (max(1.50, 1.5) is 1.5) except for bpchar,
// which keeps the first.
var aggMinMaxTypes = []*types.T{
	types.Int2, types.Int4, types.Int8, types.OidType, types.Float4, types.Float8,
	types.Numeric, types.Text, types.Bpchar, types.DateType, types.Time,
	types.TimestampType, types.TimestampTZType, types.IntervalType, types.InetType,
}

func init() {
	for _, t := range aggMinMaxTypes {
		t := t
		addAgg(&Aggregate{Name: "max", Args: []*types.T{t}, Result: t, Strict: true,
			New: func() Accumulator { return &aggMinMax{t: t, sign: 1} }})
		addAgg(&Aggregate{Name: "min", Args: []*types.T{t}, Result: t, Strict: true,
			New: func() Accumulator { return &aggMinMax{t: t, sign: -1} }})
	}
}

// aggMinMax keeps the greatest (sign 1) or least (sign -1) input.
type aggMinMax struct {
	t    *types.T
	sign int
	best types.Datum
}

func (a *aggMinMax) Add(_ *Context, args []types.Datum) error {
	v := args[0]
	if a.best == nil {
		a.best = v
		return nil
	}
	c := types.Compare(a.t, v, a.best) * a.sign
	if c > 0 || (c == 0 && a.t.Oid != types.Bpchar.Oid) {
		a.best = v
	}
	return nil
}

func (a *aggMinMax) Result(*Context) (types.Datum, error) { return a.best, nil }
