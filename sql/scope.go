package sql

import (
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// scope resolves column references against the row a clause is evaluated
// over, then against the rows of enclosing queries (correlated
// subqueries).
type scope struct {
	cols []column
	// level is the query the scope belongs to; outer is the scope, in
	// the enclosing query, that a subquery of this level is evaluated in.
	level *level
	outer *scope
	// ungrouped, in a grouped query, is the input row's scope: a column
	// found there but not among the grouped columns is a grouping error.
	ungrouped *scope
	// grp is the grouping of a grouped scope: an aggregate of a
	// subquery over only this scope's columns is computed here.
	grp *grouping
	// regroup, on the input scope of a query that does not group, is
	// set when a subquery finds an aggregate that belongs to the query
	// (SELECT (SELECT sum(t.a) FROM u) FROM t): the query is planned
	// again as an aggregation.
	regroup *bool
	// clause is the clause the scope was first built for (an error of
	// an enclosing query's aggregate found in a subquery names it).
	clause string
}

var _ expr.Scope = (*scope)(nil)

// newScope returns the scope of a query level's row.
func newScope(cols []column, lv *level, outer *scope) *scope {
	return &scope{cols: cols, level: lv, outer: outer}
}

// Column implements expr.Scope.
func (s *scope) Column(names []string, loc int32) (expr.Expr, error) {
	depth := 0
	for sc := s; sc != nil; sc = sc.outer {
		idx, err := sc.find(names, loc)
		if err != nil {
			return nil, err
		}
		if idx < 0 && sc.ungrouped != nil {
			if j, err := sc.ungrouped.find(names, loc); err != nil {
				return nil, err
			} else if j >= 0 {
				c := sc.ungrouped.cols[j]
				return nil, pgerror.Newf(pgcode.GroupingError, "column \"%s\" must appear in the GROUP BY clause or be used in an aggregate function", qualifiedName(c)).WithPosition(int(loc) + 1)
			}
		}
		if idx >= 0 {
			c := sc.cols[idx]
			markColumn(c)
			noteRef(c, loc)
			if depth == 0 {
				return &expr.ColRef{Idx: idx, T: c.typ, Name: c.name}, nil
			}
			// Every level between the reference and the column's is
			// correlated.
			for lv := s.level; lv != nil && lv != sc.level; lv = lv.parent {
				lv.correlated = true
			}
			return &expr.OuterRef{Depth: depth, Idx: idx, T: c.typ, Name: c.name}, nil
		}
		depth++
	}
	if len(names) == 1 {
		if e, err := s.wholeRow(names[0], loc); e != nil || err != nil {
			return e, err
		}
	}
	if err := s.missingTable(names, loc); err != nil {
		return nil, err
	}
	return nil, errUndefinedColumn(names, loc)
}

// wholeRow is a reference to a FROM item as a whole (SELECT t FROM t,
// row_to_json(t), t.* in an expression): a record of its visible
// columns, named, as PostgreSQL's whole-row Var, and NULL where an outer
// join null-extended the item (column.neverNull). nil if no FROM item in
// reach has that name. A column of the same name wins (Column looks for
// columns first), as in PostgreSQL. In a grouped query the item's
// primary key must be grouped (42803 otherwise).
func (s *scope) wholeRow(table string, loc int32) (expr.Expr, error) {
	depth := 0
	for sc := s; sc != nil; sc = sc.outer {
		switch {
		case sc.ungrouped != nil && sc.ungrouped.hasTable(table):
			if err := noSequenceRow(sc.ungrouped.cols, table); err != nil {
				return nil, err
			}
			at := make([]int, len(sc.ungrouped.cols))
			for i := range at {
				at[i] = -1
			}
			for k, c := range sc.grp.inputCol {
				if c >= 0 {
					at[c] = k
				}
			}
			// As in PostgreSQL, grouping by every column is not enough:
			// the item's primary key must be grouped.
			for i, c := range sc.ungrouped.cols {
				if c.table == table && (!sc.grp.keyed[table] || !c.hidden && at[i] < 0) {
					return nil, pgerror.Newf(pgcode.GroupingError, "column \"%s.*\" must appear in the GROUP BY clause or be used in an aggregate function", table).WithPosition(int(loc) + 1)
				}
			}
			return s.rowOf(sc, depth, table, sc.ungrouped.cols, at), nil
		case sc.ungrouped == nil && sc.hasTable(table):
			if err := noSequenceRow(sc.cols, table); err != nil {
				return nil, err
			}
			return s.rowOf(sc, depth, table, sc.cols, nil), nil
		}
		depth++
	}
	return nil, nil
}

// noSequenceRow refuses a whole-row reference to a sequence (see
// column.sequence).
func noSequenceRow(cols []column, table string) error {
	for _, c := range cols {
		if c.table == table && c.sequence && !c.joinAlias {
			return pgerror.Newf(pgcode.WrongObjectType, "relation \"%s\" does not have a composite type", c.ref.Relname)
		}
	}
	return nil
}

// rowOf builds the whole-row reference to table, whose columns are among
// cols, in scope sc, depth levels out from s. A column is read at its
// own index in sc, or, for a grouped scope, at its position among the
// grouped columns (at; -1 when not grouped).
func (s *scope) rowOf(sc *scope, depth int, table string, cols []column, at []int) *expr.RowBuild {
	ref := func(i int) expr.Expr {
		if at != nil {
			i = at[i]
		}
		c := sc.cols[i]
		if depth == 0 {
			return &expr.ColRef{Idx: i, T: c.typ, Name: c.name}
		}
		return &expr.OuterRef{Depth: depth, Idx: i, T: c.typ, Name: c.name}
	}
	var names []string
	var args []expr.Expr
	var witness expr.Expr
	var rel *catalog.Descriptor
	oneRel := true // every column from the scan of one table
	for i, c := range cols {
		if c.table != table {
			continue
		}
		if !c.hidden {
			if rel == nil {
				rel = c.rel
			}
			oneRel = oneRel && c.rel != nil && c.rel == rel
			markColumn(c) // the row reads every column
		}
		if c.neverNull && witness == nil && (at == nil || at[i] >= 0) {
			witness = ref(i)
		}
		if !c.hidden {
			names = append(names, c.name)
			args = append(args, ref(i))
		}
	}
	if depth > 0 {
		for lv := s.level; lv != nil && lv != sc.level; lv = lv.parent {
			lv.correlated = true
		}
	}
	row := expr.NewRowBuild(names, args)
	row.Witness = witness
	if oneRel && hasRowType(rel) {
		// A table's whole row has the table's row type, as PostgreSQL's
		// whole-row Var: its fields keep the columns' own names
		// whatever aliases FROM gave them.
		if t := catalog.RowType(rel); len(t.Fields) == len(args) {
			row.T = t
		}
	}
	return row
}

// missingTable returns the 42P01 error of a qualified reference whose
// table is not visible here, nil if it is.
func (s *scope) missingTable(names []string, loc int32) error {
	if len(names) < 2 {
		return nil
	}
	table := names[len(names)-2]
	for sc := s; sc != nil; sc = sc.outer {
		if sc.hasTable(table) || (sc.ungrouped != nil && sc.ungrouped.hasTable(table)) {
			return nil
		}
	}
	for sc := s; sc != nil; sc = sc.outer {
		for lv := sc.level; lv != nil; lv = lv.parent {
			if lv.rels[table] {
				return pgerror.Newf(pgcode.UndefinedTable, "invalid reference to FROM-clause entry for table \"%s\"", table).WithPosition(int(loc) + 1)
			}
		}
	}
	return pgerror.Newf(pgcode.UndefinedTable, "missing FROM-clause entry for table \"%s\"", table).WithPosition(int(loc) + 1)
}

func qualifiedName(c column) string {
	if c.table != "" {
		return c.table + "." + c.name
	}
	return c.name
}

func errUndefinedColumn(names []string, loc int32) error {
	e := pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" does not exist", strings.Join(names, "."))
	if len(names) == 2 {
		e = pgerror.Newf(pgcode.UndefinedColumn, "column %s.%s does not exist", names[0], names[1])
	}
	return e.WithPosition(int(loc) + 1)
}

