package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
)

// EXPLAIN of CREATE TABLE ... AS, SELECT ... INTO and CREATE MATERIALIZED
// VIEW prints the plan of the query, as PostgreSQL does. Plain EXPLAIN
// creates nothing (so it needs no CREATE privilege); EXPLAIN ANALYZE
// creates the relation and fills it. A relation that exists already is
// an error, or with IF NOT EXISTS a notice and no plan at all: PostgreSQL
// checks before planning, so that nothing is run for a statement that
// would be skipped.

// explainedCreateAs is the CREATE ... AS an EXPLAIN plans.
type explainedCreateAs struct {
	n       *pg_query.CreateTableAsStmt
	sel     *pg_query.SelectStmt
	stmt    string
	matview bool
	travel  map[int32]*parser.TimeTravel
}

// planExplainCreateAs plans EXPLAIN's CREATE ... AS: its query is the
// plan's root.
func (pl *planner) planExplainCreateAs(ep *explainPlan, inner *Prepared, n *pg_query.CreateTableAsStmt) error {
	stmt, matview, sel, err := checkCreateAs(n)
	if err != nil {
		return err
	}
	if err := pl.s.planSelect(inner, pl, sel); err != nil {
		return err
	}
	if ep.analyze {
		pl.ddlNeeds(&pg_query.Node{Node: &pg_query.Node_CreateTableAsStmt{CreateTableAsStmt: n}})
	}
	ep.root = inner.plan.(*queryPlan).root
	ep.createAs = &explainedCreateAs{n: n, sel: sel, stmt: stmt, matview: matview, travel: pl.takeTimeTravel(n.Query)}
	return nil
}

// skipped reports whether the relation exists already (an error unless
// IF NOT EXISTS), in which case EXPLAIN prints nothing.
func (c *explainedCreateAs) skipped(s *Session, ec *expr.Context) (bool, error) {
	x, err := s.newExecCtx(ec)
	if err != nil {
		return false, err
	}
	_, exists, err := x.createAsExists(c.n)
	return exists, err
}

// run creates and fills the relation from root, EXPLAIN ANALYZE's
// instrumented plan of the query, as the statement itself would.
func (c *explainedCreateAs) run(s *Session, ec *expr.Context, root planNode) error {
	p := &countedDDLPlan{stmt: c.stmt, fn: func(x *execCtx) (string, error) {
		return x.createAs(c.n, c.sel, c.matview, c.stmt, nil, c.travel, root)
	}}
	res, err := p.run(s, ec)
	if err != nil {
		return err
	}
	res.Close()
	return nil
}
