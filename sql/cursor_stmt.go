package sql

import (
	"context"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Cursor options of DeclareCursorStmt (PostgreSQL's CURSOR_OPT_*).
const (
	cursorBinary   = 0x01
	cursorScroll   = 0x02
	cursorNoScroll = 0x04
	cursorHold     = 0x20
)

// declarePlan is DECLARE name CURSOR FOR query.
type declarePlan struct {
	name  string
	opts  int32
	sql   string
	query *queryPlan
	cols  []Column
}

// planDeclare plans the cursor's query with the statement's planner, so
// that parameters, AS OF clauses and system columns work as in a plain
// SELECT.
func (pl *planner) planDeclare(p *Prepared, n *pg_query.DeclareCursorStmt) (plan, error) {
	if n.Options&cursorScroll != 0 && n.Options&cursorNoScroll != 0 {
		return nil, pgerror.New(pgcode.InvalidCursorDefinition, "cannot specify both SCROLL and NO SCROLL")
	}
	sel := n.Query.GetSelectStmt()
	if sel == nil {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "DECLARE CURSOR is only supported for SELECT")
	}
	if w := sel.WithClause; w != nil {
		for _, c := range w.Ctes {
			if cte := c.GetCommonTableExpr(); cte != nil && cte.Ctequery.GetSelectStmt() == nil {
				return nil, pgerror.New(pgcode.FeatureNotSupported, "DECLARE CURSOR must not contain data-modifying statements in WITH")
			}
		}
	}
	if len(sel.LockingClause) > 0 {
		switch {
		case n.Options&cursorHold != 0:
			return nil, pgerror.New(pgcode.FeatureNotSupported, "DECLARE CURSOR WITH HOLD ... FOR UPDATE is not supported").
				WithDetail("Holdable cursors must be READ ONLY.")
		case n.Options&cursorScroll != 0:
			return nil, pgerror.New(pgcode.FeatureNotSupported, "DECLARE SCROLL CURSOR ... FOR UPDATE is not supported").
				WithDetail("Scrollable cursors must be READ ONLY.")
		}
	}
	inner := &Prepared{SQL: p.SQL, stmt: parser.Statement{AST: n.Query, SQL: p.SQL, Full: p.stmt.Full}}
	if sel.Op == pg_query.SetOperation_SETOP_NONE && n.Options&(cursorScroll|cursorHold) == 0 {
		pl.trackCursor = sel
	}
	if err := pl.s.planSelect(inner, pl, sel); err != nil {
		return nil, err
	}
	qp, ok := inner.plan.(*queryPlan)
	if !ok {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "DECLARE CURSOR is only supported for SELECT")
	}
	return &declarePlan{name: n.Portalname, opts: n.Options, sql: p.stmt.Full, query: qp, cols: inner.Columns}, nil
}

func (d *declarePlan) run(s *Session, ec *expr.Context) (Result, error) {
	hold := d.opts&cursorHold != 0
	if !hold && !s.inTransactionBlock() {
		return nil, pgerror.New(pgcode.NoActiveSQLTransaction, "DECLARE CURSOR can only be used in transaction blocks")
	}
	if err := s.checkCursorName(d.name); err != nil {
		return nil, err
	}
	txn, err := s.storage()
	if err != nil {
		return nil, err
	}
	// The query reads the transaction as it is now, whatever it writes
	// before the cursor is read.
	x := s.statementCtx(ec, txn.Frozen())
	it, err := d.query.root.open(x)
	if err != nil {
		return nil, err
	}
	c := newCursor(d.name, d.sql, d.cols, &queryResult{x: x, it: it, tag: "SELECT"}, newMemBudget(s.workMem()))
	c.scroll = d.opts&cursorScroll != 0
	c.hold = hold
	c.binary = d.opts&cursorBinary != 0
	c.created = ec.StatementTime
	c.inTxn, c.sub = true, len(s.txn.savepoints)
	s.addCursor(c)
	return &tagResult{tag: "DECLARE CURSOR"}, nil
}

