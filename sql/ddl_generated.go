package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Stored generated columns, as PostgreSQL 15's: a column declared
// GENERATED ALWAYS AS (expr) STORED holds the value of expr over the
// other columns of its row, computed on every INSERT, UPDATE and COPY
// (dml_generated.go) and stored like any other value, so reads, indexes
// and time travel need nothing special. The descriptor keeps the
// expression's SQL text (ColumnDesc.Generated), as it keeps a DEFAULT's;
// the catalog relations show it as PostgreSQL does: pg_attribute's
// attgenerated 's', a pg_attrdef row, information_schema.columns'
// is_generated and generation_expression, and psql's
// "generated always as (...) stored".
//
// The expression may read the row's other columns only, and, as in
// PostgreSQL, its system column tableoid (constTableOID: the table's OID,
// a constant for its rows): no subquery, aggregate, window or
// set-returning function, no other system column, no other generated
// column, nothing that is not immutable (42P17).

// genPending is a generated column whose expression is checked once the
// statement has declared all the table's columns (it may read a column
// declared after it).
type genPending struct {
	col uint32
	raw *pg_query.Node
}

// pgSystemColumns are the system columns of PostgreSQL's tables and of
// stela's (syscols.go) that a generation expression may not read: all
// but tableoid, which PostgreSQL allows.
var pgSystemColumns = map[string]bool{"ctid": true, "xmin": true, "cmin": true, "xmax": true, "cmax": true, "_tx": true, "_ts": true}

// generationClauses refuses, as PostgreSQL's transformColumnDefinition,
// a column with two generation clauses, or with a default (serial
// included) or an identity besides one.
func generationClauses(cd *pg_query.ColumnDef, table string) error {
	var def, ident, gen bool
	names := cd.TypeName.GetNames()
	if len(names) == 1 && len(cd.TypeName.ArrayBounds) == 0 {
		_, def = serialTypes[names[0].GetString_().GetSval()]
	}
	for _, cn := range cd.Constraints {
		con := cn.GetConstraint()
		switch con.GetContype() {
		case pg_query.ConstrType_CONSTR_DEFAULT:
			def = true
		case pg_query.ConstrType_CONSTR_IDENTITY:
			ident = true
		case pg_query.ConstrType_CONSTR_GENERATED:
			if gen {
				return pgerror.Newf(pgcode.Syntax, "multiple generation clauses specified for column \"%s\" of table \"%s\"", cd.Colname, table).
					WithPosition(int(con.Location) + 1)
			}
			gen = true
		}
	}
	switch {
	case gen && def:
		return pgerror.Newf(pgcode.Syntax, "both default and generation expression specified for column \"%s\" of table \"%s\"", cd.Colname, table)
	case gen && ident:
		return pgerror.Newf(pgcode.Syntax, "both identity and generation expression specified for column \"%s\" of table \"%s\"", cd.Colname, table)
	}
	return nil
}

// cookGenerated checks the expressions of the generated columns that
// CREATE TABLE or ADD COLUMN declares and stores their text.
func (b *tableBuilder) cookGenerated() error {
	if len(b.gens) == 0 {
		return nil
	}
	t := b.d.Table
	generated := map[string]bool{}
	for i := range t.Columns {
		if c := &t.Columns[i]; !c.Dropped && c.Generated != "" {
			generated[c.Name] = true
		}
	}
	for _, g := range b.gens {
		generated[t.Column(g.col).Name] = true
	}
	for _, g := range b.gens {
		c := t.Column(g.col)
		text, fns, err := b.x.generationText(b.d, c, g.raw, generated)
		if err != nil {
			return err
		}
		c.Generated, c.Functions = text, fns
	}
	b.gens = nil
	return nil
}

