package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
)

// planner turns one statement's parse tree into a plan. It reads the
// catalog in the session's transaction (a statement sees its own
// transaction's DDL).
type planner struct {
	s      *Session
	txn    *engine.Txn
	params *expr.ParamTypes
	// ctes are the WITH queries visible where planning is, innermost
	// first.
	ctes *cteScope
	// depth counts the views being expanded, to stop a view that
	// (through others) reads itself.
	depth int
	// writers, fkRefs and allDescs are what a data-changing statement
	// resolved of the tables it writes (dml_writer.go, fk.go).
	writers  map[uint32]*tableWriter
	fkRefs   map[string]*fkRef
	allDescs []*catalog.Descriptor
}

// level is one query of a statement: the statement itself or a subquery.
// A subquery that reads a column of an enclosing level is correlated and
// runs again for every row of that level; one that does not runs once.
type level struct {
	parent     *level
	correlated bool
}

// builder returns an expression builder over a scope, for a clause of a
// query. Subqueries are allowed everywhere; aggregates and window
// functions only where the query planner hooks them in.
func (pl *planner) builder(sc *scope, clause string) *expr.Builder {
	b := &expr.Builder{Params: pl.params, Session: pl.s, Scope: sc, Clause: clause}
	b.SubLink = func(n *pg_query.SubLink) (expr.Expr, error) { return pl.subLink(b, sc, n) }
	b.Special = func(f *pg_query.FuncCall, name string) (expr.Expr, error) { return pl.specialFunc(b, f, name) }
	return b
}
