package sql

import (
	"context"

	"github.com/stela-db/stela/sql/types"
)

// tagResult is the Result of a statement that returns no rows.
type tagResult struct{ tag string }

func (r *tagResult) Next(context.Context) ([]types.Datum, error) { return nil, nil }
func (r *tagResult) Tag() string                                 { return r.tag }
func (r *tagResult) Close()                                      {}

// rowsResult is a Result over rows computed up front; its tag counts them
// ("SELECT n", "SHOW").
type rowsResult struct {
	rows   [][]types.Datum
	i      int
	tag    string
	counts bool // append the row count to tag
}

func (r *rowsResult) Next(ctx context.Context) ([]types.Datum, error) {
	if r.i >= len(r.rows) {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, CanceledError(ctx)
	}
	row := r.rows[r.i]
	r.i++
	return row, nil
}

func (r *rowsResult) Tag() string {
	if r.counts {
		return r.tag + " " + itoa64(int64(r.i))
	}
	return r.tag
}

func (r *rowsResult) Close() {}
