package sql

import (
	"context"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Partial indexes, as PostgreSQL 15's: CREATE [UNIQUE] INDEX ... WHERE
// predicate indexes the rows the predicate is true of, and a unique one
// enforces uniqueness among those rows alone (the soft-delete pattern:
// UNIQUE (email) WHERE deleted_at IS NULL). The descriptor keeps the
// predicate's SQL text (IndexDesc.Predicate), as it keeps a CHECK's; the
// engine keeps the entries of the rows its layout's Include accepts
// (engine/partial.go), and every layout the SQL layer writes through
// gets that from writeLayout. A query may read the index only when its
// WHERE implies the predicate (index_implied.go); ON CONFLICT infers a
// partial unique index only from a WHERE that implies its predicate
// (dml_onconflict.go).

// predicateClause names an index predicate in the errors of the
// expressions it may not hold, as PostgreSQL's EXPR_KIND_INDEX_PREDICATE.
const predicateClause = "index predicates"

// indexPredicateText checks a CREATE INDEX's WHERE against its table as
// PostgreSQL's transformIndexStmt and CheckPredicate do and returns its
// SQL text: boolean, over the table's columns alone, with no subquery,
// aggregate, window or set-returning function, and nothing that is not
// immutable.
func (x *execCtx) indexPredicateText(d *catalog.Descriptor, n *pg_query.Node) (string, error) {
	pl := &planner{s: x.sess, txn: x.txn, params: &expr.ParamTypes{NoParams: true}}
	b := pl.predicateBuilder(d)
	// User functions are resolved only to give PostgreSQL's error for
	// one that is not IMMUTABLE: a predicate keeps no binding
	// (table_funcs.go), so it may call none.
	calls := map[int32]uint32{}
	immutable, err := x.hookImmutableUserCalls(b, n, calls) // table_funcs_immutable.go
	if err != nil {
		return "", err
	}
	e, err := b.BuildAs(n, types.Bool, "WHERE")
	if err != nil {
		if pgerror.HasCode(err, pgcode.UndefinedColumn) {
			if sys := predicateSystemColumn(d.Table, n); sys != nil {
				return "", sys
			}
		}
		return "", err
	}
	if isMutableBut(e, immutable) {
		return "", pgerror.New(pgcode.InvalidObjectDefinition, "functions in index predicate must be marked IMMUTABLE")
	}
	if len(calls) > 0 {
		return "", pgerror.New(pgcode.FeatureNotSupported, "user-defined functions in index predicates are not supported").
			WithHint("Write the predicate with built-in functions, or index the function's value as an index expression.")
	}
	return x.storedExprText(n)
}

// predicateBuilder is the expression builder of an index predicate over
// table d's row, or of ON CONFLICT's inference WHERE (PostgreSQL's
// EXPR_KIND_INDEX_PREDICATE for both).
func (pl *planner) predicateBuilder(d *catalog.Descriptor) *expr.Builder {
	return pl.storedExprBuilder(d, predicateClause, "index predicate")
}

// storedExprBuilder is the expression builder of an expression stored
// with table d and computed over its row (an index predicate or key, a
// generation expression): no parameters, no subquery (refused as "cannot
// use subquery in <what>"), no set-returning function. clause names the
// expressions in other errors ("aggregate functions are not allowed in
// index expressions").
func (pl *planner) storedExprBuilder(d *catalog.Descriptor, clause, what string) *expr.Builder {
	b := &expr.Builder{Params: &expr.ParamTypes{NoParams: true}, Session: pl.s,
		Scope: newScope(tableColumns(d, d.Name), &level{}, nil), Clause: clause, Extension: extensionHook(pl.txn), UserType: userTypeHook(pl.txn, pl.s)}
	b.SubLink = func(s *pg_query.SubLink) (expr.Expr, error) {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "cannot use subquery in "+what).WithPosition(int(s.Location) + 1)
	}
	b.Special = func(f *pg_query.FuncCall, name string) (expr.Expr, error) {
		if isSetReturning(name) {
			return nil, errSRFNotAllowed(f, clause)
		}
		return pl.specialFunc(b, f, name)
	}
	return b
}

