package expr

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// jsonb's explicit casts to SQL scalars (PostgreSQL 11 and later): a
// jsonb number converts to the numeric types as numeric would (1.5 to
// integer rounds to 2), a jsonb boolean to boolean. Anything else,
// null included, is an error naming what the value is. json has no such
// casts.

func init() {
	for _, t := range []*types.T{types.Bool, types.Numeric, types.Int2, types.Int4, types.Int8, types.Float4, types.Float8} {
		casts[castKey{types.JSONB.Oid, t.Oid}] = castExplicit
	}
}

// jsonbToScalar converts a jsonb Datum to one of the types above.
func jsonbToScalar(d types.Datum, to *types.T) (types.Datum, error) {
	v, err := types.ParseJSONB(d.(string))
	if err != nil {
		return nil, err
	}
	if to.Family == types.BoolFamily {
		switch v.Kind {
		case types.JSONTrue:
			return true, nil
		case types.JSONFalse:
			return false, nil
		}
	} else if v.Kind == types.JSONNumber {
		switch to.Family {
		case types.IntFamily:
			return toInt(v.Num, types.Numeric, to)
		case types.FloatFamily:
			return toFloat(v.Num, types.Numeric, to)
		}
		return v.Num, nil
	}
	what := v.TypeName()
	if what == "number" {
		what = "numeric"
	}
	return nil, pgerror.Newf(pgcode.InvalidParameterValue, "cannot cast jsonb %s to type %s", what, to)
}
