package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// A column constraint's DEFERRABLE, NOT DEFERRABLE, INITIALLY DEFERRED
// and INITIALLY IMMEDIATE reach us as constraints of their own following
// the one they qualify (the grammar cannot attach them); a table
// constraint's come set on it. foldConstraintAttrs sets them on the
// constraint before them, as PostgreSQL's transformConstraintAttrs does,
// with its errors.

// foldConstraintAttrs returns a column's constraints without the
// attribute entries, each folded into the constraint it follows.
func foldConstraintAttrs(list []*pg_query.Node) ([]*pg_query.Node, error) {
	var out []*pg_query.Node
	var last *pg_query.Constraint
	sawDeferrability, sawInitially := false, false
	misplaced := func(con *pg_query.Constraint, clause string) error {
		return pgerror.Newf(pgcode.Syntax, "misplaced %s clause", clause).WithPosition(int(con.Location) + 1)
	}
	for _, n := range list {
		con := n.GetConstraint()
		if con == nil {
			out = append(out, n)
			continue
		}
		switch con.Contype {
		case pg_query.ConstrType_CONSTR_ATTR_DEFERRABLE, pg_query.ConstrType_CONSTR_ATTR_NOT_DEFERRABLE:
			deferrable := con.Contype == pg_query.ConstrType_CONSTR_ATTR_DEFERRABLE
			if last == nil || !takesDeferrability(last) {
				if deferrable {
					return nil, misplaced(con, "DEFERRABLE")
				}
				return nil, misplaced(con, "NOT DEFERRABLE")
			}
			if sawDeferrability {
				return nil, pgerror.New(pgcode.Syntax, "multiple DEFERRABLE/NOT DEFERRABLE clauses not allowed").WithPosition(int(con.Location) + 1)
			}
			sawDeferrability = true
			last.Deferrable = deferrable
			if !deferrable && last.Initdeferred {
				return nil, pgerror.New(pgcode.Syntax, "constraint declared INITIALLY DEFERRED must be DEFERRABLE").WithPosition(int(con.Location) + 1)
			}
		case pg_query.ConstrType_CONSTR_ATTR_DEFERRED, pg_query.ConstrType_CONSTR_ATTR_IMMEDIATE:
			deferred := con.Contype == pg_query.ConstrType_CONSTR_ATTR_DEFERRED
			if last == nil || !takesDeferrability(last) {
				if deferred {
					return nil, misplaced(con, "INITIALLY DEFERRED")
				}
				return nil, misplaced(con, "INITIALLY IMMEDIATE")
			}
			if sawInitially {
				return nil, pgerror.New(pgcode.Syntax, "multiple INITIALLY IMMEDIATE/DEFERRED clauses not allowed").WithPosition(int(con.Location) + 1)
			}
			sawInitially = true
			last.Initdeferred = deferred
			if deferred {
				// INITIALLY DEFERRED implies DEFERRABLE unless it was
				// said otherwise.
				if !sawDeferrability {
					last.Deferrable = true
				} else if !last.Deferrable {
					return nil, pgerror.New(pgcode.Syntax, "constraint declared INITIALLY DEFERRED must be DEFERRABLE").WithPosition(int(con.Location) + 1)
				}
			}
		default:
			last, sawDeferrability, sawInitially = con, false, false
			out = append(out, n)
		}
	}
	return out, nil
}

// takesDeferrability reports whether a constraint kind can be
// DEFERRABLE in PostgreSQL's grammar.
func takesDeferrability(con *pg_query.Constraint) bool {
	switch con.Contype {
	case pg_query.ConstrType_CONSTR_PRIMARY, pg_query.ConstrType_CONSTR_UNIQUE,
		pg_query.ConstrType_CONSTR_EXCLUSION, pg_query.ConstrType_CONSTR_FOREIGN:
		return true
	}
	return false
}

// deferrableKeyError refuses a DEFERRABLE primary key or unique
// constraint: stela checks uniqueness as it writes each index entry
// (an entry is the key itself), so it cannot let duplicates stand until
// the commit.
func deferrableKeyError(con *pg_query.Constraint) error {
	if !con.Deferrable {
		return nil
	}
	return pgerror.New(pgcode.FeatureNotSupported, "DEFERRABLE primary key and unique constraints are not supported").
		WithDetail("Foreign keys can be DEFERRABLE; primary keys and unique constraints are checked at once.")
}
