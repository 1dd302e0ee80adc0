package sql

import (
	"strconv"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// A materialized view is a table whose rows are its query's result: it
// is created as a table with the query's columns, filled as INSERT ...
// SELECT would fill it, and keeps its query as a view does (View), so
// that REFRESH can run it again and the catalogs can print it. REFRESH
// gives the table new, empty storage (catalog.Truncate) and fills that,
// in one transaction: reads as of earlier transactions still see the
// rows of then. CREATE TABLE ... AS is the same without the query kept.

// countedDDLPlan is a DDL statement whose tag its run decides (CREATE
// ... AS answers SELECT n, or its own tag WITH NO DATA).
type countedDDLPlan struct {
	stmt string
	fn   func(x *execCtx) (string, error)
}

// run runs it as any DDL (ddlPlan), with what running its query needs:
// its reads released after, its errors as a query's.
func (p *countedDDLPlan) run(s *Session, ec *expr.Context) (Result, error) {
	tag := p.stmt
	ddl := &ddlPlan{tag: p.stmt, fn: func(x *execCtx) error {
		defer x.releaseReads()
		t, err := p.fn(x)
		if err != nil {
			return evalError(x.ctx, err)
		}
		tag = t
		return nil
	}}
	if _, err := ddl.run(s, ec); err != nil {
		return nil, err
	}
	return &tagResult{tag: tag}, nil
}

// planCreateAs plans CREATE MATERIALIZED VIEW, CREATE TABLE ... AS and
// SELECT ... INTO.
func (pl *planner) planCreateAs(n *pg_query.CreateTableAsStmt) (plan, error) {
	stmt, matview, sel, err := checkCreateAs(n)
	if err != nil {
		return nil, err
	}
	// The query's AS OF clauses go to the planners createAs makes; a
	// materialized view keeps them as a view does (view_timetravel.go).
	var travel map[int32]*parser.TimeTravel
	if !matview {
		travel = pl.takeTimeTravel(n.Query)
	} else if travel, err = pl.viewTimeTravel(n.Query); err != nil {
		return nil, err
	}
	var params []*types.T
	if n.IsSelectInto && !pl.params.NoParams {
		// PostgreSQL analyzes SELECT INTO as a top-level SELECT, so a
		// prepared one takes parameters, typed by the query (CREATE
		// TABLE AS takes none: "there is no parameter $1").
		describeOnly := pl.describeOnly
		pl.describeOnly = true
		_, err := pl.planQuery(sel, nil, &level{})
		pl.describeOnly = describeOnly
		if err != nil {
			return nil, err
		}
		if params, err = pl.params.Final(); err != nil {
			return nil, err
		}
	}
	return &countedDDLPlan{stmt: stmt, fn: func(x *execCtx) (string, error) {
		return x.createAs(n, sel, matview, stmt, params, travel, nil)
	}}, nil
}

// checkCreateAs refuses the forms of CREATE ... AS stela does not run and
// returns the statement's name (its tag), whether it makes a materialized
// view, and its query.
func checkCreateAs(n *pg_query.CreateTableAsStmt) (stmt string, matview bool, sel *pg_query.SelectStmt, err error) {
	matview = n.Objtype == pg_query.ObjectType_OBJECT_MATVIEW
	stmt = "CREATE TABLE AS"
	switch {
	case matview:
		stmt = "CREATE MATERIALIZED VIEW"
	case n.IsSelectInto:
		stmt = "SELECT INTO" // the parser's rewrite of SELECT ... INTO t
	}
	into := n.Into
	sel = n.Query.GetSelectStmt()
	switch {
	case sel == nil:
		err = pgerror.Newf(pgcode.FeatureNotSupported, "%s ... AS EXECUTE is not supported", stmt)
	case matview && hasDMLCTE(sel.WithClause):
		err = pgerror.New(pgcode.FeatureNotSupported, "materialized views must not use data-modifying statements in WITH")
	case hasDMLCTE(sel.WithClause):
		// PostgreSQL runs them; stela plans CREATE ... AS's query apart
		// from the statement (fillFromQuery), where they cannot run.
		err = pgerror.Newf(pgcode.FeatureNotSupported, "%s with data-modifying statements in WITH is not supported", stmt)
	case len(into.Options) > 0:
		err = pgerror.Newf(pgcode.FeatureNotSupported, "%s ... WITH (storage parameters) is not supported", stmt)
	case into.TableSpaceName != "":
		err = pgerror.New(pgcode.FeatureNotSupported, "tablespaces are not supported")
	case into.AccessMethod != "" && into.AccessMethod != "heap":
		err = pgerror.Newf(pgcode.FeatureNotSupported, "access method \"%s\" is not supported", into.AccessMethod)
	}
	return stmt, matview, sel, err
}

// createAsExists reports whether CREATE ... AS's relation exists already:
// an error unless IF NOT EXISTS, which notes it and skips the statement.
func (x *execCtx) createAsExists(n *pg_query.CreateTableAsStmt) (*catalog.Descriptor, bool, error) {
	schema, err := x.creationSchema(n.Into.Rel) // temp.go
	if err != nil {
		return nil, false, err
	}
	if err := checkOnCommit(schema, n.Into.OnCommit); err != nil {
		return nil, false, err
	}
	name := n.Into.Rel.Relname
	existing, err := catalog.LookupRelation(x.txn, schema.ID, name)
	switch {
	case err != nil:
		return nil, false, err
	case existing == nil:
		return schema, false, nil
	case n.IfNotExists:
		x.sess.notice("NOTICE", pgcode.DuplicateTable, "relation \""+name+"\" already exists, skipping")
		return schema, true, nil
	}
	return nil, false, pgerror.Newf(pgcode.DuplicateTable, "relation \"%s\" already exists", name)
}

// queryParams are the parameter types of CREATE ... AS's query: none
// but a prepared SELECT INTO's.
func queryParams(params []*types.T) *expr.ParamTypes {
	p := &expr.ParamTypes{NoParams: params == nil}
	for i, t := range params {
		p.Set(i+1, t)
	}
	return p
}

// createAs creates and fills CREATE ... AS's table; travel are its
// query's AS OF clauses. src, when not nil, is the query already planned
// (EXPLAIN ANALYZE's, counting its rows); else the query is planned here.
func (x *execCtx) createAs(n *pg_query.CreateTableAsStmt, sel *pg_query.SelectStmt, matview bool, stmt string, params []*types.T,
	travel map[int32]*parser.TimeTravel, src planNode) (string, error) {
	into := n.Into
	schema, exists, err := x.createAsExists(n)
	if err != nil || exists {
		return stmt, err
	}
	name := into.Rel.Relname
	// The query is planned to learn its columns; an unpopulated
	// materialized view it reads is refused only when it is run.
	pl := &planner{s: x.sess, txn: x.txn, params: queryParams(params), describeOnly: true, sysCols: selectWantsSystemColumns(sel),
		calls: map[int32]uint32{}, explicitStars: matview, travel: travel}
	node, err := pl.planQuery(sel, nil, &level{})
	if err != nil {
		return "", err
	}
	cols := node.cols()
	aliases := nodeStrings(into.ColNames)
	if len(aliases) > len(cols) {
		return "", pgerror.New(pgcode.Syntax, "too many column names were specified")
	}
	if err := x.newRowTypeNameFree(schema.ID, name); err != nil {
		return "", err
	}
	id, err := catalog.NewID(x.txn)
	if err != nil {
		return "", err
	}
	b := &tableBuilder{x: x, schema: schema, names: map[string]bool{},
		d: &catalog.Descriptor{Kind: catalog.KindTable, ID: id, Name: name, Schema: schema.ID, Owner: x.creator(),
			Table: &catalog.TableDesc{NextColumnID: 1, NextIndexID: 2}}}
	t := b.d.Table
	view := &catalog.ViewDesc{}
	for i, c := range cols {
		cname := c.name
		if i < len(aliases) {
			cname = aliases[i]
		}
		if t.ColumnByName(cname) != nil {
			return "", pgerror.Newf(pgcode.DuplicateColumn, "column \"%s\" specified more than once", cname)
		}
		if err := systemColumnConflict(cname); err != nil {
			return "", err
		}
		typ := c.typ
		if typ.Oid == types.Unknown.Oid {
			typ = types.Text // as PostgreSQL resolves an untyped literal column
		}
		if typ.Category == 'P' {
			return "", pgerror.Newf(pgcode.InvalidTableDefinition, "column \"%s\" has pseudo-type %s", cname, typ.Name)
		}
		col := catalog.ColumnDesc{ID: t.NextColumnID, Name: cname}
		col.SetType(typ)
		t.Columns = append(t.Columns, col)
		t.NextColumnID++
		vc := catalog.ViewColumn{Name: cname}
		vc.SetType(typ)
		view.Columns = append(view.Columns, vc)
	}
	if len(t.Columns) > 1600 {
		return "", pgerror.New(pgcode.TooManyColumns, "tables can have at most 1600 columns")
	}
	if err := b.finish(); err != nil {
		return "", err
	}
	if matview {
		q, err := x.qualifiedStored(&pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: sel}}, true, travel)
		if err != nil {
			return "", err
		}
		// The user functions it calls are bound (view_funcs.go).
		if err := x.bindUserCalls(q, pl.calls, view); err != nil {
			return "", err
		}
		if view.Query, err = x.deparseWithTimeTravel(q, travel); err != nil {
			return "", err
		}
		if view.DependsOn, err = x.relationsRead(q, travel); err != nil {
			return "", err
		}
		if temp, err := x.usesTempRelation(view.DependsOn); err != nil {
			return "", err
		} else if temp {
			return "", pgerror.New(pgcode.FeatureNotSupported, "materialized views must not use temporary tables or views")
		}
		b.d.View = view
		b.d.MatView = &catalog.MatViewDesc{Populated: !into.SkipData}
	}
	if err := catalog.Put(x.txn, b.d); err != nil {
		return "", err
	}
	x.noteOnCommit(id, into.OnCommit)
	if into.SkipData {
		return stmt, nil
	}
	count, err := x.fillFromQuery(b.d, sel, queryParams(params), travel, src)
	if err != nil {
		return "", err
	}
	return "SELECT " + strconv.FormatInt(count, 10), nil
}

