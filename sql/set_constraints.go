package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// SET CONSTRAINTS { ALL | name [, ...] } { DEFERRED | IMMEDIATE } sets
// when the transaction checks its DEFERRABLE foreign keys
// (fk_deferred.go). Making a key IMMEDIATE runs the checks already put
// off for it, as PostgreSQL does, so the statement fails if one does.

type setConstraintsPlan struct{ n *pg_query.ConstraintsSetStmt }

func (p *setConstraintsPlan) run(s *Session, ec *expr.Context) (Result, error) {
	if !s.inTransactionBlock() {
		// PostgreSQL goes on: the setting dies with the statement's
		// own transaction.
		s.notice("WARNING", pgcode.NoActiveSQLTransaction, "SET CONSTRAINTS can only be used in transaction blocks")
	}
	txn, err := s.storage()
	if err != nil {
		return nil, err
	}
	d := &s.txn.deferral
	deferred := p.n.Deferred
	if len(p.n.Constraints) == 0 {
		d.all, d.named = &deferred, nil
	} else {
		ids, err := s.deferrableConstraints(txn, p.n.Constraints, deferred)
		if err != nil {
			return nil, err
		}
		if d.named == nil {
			d.named = map[constraintID]bool{}
		}
		for _, id := range ids {
			d.named[id] = deferred
		}
	}
	if !deferred {
		if err := s.runDeferredChecks(ec.Ctx, func(c *deferredCheck) bool { return !d.deferred(c.table, &c.fk) }); err != nil {
			return nil, err
		}
	}
	return &tagResult{tag: "SET CONSTRAINTS"}, nil
}

// deferrableConstraints resolves the names SET CONSTRAINTS lists: an
// unqualified name means the constraints so named in the first schema of
// the search path that has any, as in PostgreSQL. Each must be a
// DEFERRABLE foreign key to be DEFERRED; IMMEDIATE passes over the
// others, which always are.
func (s *Session) deferrableConstraints(txn *engine.Txn, names []*pg_query.Node, deferred bool) ([]constraintID, error) {
	all, err := catalog.All(txn)
	if err != nil {
		return nil, err
	}
	var out []constraintID
	for _, n := range names {
		rv := n.GetRangeVar()
		if rv == nil {
			return nil, pgerror.New(pgcode.Syntax, "SET CONSTRAINTS takes constraint names")
		}
		path := s.searchPath()
		if rv.Schemaname != "" {
			if _, err := catalog.Schema(txn, rv.Schemaname); err != nil {
				return nil, err
			}
			path = catalog.SearchPath{rv.Schemaname}
		}
		var found []constraintID
		for _, schemaName := range path {
			schema, err := catalog.Lookup(txn, 0, schemaName)
			if err != nil {
				return nil, err
			}
			if schema == nil {
				continue
			}
			for _, d := range all {
				if d.Kind != catalog.KindTable || d.Schema != schema.ID {
					continue
				}
				deferrable, ok := constraintDeferrable(d.Table, rv.Relname)
				if !ok {
					continue
				}
				if !deferrable && deferred {
					return nil, pgerror.Newf(pgcode.WrongObjectType, "constraint \"%s\" is not deferrable", rv.Relname)
				}
				found = append(found, constraintID{d.ID, rv.Relname})
			}
			if found != nil {
				break
			}
		}
		if found == nil {
			return nil, pgerror.Newf(pgcode.UndefinedObject, "constraint \"%s\" does not exist", rv.Relname)
		}
		out = append(out, found...)
	}
	return out, nil
}

// constraintDeferrable reports whether a table has a constraint of that
// name, and whether it is DEFERRABLE (only foreign keys can be).
func constraintDeferrable(t *catalog.TableDesc, name string) (deferrable, ok bool) {
	for _, c := range tableConstraints(t) { // ddl_rename_constraint.go
		if *c.name == name {
			return c.fk != nil && c.fk.Deferrable, true
		}
	}
	return false, false
}
