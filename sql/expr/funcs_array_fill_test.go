package expr

import (
	"errors"
	"testing"

	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The SQL test files compare only code and message: the details of
// array_fill's 2202E are PostgreSQL 15's.
func TestArrayFillSubscriptDetail(t *testing.T) {
	one := types.NewArray([]types.Datum{int64(1)})
	two := types.NewArray([]types.Datum{int64(1), int64(2)})
	square := &types.Array{Dims: []int32{1, 1}, LBound: []int32{1, 1}, Elems: []types.Datum{int64(1)}}
	for _, tc := range []struct {
		args   []types.Datum
		detail string
	}{
		{[]types.Datum{int64(0), square}, "Dimension array must be one dimensional."},
		{[]types.Datum{int64(0), one, square}, "Dimension array must be one dimensional."},
		{[]types.Datum{int64(0), two, one}, "Low bound array has different size than dimensions array."},
	} {
		_, err := arrayFill(nil, tc.args)
		var pe *pgerror.Error
		if !errors.As(err, &pe) || pe.Code != "2202E" || pe.Message != "wrong number of array subscripts" || pe.Detail != tc.detail {
			t.Errorf("%v: %#v", tc.args, err)
		}
	}
}