// generationText checks a generation expression against its table and
// column (PostgreSQL's cookDefault for a generated column) and returns
// its SQL text and the user functions it calls, bound (they must be
// IMMUTABLE: table_funcs_immutable.go); generated names the table's
// generated columns.
func (x *execCtx) generationText(d *catalog.Descriptor, c *catalog.ColumnDesc, n *pg_query.Node, generated map[string]bool) (string, []uint32, error) {
	t := d.Table
	pl := &planner{s: x.sess, txn: x.txn, params: &expr.ParamTypes{NoParams: true}}
	b := pl.storedExprBuilder(d, "column generation expressions", "column generation expression")
	calls := map[int32]uint32{}
	immutable, err := x.hookImmutableUserCalls(b, n, calls) // table_funcs_immutable.go
	if err != nil {
		return "", nil, err
	}
	constTableOID(b, d.Name, d.ID)
	e, err := b.Build(n)
	if err != nil {
		if pgerror.HasCode(err, pgcode.UndefinedColumn) {
			if sys := systemColumnRef(t, n); sys != nil {
				return "", nil, sys
			}
		}
		return "", nil, err
	}
	if sys := systemColumnRef(t, n); sys != nil {
		return "", nil, sys // the hidden row id
	}
	var nested error
	walk(n, func(m *pg_query.Node) bool {
		if cr := m.GetColumnRef(); cr != nil {
			if name := lastFieldName(cr); generated[name] {
				nested = pgerror.Newf(pgcode.InvalidObjectDefinition, "cannot use generated column \"%s\" in column generation expression", name).
					WithDetail("A generated column cannot reference another generated column.").WithPosition(int(cr.Location) + 1)
			}
		}
		return nested == nil
	})
	if nested != nil {
		return "", nil, nested
	}
	if isMutableBut(e, immutable) {
		return "", nil, pgerror.New(pgcode.InvalidObjectDefinition, "generation expression is not immutable")
	}
	if err := assignsToColumn(b, e, c, n); err != nil {
		return "", nil, err
	}
	n, fns, err := x.boundCallsOf(n, calls) // table_funcs.go
	if err != nil {
		return "", nil, err
	}
	text, err := x.storedExprText(n)
	return text, fns, err
}

// systemColumnRef is the error for the first system column (or hidden
// row id) an expression names, nil if none.
func systemColumnRef(t *catalog.TableDesc, n *pg_query.Node) error {
	if cr := firstSystemColumn(t, n); cr != nil {
		return pgerror.Newf(pgcode.InvalidColumnReference, "cannot use system column \"%s\" in column generation expression", lastFieldName(cr)).
			WithPosition(int(cr.Location) + 1)
	}
	return nil
}

// firstSystemColumn is the first reference to a system column (or a
// hidden column) in an expression over t's row, nil if none.
func firstSystemColumn(t *catalog.TableDesc, n *pg_query.Node) *pg_query.ColumnRef {
	var out *pg_query.ColumnRef
	walk(n, func(m *pg_query.Node) bool {
		cr := m.GetColumnRef()
		if cr == nil {
			return true
		}
		name := lastFieldName(cr)
		if col := t.ColumnByName(name); col == nil && pgSystemColumns[name] || col != nil && col.Hidden {
			out = cr
		}
		return out == nil
	})
	return out
}

// lastFieldName is the column a column reference names ("" for t.*).
func lastFieldName(cr *pg_query.ColumnRef) string {
	if f := cr.Fields; len(f) > 0 {
		return f[len(f)-1].GetString_().GetSval()
	}
	return ""
}

// checkGeneratedFK refuses, as PostgreSQL does, a foreign key over a
// generated column whose actions would write the column.
func checkGeneratedFK(t *catalog.TableDesc, fk *catalog.ForeignKeyDesc) error {
	for _, id := range fk.Columns {
		if c := t.Column(id); c == nil || c.Generated == "" {
			continue
		}
		switch fk.OnUpdate {
		case "cascade", "set null", "set default":
			return pgerror.New(pgcode.Syntax, "invalid ON UPDATE action for foreign key constraint containing generated column")
		}
		switch fk.OnDelete {
		case "set null", "set default":
			return pgerror.New(pgcode.Syntax, "invalid ON DELETE action for foreign key constraint containing generated column")
		}
	}
	return nil
}

// errGeneratedDefault refuses SET and DROP DEFAULT on a generated column.
func errGeneratedDefault(c *catalog.ColumnDesc, d *catalog.Descriptor, drop bool) error {
	err := pgerror.Newf(pgcode.Syntax, "column \"%s\" of relation \"%s\" is a generated column", c.Name, d.Name)
	if drop {
		err = err.WithHint("Use ALTER TABLE ... ALTER COLUMN ... DROP EXPRESSION instead.")
	}
	return err
}

// dropExpression is ALTER COLUMN ... DROP EXPRESSION [IF EXISTS]: the
// column becomes an ordinary one, keeping the values its rows hold.
func (x *execCtx) dropExpression(d *catalog.Descriptor, name string, ifExists bool) error {
	c, err := alterColumn(d, name)
	if err != nil {
		return err
	}
	if c.Generated == "" {
		msg := "column \"" + c.Name + "\" of relation \"" + d.Name + "\" is not a stored generated column"
		if ifExists {
			x.sess.notice("NOTICE", pgcode.SuccessfulCompletion, msg+", skipping")
			return nil
		}
		return pgerror.New(pgcode.ObjectNotInPrerequisiteState, msg)
	}
	c.Generated, c.Functions = "", nil
	return catalog.Put(x.txn, d)
}