// predicateSystemColumn is the error of a predicate that names a system
// column (or the hidden row id), nil if it names none: PostgreSQL's
// "index creation on system columns is not supported".
func predicateSystemColumn(t *catalog.TableDesc, n *pg_query.Node) error {
	var out error
	walk(n, func(m *pg_query.Node) bool {
		if cr := m.GetColumnRef(); cr != nil {
			name := lastFieldName(cr)
			if c := t.ColumnByName(name); c == nil && (pgSystemColumns[name] || name == tableOIDColumn) || c != nil && c.Hidden {
				out = pgerror.New(pgcode.FeatureNotSupported, "index creation on system columns is not supported")
			}
		}
		return out == nil
	})
	return out
}

// buildIndexPredicate builds index ix's stored predicate over the
// table's row (every column in row-encoding order, as a scan outputs
// it), its literals read with the settings of the index's creator; the
// session to evaluate it in comes with it. txn is the statement's
// transaction.
func buildIndexPredicate(s *Session, txn *engine.Txn, d *catalog.Descriptor, ix *catalog.IndexDesc) (expr.Expr, expr.Session, error) {
	n, err := parser.ParseExpr(ix.Predicate)
	if err != nil {
		return nil, nil, pgerror.Newf(pgcode.DataCorrupted, "index predicate of \"%s\": stored expression does not parse", d.Name)
	}
	es := withSettings(s, ix.PredicateSettings)
	// The extensions it calls are looked up in txn, the statement's.
	b := &expr.Builder{Params: &expr.ParamTypes{NoParams: true}, Session: es,
		Scope: newScope(tableColumns(d, d.Name), &level{}, nil), Clause: predicateClause, Extension: extensionHook(txn), UserType: userTypeHook(txn, s)}
	e, err := b.BuildAs(n, types.Bool, "WHERE")
	return e, es, err
}

// writeLayout is catalog.Layout for a write: each partial index gets the
// Include that evaluates its predicate. Every layout rows or index
// entries are written through must come from here (the engine refuses a
// write to a partial index without it). A table with no partial index
// writes through the cached layout when d is a cached descriptor.
func writeLayout(s *Session, txn *engine.Txn, d *catalog.Descriptor) (*engine.Layout, error) {
	if l := s.db.cachedLayout(d); l != nil && !hasPartialIndex(l) {
		return l, nil
	}
	l := catalog.Layout(d)
	if err := attachPredicates(s, txn, d, l); err != nil {
		return nil, err
	}
	return l, nil
}

// hasPartialIndex reports whether one of l's indexes has a predicate.
func hasPartialIndex(l *engine.Layout) bool {
	for i := range l.Indexes {
		if l.Indexes[i].Partial {
			return true
		}
	}
	return false
}

// attachPredicates sets the Include of l's partial indexes (l is d's
// layout).
func attachPredicates(s *Session, txn *engine.Txn, d *catalog.Descriptor, l *engine.Layout) error {
	for i, ix := range d.Table.AllIndexes() {
		if ix.Predicate == "" {
			continue
		}
		e, es, err := buildIndexPredicate(s, txn, d, ix)
		if err != nil {
			return err
		}
		l.Indexes[i].Include = includeBy(es, e)
	}
	return nil
}

// includeBy evaluates a predicate for the engine: a row is in the index
// when the predicate is true (NULL is not). The predicate is immutable,
// so it needs neither the statement's times nor its parameters; each
// call has its own context, so one layout may serve nested statements.
func includeBy(s expr.Session, e expr.Expr) func(row []types.Datum) (bool, error) {
	return func(row []types.Datum) (bool, error) {
		ec := &expr.Context{Ctx: context.Background(), Session: s, Row: row}
		v, err := e.Eval(ec)
		if err != nil {
			return false, err
		}
		return v == true, nil
	}
}
