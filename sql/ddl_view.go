package sql

import (
	"sort"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// planCreateView plans CREATE [OR REPLACE] VIEW. The view keeps its
// query's SQL text, which the planner expands where the view is read
// (view.go), and its output columns, fixed at creation as PostgreSQL's.
func (pl *planner) planCreateView(n *pg_query.ViewStmt) (plan, error) {
	switch {
	case n.WithCheckOption != pg_query.ViewCheckOption_NO_CHECK_OPTION:
		return nil, pgerror.New(pgcode.FeatureNotSupported, "WITH CHECK OPTION is not supported: views are read-only in stela")
	case len(n.Options) > 0:
		return nil, pgerror.New(pgcode.FeatureNotSupported, "view options are not supported")
	}
	if n.Query.GetSelectStmt() == nil {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "a view's query must be a SELECT")
	}
	if n.Query.GetSelectStmt().IntoClause != nil {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "views must not contain SELECT INTO")
	}
	if hasDMLCTE(n.Query.GetSelectStmt().WithClause) {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "views must not contain data-modifying statements in WITH")
	}
	travel, err := pl.viewTimeTravel(n.Query) // view_timetravel.go
	if err != nil {
		return nil, err
	}
	return &ddlPlan{tag: "CREATE VIEW", fn: func(x *execCtx) error { return x.createView(n, travel) }}, nil
}

// createView runs CREATE VIEW; travel are the AS OF clauses of its query.
func (x *execCtx) createView(n *pg_query.ViewStmt, travel map[int32]*parser.TimeTravel) error {
	sel := n.Query.GetSelectStmt()
	view, err := x.viewDesc(sel, nodeStrings(n.Aliases), travel)
	if err != nil {
		return err
	}
	rv := n.View
	if temp, err := x.sess.isTempCreate(x.txn, rv); err != nil {
		return err
	} else if !temp {
		// A view over a temporary relation is temporary too, as
		// PostgreSQL's DefineView makes it.
		if temp, err := x.usesTempRelation(view.DependsOn); err != nil {
			return err
		} else if temp {
			x.sess.notice("NOTICE", pgcode.SuccessfulCompletion, "view \""+rv.Relname+"\" will be a temporary view")
			rv = &pg_query.RangeVar{Schemaname: rv.Schemaname, Relname: rv.Relname, Relpersistence: "t", Location: rv.Location}
		}
	}
	schema, err := x.creationSchema(rv) // temp.go
	if err != nil {
		return err
	}
	name := n.View.Relname
	existing, err := catalog.LookupRelation(x.txn, schema.ID, name)
	if err != nil {
		return err
	}
	if existing != nil && !n.Replace {
		return pgerror.Newf(pgcode.DuplicateTable, "relation \"%s\" already exists", name)
	}
	if existing == nil {
		if err := x.newRowTypeNameFree(schema.ID, name); err != nil {
			return err
		}
	}
	if existing != nil && existing.Kind != catalog.KindView {
		return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a view", name)
	}
	if existing != nil {
		if err := replaceableView(existing.View.Columns, view.Columns); err != nil {
			return err
		}
		if len(view.Columns) > len(existing.View.Columns) {
			// New columns change the view's row type.
			if err := x.refuseStoredShapeChange(existing); err != nil {
				return err
			}
		}
		// The columns kept keep their comments, as in PostgreSQL.
		for i, c := range existing.View.Columns {
			view.Columns[i].Comment = c.Comment
		}
		existing.View = view
		return catalog.Put(x.txn, existing)
	}
	id, err := catalog.NewID(x.txn)
	if err != nil {
		return err
	}
	return catalog.Put(x.txn, &catalog.Descriptor{Kind: catalog.KindView, ID: id, Name: name, Schema: schema.ID, Owner: x.creator(), View: view})
}

