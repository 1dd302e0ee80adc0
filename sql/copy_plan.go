package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// CopyInfo describes a COPY statement to the wire layer, which runs the
// copy sub-protocol around it (CopyInResponse or CopyOutResponse).
type CopyInfo struct {
	// From is COPY FROM STDIN (the client sends data); otherwise COPY TO
	// STDOUT.
	From bool
	// Binary is FORMAT binary: every column's format code is 1.
	Binary bool
	// Columns is the number of columns of the data.
	Columns int
}

// copyHint is PostgreSQL's hint for COPY of a server file or program.
const copyHint = `Anyone can COPY to stdout or from stdin. psql's \copy command also works for anyone.`

// planCopy plans COPY ... FROM STDIN and COPY ... TO STDOUT.
func (pl *planner) planCopy(p *Prepared, n *pg_query.CopyStmt) (plan, error) {
	// As PostgreSQL's DoCopy, a file or program is refused first. stela
	// never reads or writes files of the server, whoever asks.
	switch {
	case n.IsProgram:
		return nil, pgerror.New(pgcode.FeatureNotSupported, "COPY to or from an external program is not supported").WithHint(copyHint)
	case n.Filename != "" && n.IsFrom:
		return nil, pgerror.New(pgcode.FeatureNotSupported, "COPY from a file is not supported").WithHint(copyHint)
	case n.Filename != "":
		return nil, pgerror.New(pgcode.FeatureNotSupported, "COPY to a file is not supported").WithHint(copyHint)
	}
	if n.WhereClause != nil && !n.IsFrom {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "WHERE clause not allowed with COPY TO").WithPosition(int(expr.Location(n.WhereClause)) + 1)
	}
	if n.IsFrom {
		return pl.planCopyFrom(p, n)
	}
	return pl.planCopyTo(p, n)
}

// copyRelation resolves the table of COPY table.
func (pl *planner) copyRelation(rv *pg_query.RangeVar) (*catalog.Descriptor, error) {
	d, err := catalog.Relation(pl.txn, rv.Schemaname, rv.Relname, pl.s.searchPath())
	if err != nil {
		if pe, ok := err.(*pgerror.Error); ok && pe.Position == 0 {
			return nil, pe.WithPosition(int(rv.Location) + 1)
		}
		return nil, err
	}
	return d, nil
}

// checkCopyKind refuses views and sequences with PostgreSQL's errors.
func checkCopyKind(d *catalog.Descriptor, from bool) error {
	switch {
	case d.IsMatView():
		if from {
			return pgerror.Newf(pgcode.WrongObjectType, "cannot copy to materialized view \"%s\"", d.Name)
		}
		return pgerror.Newf(pgcode.WrongObjectType, "cannot copy from materialized view \"%s\"", d.Name).
			WithHint("Try the COPY (SELECT ...) TO variant.")
	}
	switch d.Kind {
	case catalog.KindTable:
		return nil
	case catalog.KindView:
		if from {
			return pgerror.Newf(pgcode.WrongObjectType, "cannot copy to view \"%s\"", d.Name).
				WithHint("To enable copying to a view, provide an INSTEAD OF INSERT trigger.")
		}
		return pgerror.Newf(pgcode.WrongObjectType, "cannot copy from view \"%s\"", d.Name).
			WithHint("Try the COPY (SELECT ...) TO variant.")
	case catalog.KindSequence:
		if from {
			return pgerror.Newf(pgcode.WrongObjectType, "cannot copy to sequence \"%s\"", d.Name)
		}
		return pgerror.Newf(pgcode.WrongObjectType, "cannot copy from sequence \"%s\"", d.Name)
	}
	verb := "from"
	if from {
		verb = "to"
	}
	return pgerror.Newf(pgcode.WrongObjectType, "cannot copy %s non-table relation \"%s\"", verb, d.Name)
}

// copyColumns resolves a COPY's column list against a table's columns
// (all visible columns when there is none), as PostgreSQL's
// CopyGetAttnums.
func copyColumns(cols []column, table string, list []*pg_query.Node) ([]int, error) {
	var out []int
	if len(list) == 0 {
		for i, c := range cols {
			if !c.hidden {
				out = append(out, i)
			}
		}
		return out, nil
	}
	seen := map[int]bool{}
	for _, n := range list {
		name := n.GetString_().Sval
		i := columnIndex(cols, name)
		if i < 0 {
			return nil, pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", name, table)
		}
		if seen[i] {
			return nil, pgerror.Newf(pgcode.DuplicateColumn, "column \"%s\" specified more than once", name)
		}
		seen[i] = true
		out = append(out, i)
	}
	return out, nil
}

// columnIndex returns the position of a visible column, -1 if none.
func columnIndex(cols []column, name string) int {
	for i, c := range cols {
		if c.name == name && !c.hidden {
			return i
		}
	}
	return -1
}

// forceFlags marks the COPY columns a FORCE_* option names; each must be
// a column of the table (42703) and one the COPY reads or writes (42P10).
func forceFlags(option string, names []string, cols []column, table string, targets []int) ([]bool, error) {
	if names == nil {
		return nil, nil
	}
	flags := make([]bool, len(targets))
	for _, name := range names {
		i := columnIndex(cols, name)
		if i < 0 {
			if table == "" {
				return nil, pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" does not exist", name)
			}
			return nil, pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", name, table)
		}
		found := false
		for k, t := range targets {
			if t == i {
				flags[k], found = true, true
			}
		}
		if !found {
			return nil, pgerror.Newf(pgcode.InvalidColumnReference, "%s column \"%s\" not referenced by COPY", option, name)
		}
	}
	return flags, nil
}
