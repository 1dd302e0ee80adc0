package sql

import (
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// LIKE with a pattern known only when the statement runs ("s LIKE $1",
// as drivers send a search box's text): stela plans a statement once,
// for every execution (a generic plan), so the range a pattern implies
// is computed when the scan opens, from the pattern's value. PostgreSQL
// gets there by planning the first executions with the parameter's value
// (custom plans); a generic plan of PostgreSQL's reads no index for it.
//
// The bounds are two expressions over the pattern: its fixed prefix
// (likeLowerBound) and the prefix's successor (likeUpperBound). They
// differ from constant bounds in two ways, which indexBounds.loLike and
// hiLike carry to the scan: an upper bound of NULL is no bound (a prefix
// with no successor, or none at all), and an empty lower bound with no
// upper one is the whole index (the pattern starts with a wildcard):
// the scan then reads the table itself rather than every row through
// the index (scanNode.fetchesWhole), as the plan would have for a
// constant '%abc'. A NULL pattern is a NULL lower bound: nothing
// matches, as for LIKE NULL.

// likeParamPreds returns the bounds "col ~~ pattern" implies when the
// pattern is row-free but not a constant; c is the column.
func likeParamPreds(c *expr.ColRef, pattern expr.Expr, fold bool) []colPred {
	if _, isConst := pattern.(*expr.Const); isConst || !isRowFree(pattern) || pattern.Type().Family != types.StringFamily {
		return nil
	}
	bound := func(op, name string, fn func(string) (string, bool)) colPred {
		f := &expr.Func{Name: name, Args: []expr.Expr{pattern}, Result: types.Text, Strict: true,
			Fn: func(_ *expr.Context, args []types.Datum) (types.Datum, error) {
				s, ok := fn(args[0].(string))
				if !ok {
					return nil, nil
				}
				return s, nil
			}}
		return colPred{col: c.Idx, op: op, vals: []expr.Expr{f}, implied: true, like: true}
	}
	lower := func(p string) (string, bool) {
		prefix, _, ok := likePrefix(p, fold)
		if !ok {
			return "", true // not UTF-8: the whole index, for the filter
		}
		return prefix, true
	}
	upper := func(p string) (string, bool) {
		prefix, rest, ok := likePrefix(p, fold)
		switch {
		case !ok:
			return "", false
		case rest == "":
			// A pattern without wildcards matches its prefix alone:
			// the least string above it ends the range (no text
			// holds a NUL, but keys order one as any character).
			return prefix + "\x00", true
		}
		return prefixSuccessor(prefix)
	}
	return []colPred{bound(">=", "like_prefix", lower), bound("<", "like_prefix_successor", upper)}
}