// fillFromQuery inserts a query's rows into a table made for them (its
// visible columns are the query's, in order) and returns their count. The
// query, whose AS OF clauses are travel, is planned here unless src is
// its plan already.
func (x *execCtx) fillFromQuery(d *catalog.Descriptor, sel *pg_query.SelectStmt, params *expr.ParamTypes, travel map[int32]*parser.TimeTravel, src planNode) (int64, error) {
	pl := &planner{s: x.sess, txn: x.txn, params: params, sysCols: selectWantsSystemColumns(sel), travel: travel}
	if src == nil {
		var err error
		if src, err = pl.planQuery(sel, nil, &level{}); err != nil {
			return 0, err
		}
	}
	w, err := pl.writer(d)
	if err != nil {
		return 0, err
	}
	ip := &insertPlan{w: w, source: src, scans: true}
	for i, c := range w.cols {
		if !c.hidden {
			ip.targets = append(ip.targets, i)
		}
	}
	// The query's columns must still be the table's: a table it reads
	// may have changed since (stela refuses the changes that would make
	// them differ, as PostgreSQL does).
	qcols := src.cols()
	if len(qcols) != len(ip.targets) {
		return 0, pgerror.Newf(pgcode.InvalidTableDefinition, "query of \"%s\" returns %d columns, not the %d of its table", d.Name, len(qcols), len(ip.targets))
	}
	for i, c := range qcols {
		tc := w.cols[ip.targets[i]]
		if !storedTypeMatches(c.typ.Oid, tc.typ.Oid) { // view.go
			return 0, pgerror.Newf(pgcode.InvalidTableDefinition, "query of \"%s\" returns type %s for column \"%s\", not %s", d.Name, c.typ.Name, tc.name, tc.typ.Name)
		}
	}
	return ip.exec(x, src, func([]types.Datum) error { return nil })
}

