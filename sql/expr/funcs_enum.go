package expr

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// enum_first, enum_last and enum_range read an enum's labels from the
// type of their argument, not from its value: applications call them
// as enum_range(NULL::mood) to list a type's values, so none of them
// is strict.

func init() {
	addPolyFunc("enum_first", &polyFunc{params: []polyParam{pEnum}, result: pEnum,
		fn: func(ts []*types.T) arrayFn { return enumEnd(ts[0], true) }})
	addPolyFunc("enum_last", &polyFunc{params: []polyParam{pEnum}, result: pEnum,
		fn: func(ts []*types.T) arrayFn { return enumEnd(ts[0], false) }})
	addPolyFunc("enum_range", &polyFunc{params: []polyParam{pEnum}, result: pArray,
		fn: func(ts []*types.T) arrayFn { return enumRange(ts[0]) }})
	addPolyFunc("enum_range", &polyFunc{params: []polyParam{pEnum, pEnum}, result: pArray,
		fn: func(ts []*types.T) arrayFn { return enumRange(ts[0]) }})
}

// enumEnd is enum_first (first) or enum_last: the type's lowest or
// highest label, an error for an enum without labels.
func enumEnd(t *types.T, first bool) arrayFn {
	return func(*Context, []types.Datum) (types.Datum, error) {
		labels := t.Enum.Labels
		if len(labels) == 0 {
			return nil, pgerror.Newf(pgcode.ObjectNotInPrerequisiteState, "enum %s contains no values", t.Name)
		}
		if first {
			return labels[0].Label, nil
		}
		return labels[len(labels)-1].Label, nil
	}
}

// enumRange is enum_range: the labels from the first argument to the
// second (both included) in sort order, or all of them with one
// argument (whose value does not matter); a NULL bound is open. A lower bound above the upper one gives an
// empty array, as in PostgreSQL.
func enumRange(t *types.T) arrayFn {
	return func(_ *Context, args []types.Datum) (types.Datum, error) {
		var lo, hi types.Datum
		if len(args) == 2 {
			lo, hi = args[0], args[1]
		}
		var out []types.Datum
		for _, l := range t.Enum.Labels {
			if lo != nil && types.Compare(t, l.Label, lo) < 0 {
				continue
			}
			if hi != nil && types.Compare(t, l.Label, hi) > 0 {
				break
			}
			out = append(out, l.Label)
		}
		return types.NewArray(out), nil
	}
}