// find returns the index of the column names refers to in this scope, -1
// if none; two candidates are ambiguous (42702).
func (s *scope) find(names []string, loc int32) (int, error) {
	var table, name string
	switch len(names) {
	case 1:
		name = names[0]
	case 2:
		table, name = names[0], names[1]
	case 3:
		// db.table.column or schema.table.column: match on table.
		table, name = names[1], names[2]
	default:
		return -1, pgerror.Newf(pgcode.Syntax, "improper qualified name (too many dotted names): %s", strings.Join(names, ".")).WithPosition(int(loc) + 1)
	}
	found := -1
	for i, c := range s.cols {
		if c.name != name || (table != "" && c.table != table) || (table == "" && c.qualifiedOnly) {
			continue
		}
		if found >= 0 {
			return -1, pgerror.Newf(pgcode.AmbiguousColumn, "column reference \"%s\" is ambiguous", strings.Join(names, ".")).WithPosition(int(loc) + 1)
		}
		found = i
	}
	return found, nil
}

// hasTable reports whether any column is qualified by table.
// seesTable reports whether the scope, or the input of a grouped scope,
// has a FROM item named table.
func (s *scope) seesTable(table string) bool {
	return s.hasTable(table) || (s.ungrouped != nil && s.ungrouped.hasTable(table))
}

func (s *scope) hasTable(table string) bool {
	for _, c := range s.cols {
		if c.table == table {
			return true
		}
	}
	return false
}