// inTransactionBlock reports whether statements run in a transaction
// block: an explicit one, or the implicit block of a Query message of
// several statements (PostgreSQL's IsTransactionBlock).
func (s *Session) inTransactionBlock() bool {
	return s.txn.state == txnExplicit || (s.txn.state == txnImplicit && s.multiStmt)
}

// fetchPlan is FETCH and MOVE.
type fetchPlan struct {
	p *Prepared
	n *pg_query.FetchStmt
}

// planFetch describes FETCH's result by the cursor's columns when the
// cursor exists at planning; a missing cursor is an error when the
// statement runs, as in PostgreSQL.
func (s *Session) planFetch(p *Prepared, n *pg_query.FetchStmt) plan {
	if !n.Ismove {
		if c, ok := s.cursors[n.Portalname]; ok {
			p.Columns, p.binary = c.cols, c.binary
		}
	}
	return &fetchPlan{p: p, n: n}
}

func (f *fetchPlan) run(s *Session, ec *expr.Context) (Result, error) {
	c, err := s.cursor(f.n.Portalname)
	if err != nil {
		return nil, err
	}
	if !f.n.Ismove {
		if f.p.Columns != nil && !sameColumns(f.p.Columns, c.cols) {
			return nil, pgerror.New(pgcode.FeatureNotSupported, "cached plan must not change result type")
		}
		// A statement prepared before its cursor was declared learns
		// its columns now (the simple protocol describes rows after
		// running the statement).
		f.p.Columns, f.p.binary = c.cols, c.binary
	}
	out, err := c.fetch(ec.Ctx, f.n.Direction, f.n.HowMany, f.n.Ismove)
	if err != nil {
		s.dropCursor(c)
		return nil, err
	}
	if f.n.Ismove {
		n := out.moved
		if out.sel != nil {
			for {
				row, err := out.sel.next(ec.Ctx)
				if err != nil {
					s.dropCursor(c)
					return nil, err
				}
				if row == nil {
					break
				}
			}
			n = out.sel.n
		}
		return &tagResult{tag: "MOVE " + itoa64(n)}, nil
	}
	return &fetchResult{s: s, c: c, sel: out.sel, tag: "FETCH"}, nil
}

// fetchResult streams the rows of a FETCH from its cursor.
type fetchResult struct {
	s   *Session
	c   *cursor
	sel *selection
	tag string
}

func (r *fetchResult) Next(ctx context.Context) ([]types.Datum, error) {
	row, err := r.sel.next(ctx)
	if err != nil {
		// As a failed portal in PostgreSQL, the cursor cannot be used
		// again.
		r.s.dropCursor(r.c)
	}
	return row, err
}

func (r *fetchResult) Tag() string { return r.tag + " " + itoa64(r.sel.n) }

// Close finishes the run if the client stopped reading: PostgreSQL runs
// a FETCH to its end before sending rows, so the cursor moves as far.
func (r *fetchResult) Close() {
	for !r.sel.done {
		if row, err := r.sel.next(context.Background()); err != nil || row == nil {
			if err != nil {
				r.s.dropCursor(r.c)
			}
			return
		}
	}
}

// closePlan is CLOSE name and CLOSE ALL.
type closePlan struct {
	name string // "" for ALL
}

func (p *closePlan) run(s *Session, _ *expr.Context) (Result, error) {
	if p.name == "" {
		s.closeAllCursors()
		if s.Wire != nil {
			s.Wire.DropPortals()
		}
		return &tagResult{tag: "CLOSE CURSOR ALL"}, nil
	}
	if c, ok := s.cursors[p.name]; ok {
		s.dropCursor(c)
	} else if s.Wire == nil || !s.Wire.DropPortal(p.name) {
		return nil, errNoCursor(p.name)
	}
	return &tagResult{tag: "CLOSE CURSOR"}, nil
}

func errNoCursor(name string) error {
	return pgerror.Newf(pgcode.InvalidCursorName, "cursor \"%s\" does not exist", name)
}
