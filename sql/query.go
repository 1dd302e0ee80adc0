package sql

import (
	"context"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// queryPlan runs a plan tree and streams its rows (SELECT, VALUES).
type queryPlan struct {
	root planNode
	tag  string // "SELECT"
}

func (p *queryPlan) run(s *Session, ec *expr.Context) (Result, error) {
	x, err := s.newExecCtx(ec)
	if err != nil {
		return nil, err
	}
	it, err := p.root.open(x)
	if err != nil {
		return nil, err
	}
	return &queryResult{x: x, it: it, tag: p.tag}, nil
}

// newExecCtx prepares the execution of a statement in the session's
// transaction.
func (s *Session) newExecCtx(ec *expr.Context) (*execCtx, error) {
	txn, err := s.storage()
	if err != nil {
		return nil, err
	}
	x := &execCtx{ctx: ec.Ctx, sess: s, txn: txn, ec: ec, budget: memBudget{limit: s.workMem()}}
	x.mem = &x.budget
	ec.Exec = x
	ec.Catalog = regCatalog{}
	return x, nil
}

// queryResult pulls the rows of a running plan.
type queryResult struct {
	x      *execCtx
	it     rowIter
	tag    string
	n      int64
	closed bool
}

func (r *queryResult) Next(ctx context.Context) ([]types.Datum, error) {
	if r.closed {
		return nil, nil
	}
	r.x.ctx, r.x.ec.Ctx = ctx, ctx
	row, err := r.it.next()
	if err != nil {
		r.Close()
		return nil, evalError(ctx, err)
	}
	if row == nil {
		r.Close()
		return nil, nil
	}
	r.n++
	return row, nil
}

func (r *queryResult) Tag() string {
	if r.tag == "SELECT" && r.n < int64(len(smallSelectTags)) {
		return smallSelectTags[r.n]
	}
	return r.tag + " " + itoa64(r.n)
}

// smallSelectTags are the tags of queries that return few rows, made once:
// building the string was an allocation per point select.
var smallSelectTags = func() (tags [64]string) {
	for n := range tags {
		tags[n] = "SELECT " + itoa64(int64(n))
	}
	return tags
}()

func (r *queryResult) Close() {
	if !r.closed {
		r.closed = true
		r.it.close()
	}
}

// errNegative is the error of a negative LIMIT or OFFSET.
func errNegative(what string, offset bool) error {
	code := pgcode.InvalidRowCountInLimitClause
	if offset {
		code = pgcode.InvalidRowCountInResultOffsetClause
	}
	return pgerror.Newf(code, "%s must not be negative", what)
}

// evalError maps an evaluation that stopped because its context ended to
// 57014.
func evalError(ctx context.Context, err error) error {
	if err != nil && ctx != nil && ctx.Err() != nil {
		return CanceledError(ctx)
	}
	return err
}
