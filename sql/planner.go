package sql

import (
	"context"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// planner turns one statement's parse tree into a plan. It reads the
// catalog in the session's transaction (a statement sees its own
// transaction's DDL).
type planner struct {
	s      *Session
	txn    *engine.Txn
	params *expr.ParamTypes
	// travel are the statement's AS OF clauses by the location of the
	// table reference they follow (timetravel.go).
	travel     map[int32]*parser.TimeTravel
	travelUsed map[int32]bool
	travelErr  error
	// viewPoint is the AS OF of the view being expanded, which the
	// relations its query reads without one of their own inherit
	// (view_asof.go); nil when the view is read in the present.
	viewPoint *travelPoint
	// sysCols adds _tx and _ts to the scans of a query that names them.
	sysCols bool
	// ctes are the WITH queries visible where planning is, innermost
	// first.
	ctes *cteScope
	// depth counts the views being expanded, to stop a view that
	// (through others) reads itself.
	depth int
	// keepUnknown asks the next query planned (a set operation's
	// branch) to leave its untyped literals untyped.
	keepUnknown bool
	// writers, fkRefs and referencing are what a data-changing
	// statement resolved of the tables it writes (dml_writer.go, fk.go,
	// fk_referencing.go).
	writers     map[uint32]*tableWriter
	fkRefs      map[string]*fkRef
	referencing *fkReferencing
	// needs are the privileges the statement needs (privileges.go).
	needs []privNeed
	// changeTarget is the target of the UPDATE or DELETE being planned,
	// as its source reads it (privileges_columns.go).
	changeTarget *pg_query.RangeVar
	// scansTables is set when the statement plans a scan of a table, so
	// that an INSERT knows whether it reads what it writes.
	scansTables bool
	// par is the statement's parallelism (parallel.go), once asked.
	par *parallelism
	// rangeDescs and lockSubqueries serve the locking clauses of a
	// SELECT ... FOR UPDATE (select_lock.go).
	rangeDescs     map[*pg_query.RangeVar]rangeDesc
	lockSubqueries map[*pg_query.RangeSubselect]lockSpec
	// trackCursor is the query of a DECLARE CURSOR, whose current row
	// WHERE CURRENT OF may ask for (select_lock.go).
	trackCursor *pg_query.SelectStmt
	// describeOnly is set when the plan is not run (a view's query, or
	// EXPLAIN without ANALYZE): an unpopulated materialized view may be
	// planned then, as PostgreSQL checks only when it scans one.
	describeOnly bool
	// topWith is the statement's own WITH clause, the only one that may
	// hold data-modifying queries (cte_dml.go).
	topWith *pg_query.WithClause
	// fnParams, while a SQL function's body is planned, are its
	// arguments, which names no column has stand for
	// (function_body.go).
	fnParams *funcParams
	// userSets are the calls of set-returning user functions built so
	// far, which FROM runs as row sources (function_set_user.go).
	userSets map[*expr.Func]*funcBody
	// bound, while a view's stored query is planned, are the user
	// functions it was bound to, the only ones its calls may resolve to;
	// calls, when set, records the function each call of the query
	// being planned resolves to, by location (view_funcs.go).
	bound *funcBinding
	calls map[int32]uint32
	// explicitStars, while a view's query is planned to be stored,
	// writes its * items out as the columns they expand to
	// (select_storedstars.go).
	explicitStars bool
	// columnRefs, when set, collects the references the query makes to
	// one relation's columns (view_column_rename.go); neither it nor
	// explicitStars reaches the views the query reads (planView).
	columnRefs *columnRefLog
}

// level is one query of a statement: the statement itself or a subquery.
// A subquery that reads a column of an enclosing level is correlated and
// runs again for every row of that level; one that does not runs once.
type level struct {
	parent     *level
	correlated bool
	// rels are the names of the FROM items planned so far at this level
	// (aliases and the names of the tables they alias): a qualified
	// reference to one of them where it is not visible is an "invalid
	// reference", to any other name a "missing FROM-clause entry".
	rels map[string]bool
}

// addRel records the names of a FROM item.
func (lv *level) addRel(names ...string) {
	if lv.rels == nil {
		lv.rels = map[string]bool{}
	}
	for _, n := range names {
		lv.rels[n] = true
	}
}

// checkReg looks up the name a reg* literal gives while the statement is
// planned, for PostgreSQL's error at the literal ('nope'::regclass).
func (pl *planner) checkReg(t *types.T, name string) error {
	ec := &expr.Context{Ctx: context.Background(), Session: pl.s, Catalog: regCatalog{}}
	ec.Exec = &execCtx{ctx: ec.Ctx, sess: pl.s, txn: pl.txn, ec: ec}
	_, err := regCatalog{}.RegIn(ec, t, name)
	return err
}

// builder returns an expression builder over a scope, for a clause of a
// query. Subqueries are allowed everywhere; aggregates and window
// functions only where the query planner hooks them in.
func (pl *planner) builder(sc *scope, clause string) *expr.Builder {
	b := &expr.Builder{Params: pl.params, Session: pl.s, Scope: sc, Clause: clause, Extension: extensionHook(pl.txn), UserType: userTypeHook(pl.txn, pl.s),
		UserFuncs: pl.userFuncs(), UserCalled: pl.noteUserCall}
	if pl.fnParams != nil {
		b.ParamName = pl.fnParams.resolve
	}
	if sc != nil && sc.clause == "" {
		sc.clause = clause
	}
	b.SubLink = func(n *pg_query.SubLink) (expr.Expr, error) { return pl.subLink(b, sc, n) }
	if pl.txn != nil {
		b.CheckReg = pl.checkReg
	}
	if sc != nil {
		// Aggregates are refused here, unless they belong to an
		// enclosing grouped query (they read only its columns).
		b.Aggregate = func(f *pg_query.FuncCall, name string) (expr.Expr, error) {
			if d := aggLevel(f, sc); d > 0 {
				return outerAggregate(sc, f, name, d)
			}
			where := b.Clause
			if where == "" {
				where = "this context"
			}
			return nil, pgerror.Newf(pgcode.GroupingError, "aggregate functions are not allowed in %s", where).WithPosition(int(f.Location) + 1)
		}
	}
	b.Special = func(f *pg_query.FuncCall, name string) (expr.Expr, error) {
		if isSetReturning(name) {
			return nil, errSRFNotAllowed(f, b.Clause)
		}
		if _, ok := windowFuncs[name]; ok {
			return nil, pgerror.Newf(pgcode.WrongObjectType, "window function %s requires an OVER clause", name).WithPosition(int(f.Location) + 1)
		}
		return pl.specialFunc(b, f, name)
	}
	return b
}
