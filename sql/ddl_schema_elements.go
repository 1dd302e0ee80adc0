package sql

import (
	"context"
	"sort"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// The elements of CREATE SCHEMA s [AUTHORIZATION role] CREATE TABLE ...
// CREATE VIEW ... CREATE INDEX ... CREATE SEQUENCE ... GRANT ..., run as
// PostgreSQL 15 runs them, in the statement's transaction once the
// schema exists:
//
//   - each object an element creates goes into s: an unqualified name
//     is given s, a name qualified by another schema is refused (42P15),
//     all of them checked before any element runs;
//   - the elements run by kind, not in the order written: sequences,
//     tables, views, indexes, then grants (PostgreSQL 15's
//     transformCreateSchemaStmtElements), so a view may name a table
//     written after it;
//   - s is looked in before the search_path, so that the elements'
//     unqualified references find what the others made;
//   - they run as the schema's owner: what they create is the owner's,
//     and a grant on it is recorded as made by the owner. PostgreSQL
//     also checks the elements' rights as the owner; stela checks them
//     as the session's user, who is the owner itself or a superuser
//     (mayGiveTo), so only a superuser's statement may make what the
//     owner alone could not (a foreign key to a table the owner may not
//     reference).
//
// CREATE TRIGGER, which PostgreSQL accepts here too, is refused (0A000)
// as stela has no triggers. A grant, kept in the system log, is made
// once the transaction commits (txnState's afterCommit): a rolled-back
// CREATE SCHEMA leaves no grant on a table that never was.

// schemaElementOrder is the rank of each kind of element in the order
// PostgreSQL runs them.
func schemaElementOrder(n *pg_query.Node) int {
	switch n.Node.(type) {
	case *pg_query.Node_CreateSeqStmt:
		return 0
	case *pg_query.Node_CreateStmt:
		return 1
	case *pg_query.Node_ViewStmt:
		return 2
	case *pg_query.Node_IndexStmt:
		return 3
	case *pg_query.Node_CreateTrigStmt:
		return 4
	}
	return 5 // GRANT
}

// elementRelation is the name of the object an element creates (or, for
// CREATE INDEX and CREATE TRIGGER, the table it is on); nil for GRANT.
func elementRelation(n *pg_query.Node) *pg_query.RangeVar {
	switch e := n.Node.(type) {
	case *pg_query.Node_CreateSeqStmt:
		return e.CreateSeqStmt.Sequence
	case *pg_query.Node_CreateStmt:
		return e.CreateStmt.Relation
	case *pg_query.Node_ViewStmt:
		return e.ViewStmt.View
	case *pg_query.Node_IndexStmt:
		return e.IndexStmt.Relation
	case *pg_query.Node_CreateTrigStmt:
		return e.CreateTrigStmt.Relation
	}
	return nil
}

// schemaElements runs the elements of CREATE SCHEMA, which created
// schema name owned by owner.
func (x *execCtx) schemaElements(elts []*pg_query.Node, name, owner string) error {
	// Copies: the names are filled in, and a prepared statement runs
	// its tree again.
	todo := make([]*pg_query.Node, len(elts))
	for i, e := range elts {
		todo[i] = proto.Clone(e).(*pg_query.Node)
		if rv := elementRelation(todo[i]); rv != nil {
			if rv.Schemaname == "" {
				rv.Schemaname = name
			} else if rv.Schemaname != name {
				return pgerror.Newf(pgcode.InvalidSchemaDefinition, "CREATE specifies a schema (%s) different from the one being created (%s)", rv.Schemaname, name)
			}
		}
	}
	sort.SliceStable(todo, func(i, j int) bool { return schemaElementOrder(todo[i]) < schemaElementOrder(todo[j]) })

	x.sess.pathFront, x.owner = name, owner
	defer func() { x.sess.pathFront, x.owner = "", "" }()
	pl := &planner{s: x.sess, txn: x.txn, params: &expr.ParamTypes{NoParams: true}}
	for _, e := range todo {
		var p plan
		var err error
		switch n := e.Node.(type) {
		case *pg_query.Node_CreateSeqStmt:
			p, err = pl.planCreateSequence(n.CreateSeqStmt)
		case *pg_query.Node_CreateStmt:
			p, err = x.sess.planCreateTable(n.CreateStmt)
		case *pg_query.Node_ViewStmt:
			if err = x.qualifyIn(n.ViewStmt.Query, name); err == nil {
				p, err = pl.planCreateView(n.ViewStmt)
			}
		case *pg_query.Node_IndexStmt:
			p, err = pl.planCreateIndex(n.IndexStmt)
		case *pg_query.Node_CreateTrigStmt:
			err = pgerror.New(pgcode.FeatureNotSupported, "CREATE TRIGGER is not supported")
		case *pg_query.Node_GrantStmt:
			err = x.schemaGrant(n.GrantStmt, owner)
		default:
			err = pgerror.New(pgcode.FeatureNotSupported, "this CREATE SCHEMA element is not supported")
		}
		if err != nil {
			return err
		}
		if d, ok := p.(*ddlPlan); ok {
			if err := d.fn(x); err != nil {
				return err
			}
		}
	}
	return nil
}

// qualifyIn names schema in the view query's unqualified references to
// relations of schema: stela keeps a view's query as text, read again
// under the search_path of each later reader, on which schema need not
// be. (PostgreSQL binds them when the view is made.)
func (x *execCtx) qualifyIn(q *pg_query.Node, schema string) error {
	ctes := cteNames(q)
	s, err := catalog.Lookup(x.txn, 0, schema)
	if err != nil || s == nil {
		return err
	}
	walk(q, func(n *pg_query.Node) bool {
		rv := n.GetRangeVar()
		if rv == nil || rv.Schemaname != "" || ctes[rv.Relname] {
			return true
		}
		d, e := catalog.Lookup(x.txn, s.ID, rv.Relname)
		if e != nil {
			err = e
			return false
		}
		if d != nil {
			rv.Schemaname = schema
		}
		return true
	})
	return err
}

// schemaGrant checks a GRANT element now, and makes it once the
// transaction commits. A grant on relations all owned by the schema's
// owner is recorded as made by it, as PostgreSQL's, which runs the
// element as the owner.
func (x *execCtx) schemaGrant(n *pg_query.GrantStmt, owner string) error {
	s := x.sess
	req, err := s.parseGrant(n)
	if err != nil || req.noop {
		return err
	}
	byOwner := len(req.relations) > 0
	for _, d := range req.relations {
		byOwner = byOwner && d.Owner == owner
	}
	if byOwner {
		req.grantor = owner
	} else {
		for _, db := range req.database {
			if _, err := s.grantorIn(db, req.relations); err != nil {
				return err
			}
		}
	}
	s.txn.queueAfterCommit(func(ctx context.Context) {
		if err := s.applyGrant(&expr.Context{Ctx: ctx, Session: s}, req); err != nil {
			s.afterCommitFailed("CREATE SCHEMA created its objects but could not grant the privileges", "Run the GRANT again.", err)
		}
	})
	return nil
}