// viewDesc plans a view's query (its errors are CREATE VIEW's) and
// describes the view: SQL text, columns, and the relations it reads.
// travel are the query's AS OF clauses (view_timetravel.go).
func (x *execCtx) viewDesc(sel *pg_query.SelectStmt, aliases []string, travel map[int32]*parser.TimeTravel) (*catalog.ViewDesc, error) {
	pl := &planner{s: x.sess, txn: x.txn, params: &expr.ParamTypes{NoParams: true}, describeOnly: true, sysCols: selectWantsSystemColumns(sel), travel: travel,
		calls: map[int32]uint32{}, explicitStars: true}
	node, err := pl.planQuery(sel, nil, &level{})
	if err != nil {
		return nil, err
	}
	cols := node.cols()
	if len(aliases) > len(cols) {
		return nil, pgerror.New(pgcode.Syntax, "CREATE VIEW specifies more column names than columns")
	}
	v := &catalog.ViewDesc{}
	seen := map[string]bool{}
	for i, c := range cols {
		name := c.name
		if i < len(aliases) {
			name = aliases[i]
		}
		if seen[name] {
			return nil, pgerror.Newf(pgcode.DuplicateColumn, "column \"%s\" specified more than once", name)
		}
		seen[name] = true
		t := c.typ
		if t.Oid == types.Unknown.Oid {
			t = types.Text // PostgreSQL 10+ resolves unknown view columns as text
		}
		vc := catalog.ViewColumn{Name: name}
		vc.SetType(t)
		v.Columns = append(v.Columns, vc)
	}
	q, err := x.qualifiedStored(&pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: sel}}, true, travel)
	if err != nil {
		return nil, err
	}
	// The user functions it calls are bound (view_funcs.go).
	if err := x.bindUserCalls(q, pl.calls, v); err != nil {
		return nil, err
	}
	if v.Query, err = x.deparseWithTimeTravel(q, travel); err != nil {
		return nil, err
	}
	if v.DependsOn, err = x.relationsRead(q, travel); err != nil {
		return nil, err
	}
	return v, nil
}

// relationsRead returns the ids of the tables and views a query names
// (not its WITH queries, nor those it reads AS OF a point of the past, in
// travel: view_timetravel.go), in id order.
func (x *execCtx) relationsRead(q *pg_query.Node, travel map[int32]*parser.TimeTravel) ([]uint32, error) {
	ctes := cteNames(q)
	ids := map[uint32]bool{}
	var err error
	walk(q, func(n *pg_query.Node) bool {
		rv := n.GetRangeVar()
		if rv == nil || rv.Schemaname == "" && ctes[rv.Relname] || travel[rv.Location] != nil {
			return true
		}
		d, e := catalog.Relation(x.txn, rv.Schemaname, rv.Relname, x.sess.searchPath())
		if e != nil {
			if !pgerror.HasCode(e, pgcode.UndefinedTable) && !pgerror.HasCode(e, pgcode.InvalidSchemaName) {
				err = e
			}
			return err == nil
		}
		if d.Kind == catalog.KindTable || d.Kind == catalog.KindView || d.Kind == catalog.KindSequence {
			ids[d.ID] = true
		}
		return true
	})
	out := make([]uint32, 0, len(ids))
	for id := range ids {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, err
}

// replaceableView is CREATE OR REPLACE VIEW's rule: the new query must
// keep the old columns, same names and types, and may add columns at the
// end.
func replaceableView(old, new []catalog.ViewColumn) error {
	if len(new) < len(old) {
		return pgerror.New(pgcode.InvalidTableDefinition, "cannot drop columns from view")
	}
	for i, o := range old {
		c := new[i]
		if o.Name != c.Name {
			return pgerror.Newf(pgcode.InvalidTableDefinition, "cannot change name of view column \"%s\" to \"%s\"", o.Name, c.Name).
				WithHint("Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.")
		}
		if o.TypeOid != c.TypeOid || o.Typmod != c.Typmod {
			ot, nt := o.Type(), c.Type()
			return pgerror.Newf(pgcode.InvalidTableDefinition, "cannot change data type of view column \"%s\" from %s to %s", o.Name, ot, nt)
		}
	}
	return nil
}
