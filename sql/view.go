package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// planView plans a view's stored query as a subquery of its own (it
// sees no WITH queries or outer rows of the query that reads it), with
// the view's column names.
func (pl *planner) planView(d *catalog.Descriptor, lv *level) (planNode, error) {
	stmts, err := parser.Parse(d.View.Query)
	if err != nil || len(stmts) != 1 || stmts[0].AST.GetSelectStmt() == nil {
		return nil, pgerror.Newf(pgcode.DataCorrupted, "view %q: stored query does not parse", d.Name)
	}
	saved := pl.ctes
	pl.ctes = nil
	defer func() { pl.ctes = saved }()
	pl.depth++
	defer func() { pl.depth-- }()
	if pl.depth > maxViewDepth {
		return nil, pgerror.Newf(pgcode.InvalidObjectDefinition, "infinite recursion detected in rules for relation %q", d.Name)
	}
	// The view's query has the system columns it names, whether or not
	// the query reading the view names any.
	sys := pl.sysCols
	pl.sysCols = sys || selectWantsSystemColumns(stmts[0].AST.GetSelectStmt())
	node, err := pl.planQuery(stmts[0].AST.GetSelectStmt(), nil, &level{parent: lv})
	pl.sysCols = sys
	if err != nil {
		return nil, err
	}
	cols := append([]column(nil), node.cols()...)
	for i := range cols {
		if i < len(d.View.Columns) {
			cols[i].name = d.View.Columns[i].Name
		}
		cols[i].tableOID = d.ID
		cols[i].attNum = int16(i + 1)
	}
	return &renameNode{input: node, columns: cols}, nil
}

// maxViewDepth bounds views over views.
const maxViewDepth = 64