// planRefresh plans REFRESH MATERIALIZED VIEW [CONCURRENTLY] ... [WITH
// [NO] DATA].
func (pl *planner) planRefresh(n *pg_query.RefreshMatViewStmt) (plan, error) {
	return &ddlPlan{tag: "REFRESH MATERIALIZED VIEW", fn: func(x *execCtx) error { return x.refresh(n) }}, nil
}

func (x *execCtx) refresh(n *pg_query.RefreshMatViewStmt) error {
	rv := n.Relation
	if err := refuseSystemCatalog(x.txn, x.sess.searchPath(), rv.Schemaname, rv.Relname); err != nil {
		return err
	}
	// Not relationFor: PostgreSQL's error for a missing one has no
	// position here.
	d, err := catalog.Relation(x.txn, rv.Schemaname, rv.Relname, x.sess.searchPath())
	if err != nil {
		return err
	}
	if d.Kind == catalog.KindTable {
		if err := x.mustOwn(d); err != nil {
			return err
		}
		// A copy of its own to change: the one resolved may be shared.
		if d, err = catalog.Get(x.txn, d.ID); err != nil {
			return err
		}
	}
	if !d.IsMatView() {
		if d.Kind == catalog.KindTable {
			return pgerror.Newf(pgcode.FeatureNotSupported, "\"%s\" is not a materialized view", d.Name)
		}
		return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a table or materialized view", d.Name)
	}
	if n.Concurrent {
		if !d.MatView.Populated {
			return pgerror.New(pgcode.FeatureNotSupported, "CONCURRENTLY cannot be used when the materialized view is not populated")
		}
		if n.SkipData {
			return pgerror.New(pgcode.Syntax, "CONCURRENTLY and WITH NO DATA options cannot be used together")
		}
		if !hasPlainUniqueIndex(d.Table) {
			s, err := catalog.Get(x.txn, d.Schema)
			if err != nil {
				return err
			}
			return pgerror.Newf(pgcode.ObjectNotInPrerequisiteState, "cannot refresh materialized view \"%s.%s\" concurrently", s.Name, d.Name).
				WithHint("Create a unique index with no WHERE clause on one or more columns of the materialized view.")
		}
		// PostgreSQL's CONCURRENTLY lets readers go on while it
		// refreshes; stela's readers never wait on writers, so a plain
		// refresh is the same for them.
	}
	// The stored query calls the functions it was bound to
	// (view_funcs.go) and reads as of its AS OF clauses.
	stmt, pl, err := x.storedViewPlanner(d)
	if err != nil {
		return err
	}
	d.MatView.Populated = !n.SkipData
	if err := catalog.Truncate(x.txn, d); err != nil {
		return err
	}
	if n.SkipData {
		return nil
	}
	pl.describeOnly = false
	sel := stmt.AST.GetSelectStmt()
	src, err := pl.planQuery(sel, nil, &level{})
	if err == nil {
		err = pl.checkTimeTravelUsed()
	}
	if err != nil {
		return err
	}
	_, err = x.fillFromQuery(d, sel, pl.params, nil, src)
	return err
}

