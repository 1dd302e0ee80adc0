package sql

import (
	"fmt"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// SQL-level prepared statements: PREPARE, EXECUTE, DEALLOCATE. As in
// PostgreSQL they share one name space with the statements of the
// protocol's Parse (Session.Wire), they are not transactional (a PREPARE
// survives the ROLLBACK of its transaction), and a plan is made again
// when the catalog changed (Session.Execute).

// PreparedStatement returns a statement made by SQL PREPARE.
func (s *Session) PreparedStatement(name string) (*Prepared, bool) {
	p, ok := s.stmts[name]
	return p, ok
}

// HasPreparedStatement reports whether SQL PREPARE made a statement of
// that name.
func (s *Session) HasPreparedStatement(name string) bool {
	_, ok := s.stmts[name]
	return ok
}

// DropPreparedStatement drops a statement made by SQL PREPARE (the
// protocol's Close of a statement).
func (s *Session) DropPreparedStatement(name string) { delete(s.stmts, name) }

// namedStatement finds a prepared statement of either kind; 26000 when
// there is none.
func (s *Session) namedStatement(name string) (*Prepared, error) {
	if p, ok := s.stmts[name]; ok {
		return p, nil
	}
	if s.Wire != nil {
		if p, ok := s.Wire.Statement(name); ok {
			return p, nil
		}
	}
	return nil, pgerror.Newf(pgcode.InvalidSQLStatementName, "prepared statement \"%s\" does not exist", name)
}

// preparePlan is PREPARE name [(types)] AS statement. The statement is
// planned when PREPARE runs, as in PostgreSQL.
type preparePlan struct {
	name  string
	oids  []uint32
	inner parser.Statement
}

func (s *Session) planPrepare(p *Prepared, n *pg_query.PrepareStmt) (plan, error) {
	oids := make([]uint32, len(n.Argtypes))
	var user expr.TypeResolver
	if len(n.Argtypes) > 0 {
		txn, err := s.storage()
		if err != nil {
			return nil, err
		}
		user = userTypeHook(txn, s)
	}
	for i, a := range n.Argtypes {
		t, err := expr.TypeFromNameIn(a.GetTypeName(), user)
		if err != nil {
			return nil, err
		}
		oids[i] = t.Oid
	}
	inner := p.stmt
	inner.AST = n.Query
	return &preparePlan{name: n.Name, oids: oids, inner: inner}, nil
}

func (pp *preparePlan) run(s *Session, ec *expr.Context) (Result, error) {
	if _, err := s.namedStatement(pp.name); err == nil {
		return nil, pgerror.Newf(pgcode.DuplicatePreparedStatement, "prepared statement \"%s\" already exists", pp.name)
	}
	p, err := s.prepare(pp.inner, pp.oids, false)
	if err != nil {
		return nil, err
	}
	p.prepareTime = ec.StatementTime
	if s.stmts == nil {
		s.stmts = map[string]*Prepared{}
	}
	s.stmts[pp.name] = p
	return &tagResult{tag: "PREPARE"}, nil
}

// executePlan is EXECUTE name [(parameters)]: the statement's rows and
// tag, its parameters evaluated and coerced to the statement's
// parameter types.
type executePlan struct {
	name   string
	p      *Prepared
	params []expr.Expr
}

func (pl *planner) planExecute(p *Prepared, n *pg_query.ExecuteStmt) (plan, error) {
	inner, err := pl.s.namedStatement(n.Name)
	if err != nil {
		return nil, err
	}
	if len(n.Params) != len(inner.ParamTypes) {
		return nil, pgerror.Newf(pgcode.Syntax, "wrong number of parameters for prepared statement \"%s\"", n.Name).
			WithDetail(fmt.Sprintf("Expected %d parameters but got %d.", len(inner.ParamTypes), len(n.Params)))
	}
	b := pl.builder(nil, "EXECUTE parameter")
	params := make([]expr.Expr, len(n.Params))
	for i, a := range n.Params {
		e, err := b.Build(a)
		if err != nil {
			return nil, err
		}
		want := inner.ParamTypes[i]
		if params[i], err = b.Assign(e, want, "", -1); err != nil {
			if pgerror.HasCode(err, pgcode.DatatypeMismatch) {
				err = pgerror.Newf(pgcode.DatatypeMismatch, "parameter $%d of type %s cannot be coerced to the expected type %s", i+1, e.Type(), want).
					WithHint("You will need to rewrite or cast the expression.")
			}
			return nil, err
		}
	}
	p.Columns = inner.Columns
	p.binary = inner.binary
	return &executePlan{name: n.Name, p: inner, params: params}, nil
}

func (ep *executePlan) run(s *Session, ec *expr.Context) (Result, error) {
	params, err := ep.values(s, ec)
	if err != nil {
		return nil, err
	}
	return s.Execute(ec.Ctx, ep.p, params)
}

// values evaluates the statement's parameters.
func (ep *executePlan) values(s *Session, ec *expr.Context) ([]types.Datum, error) {
	x, err := s.newExecCtx(ec)
	if err != nil {
		return nil, err
	}
	params := make([]types.Datum, len(ep.params))
	for i, e := range ep.params {
		if params[i], err = x.eval(e, nil); err != nil {
			return nil, err
		}
	}
	return params, nil
}

// deallocatePlan is DEALLOCATE [PREPARE] name | ALL.
type deallocatePlan struct {
	name string // "" for ALL
}

func (d *deallocatePlan) run(s *Session, _ *expr.Context) (Result, error) {
	if d.name == "" {
		s.deallocateAll()
		return &tagResult{tag: "DEALLOCATE ALL"}, nil
	}
	if _, ok := s.stmts[d.name]; ok {
		delete(s.stmts, d.name)
	} else if s.Wire == nil || !s.Wire.DropStatement(d.name) {
		return nil, pgerror.Newf(pgcode.InvalidSQLStatementName, "prepared statement \"%s\" does not exist", d.name)
	}
	return &tagResult{tag: "DEALLOCATE"}, nil
}

// deallocateAll drops every prepared statement, of SQL and of the
// protocol.
func (s *Session) deallocateAll() {
	s.stmts = nil
	if s.Wire != nil {
		s.Wire.DropStatements()
	}
}
