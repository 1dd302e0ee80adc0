package sql

import (
	"context"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// A parallel scan's workers filter the rows they read when the plan
// allows it (scanNode.workersFilter, workerSafe): each decodes the
// columns the filter reads, evaluates it in a Context of its own, and
// decodes and passes on only the rows it keeps. Filtering is then done
// on every CPU, and the statement's goroutine gets the kept rows alone.

// workerFilter is one worker's evaluation of the scan's filter.
type workerFilter struct {
	ctx    context.Context
	filter expr.Expr
	ec     expr.Context
}

// newWorkerFilter returns a worker's evaluation of filter, copied from
// the statement's Context on the statement's goroutine (open): the
// parameters and the statement's times; its own argument stack; no
// outer rows, executor or catalog, and of the session only the text
// format settings (workerSafe admits nothing that reads more).
func newWorkerFilter(x *execCtx, filter expr.Expr) *workerFilter {
	f := &workerFilter{ctx: x.ctx, filter: filter, ec: *x.ec}
	f.ec.Row, f.ec.Outer, f.ec.Exec, f.ec.Catalog = nil, nil, nil, nil
	f.ec.Args = &expr.ArgStack{}
	if x.ec.Session != nil {
		f.ec.Session = &workerSession{fs: *x.ec.Session.FormatSettings()}
	}
	return f
}

// keep applies the filter to a row: as execCtx.evalBool does.
func (f *workerFilter) keep(row []types.Datum) (bool, error) {
	f.ec.Row = row
	v, err := f.filter.Eval(&f.ec)
	f.ec.Row = nil
	if err != nil {
		return false, evalError(f.ctx, err)
	}
	return v != nil && v.(bool), nil
}

// workerSession is the session as a worker's filter sees it: the text
// format settings of when the scan opened. No filter workerSafe admits
// reads anything else of it; should that ever change, the rest fails
// (User, Database and BackendPID panic, which the worker turns into the
// statement's XX000) rather than read the session from another
// goroutine or answer wrongly.
type workerSession struct {
	fs types.FormatSettings
}

func (w *workerSession) FormatSettings() *types.FormatSettings { return &w.fs }

func (w *workerSession) Setting(string) (string, error) { return "", errWorkerSession() }

func (w *workerSession) SetSetting(string, string, bool) error { return errWorkerSession() }

func (w *workerSession) User() string { panic(errWorkerSession()) }

func (w *workerSession) SessionUser() string { panic(errWorkerSession()) }

func (w *workerSession) Database() string { panic(errWorkerSession()) }

func (w *workerSession) BackendPID() int32 { panic(errWorkerSession()) }

func errWorkerSession() error {
	return pgerror.New(pgcode.Internal, "a parallel scan's worker read the session")
}