// dropGeneratedUsers removes, with column c that DROP COLUMN drops, the
// generated columns of the table that read it, noting them in ds as
// PostgreSQL's dependents ("column g of table t depends on column a of
// table t"): without CASCADE the drop is then refused.
func (x *execCtx) dropGeneratedUsers(d *catalog.Descriptor, c *catalog.ColumnDesc, ds *dropSet, what string) error {
	t := d.Table
	for i := range t.Columns {
		g := &t.Columns[i]
		if g.Dropped || g.Generated == "" || g.ID == c.ID || !exprUsesColumn(g.Generated, c.Name) {
			continue
		}
		if g.IndexKey {
			// Its index goes with the column, as a column index would.
			if err := x.removeColumn(d, g); err != nil {
				return err
			}
			continue
		}
		for _, ic := range t.PrimaryKey.Columns {
			if ic.ColumnID == g.ID {
				return pgerror.Newf(pgcode.FeatureNotSupported, "cannot drop column %s of table %s: it is part of the primary key", g.Name, d.Name).
					WithDetail("The primary key of a table is what its rows are stored under in stela.")
			}
		}
		desc := "column " + g.Name + " of " + x.describe(d)
		ds.note(desc, what)
		// Foreign keys referencing it (through a unique index) go too.
		for _, o := range ds.g.all {
			if o.Kind != catalog.KindTable {
				continue
			}
			for _, fk := range o.Table.ForeignKeys {
				if fk.RefTable == d.ID && containsID(fk.RefColumns, g.ID) {
					ds.addFK(o, fk.Name, desc)
				}
			}
		}
		if err := x.removeColumn(d, g); err != nil {
			return err
		}
	}
	return nil
}

// renameInGenerated follows RENAME COLUMN in the table's generation
// expressions.
func renameInGenerated(t *catalog.TableDesc, old, new string) error {
	for i := range t.Columns {
		c := &t.Columns[i]
		if c.Dropped || c.Generated == "" {
			continue
		}
		text, err := renameColumnRefs(c.Generated, old, new)
		if err != nil {
			return err
		}
		c.Generated = text
	}
	return nil
}

// copyColumnsOf is copyColumns for COPY of a table: without a column
// list the generated columns are left out (COPY FROM computes them, COPY
// TO does not write them), and naming one is an error, as in PostgreSQL.
func copyColumnsOf(d *catalog.Descriptor, cols []column, list []*pg_query.Node) ([]int, error) {
	targets, err := copyColumns(cols, d.Name, list)
	if err != nil {
		return nil, err
	}
	out := targets[:0:0]
	for _, i := range targets {
		c := &d.Table.Columns[i]
		if c.Generated == "" {
			out = append(out, i)
			continue
		}
		if len(list) > 0 {
			return nil, pgerror.Newf(pgcode.InvalidColumnReference, "column \"%s\" is a generated column", c.Name).
				WithDetail("Generated columns cannot be used in COPY.")
		}
	}
	return out, nil
}

// attGeneratedPos is attgenerated's position in pg_attribute's rows
// (attRow).
const attGeneratedPos = 17

// generationColumns fills information_schema.columns' is_generated and
// generation_expression (the third and second last columns of row) for
// a table's column: ALWAYS and the expression as PostgreSQL's
// pg_get_expr prints it (the stored text when pgDeparser cannot), NEVER
// otherwise.
func generationColumns(row []any, t *catalog.TableDesc, col *catalog.ColumnDesc) []any {
	if col.Generated == "" {
		return row
	}
	text := col.Generated
	p := pgDeparser{table: t}
	if s, ok := p.defaultText(col.Generated, col.Type()); ok {
		text = s
	}
	row[len(row)-3], row[len(row)-2] = "ALWAYS", text
	return row
}

// copyWhereGenerated refuses, as PostgreSQL does, a COPY FROM WHERE
// condition that reads a generated column (its value is not computed
// yet when the condition filters the row).
func copyWhereGenerated(d *catalog.Descriptor, where *pg_query.Node) error {
	var out error
	walk(where, func(m *pg_query.Node) bool {
		if cr := m.GetColumnRef(); cr != nil {
			if c := d.Table.ColumnByName(lastFieldName(cr)); c != nil && c.Generated != "" {
				out = pgerror.New(pgcode.InvalidColumnReference, "generated columns are not supported in COPY FROM WHERE conditions").
					WithDetail("Column \"" + c.Name + "\" is a generated column.")
			}
		}
		return out == nil
	})
	return out
}
