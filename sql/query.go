package sql

import (
	"context"

	"github.com/stela-db/stela/engine"
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
	x := s.statementCtx(ec, txn)
	ec.Catalog = regCatalog{}
	return x, nil
}

// statementCtx is the execution context of one statement over txn, with
// its own memory budget (kept in the context: one allocation for both),
// set as ec's.
func (s *Session) statementCtx(ec *expr.Context, txn *engine.Txn) *execCtx {
	x := &execCtx{ctx: ec.Ctx, sess: s, txn: txn, ec: ec, budget: memBudget{limit: s.workMem()}, subPlans: s.analyzeSubPlans}
	x.mem = &x.budget
	ec.Exec = x
	return x
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
	if r.tag == "SELECT" {
		return selectTags.tag(r.n)
	}
	return r.tag + " " + itoa64(r.n)
}

func (r *queryResult) Close() {
	if !r.closed {
		r.closed = true
		r.it.close()
		r.x.releaseReads()
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