// hasPlainUniqueIndex reports whether a table has a unique index that
// REFRESH ... CONCURRENTLY can match rows by: on columns, not
// expressions, and over every row.
func hasPlainUniqueIndex(t *catalog.TableDesc) bool {
	for _, ix := range t.Indexes {
		if !ix.Unique || ix.Predicate != "" {
			continue
		}
		plain := true
		for _, ic := range ix.Columns {
			if c := t.Column(ic.ColumnID); c == nil || c.IndexKey {
				plain = false
			}
		}
		if plain {
			return true
		}
	}
	return false
}

// matviewAlterable reports whether ALTER TABLE's subcommand may change a
// materialized view: those that change neither its columns nor its rows
// (PostgreSQL's ATSimplePermissions with ATT_MATVIEW).
func matviewAlterable(t pg_query.AlterTableType) bool {
	switch t {
	case pg_query.AlterTableType_AT_ChangeOwner, pg_query.AlterTableType_AT_SetStatistics,
		pg_query.AlterTableType_AT_SetOptions, pg_query.AlterTableType_AT_ResetOptions,
		pg_query.AlterTableType_AT_SetStorage, pg_query.AlterTableType_AT_SetCompression,
		pg_query.AlterTableType_AT_ClusterOn, pg_query.AlterTableType_AT_DropCluster,
		pg_query.AlterTableType_AT_SetTableSpace, pg_query.AlterTableType_AT_SetRelOptions,
		pg_query.AlterTableType_AT_ResetRelOptions, pg_query.AlterTableType_AT_SetAccessMethod:
		return true
	}
	return false
}

// errNotPopulated is the error of reading a materialized view created or
// refreshed WITH NO DATA.
func errNotPopulated(d *catalog.Descriptor) error {
	return pgerror.Newf(pgcode.ObjectNotInPrerequisiteState, "materialized view \"%s\" has not been populated", d.Name).
		WithHint("Use the REFRESH MATERIALIZED VIEW command.")
}
