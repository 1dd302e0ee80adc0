package sql

import (
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// What depends on a user function inside a table that stays: a column's
// DEFAULT and a CHECK constraint bound to it (table_funcs.go). As in
// PostgreSQL, DROP FUNCTION refuses while one does (2BP01: "default
// value for column a of table t depends on function f()", "constraint
// t_b_check on table t depends on function g(integer)") and, with
// CASCADE, drops the default or the constraint, not the table.

// checkDrop is a CHECK constraint a cascade drops (its table stays).
type checkDrop struct {
	table *catalog.Descriptor
	name  string
}

// functionUsers notes the defaults, generated columns, CHECK constraints
// and expression indexes of surviving tables bound to function d, in
// the order PostgreSQL usually lists them (its order of creation: a
// table's defaults and generated columns, its constraints, then its
// indexes); what describes d.
func (ds *dropSet) functionUsers(d *catalog.Descriptor, what string) {
	x := ds.g.x
	for _, o := range ds.g.all {
		if !tableCallsFunction(o, d.ID) || ds.in[o.ID] && o.ID != ds.keep {
			continue
		}
		desc := x.describe(o)
		uses := func(c *catalog.ColumnDesc) bool {
			return !c.Dropped && !(ds.keep == o.ID && c.ID == ds.keepDropCol) && containsID(c.Functions, d.ID)
		}
		for _, c := range o.Table.Columns {
			if c.IndexKey || !uses(&c) {
				continue
			}
			if c.Generated != "" {
				// CASCADE would drop the column: refused
				// (refuseUnsupportedCascade). Its expression is no
				// default to clear.
				ds.noteExprUser("column "+c.Name+" of "+desc, what)
				ds.generatedUsed = true
				continue
			}
			if ds.noteExprUser("default value for column "+c.Name+" of "+desc, what) {
				ds.defaults = append(ds.defaults, defaultDrop{table: o, col: c.ID, fn: d.ID})
			}
		}
		for _, ck := range o.Table.Checks {
			if !containsID(ck.Functions, d.ID) || ds.hasCheck(o.ID, ck.Name) {
				continue
			}
			ds.noteExprUser("constraint "+ck.Name+" on "+desc, what)
			ds.checks = append(ds.checks, checkDrop{table: o, name: ck.Name})
		}
		for _, c := range o.Table.Columns {
			if !c.IndexKey || !uses(&c) {
				continue
			}
			// CASCADE would drop the index: refused
			// (refuseUnsupportedCascade).
			ds.generatedUsed = true
			for _, ix := range o.Table.AllIndexes() {
				if indexReadsColumn(ix, c.ID) {
					ds.noteExprUser("index "+x.indexName(o, ix.Name), what)
				}
			}
		}
	}
}

// noteExprUser notes desc, an expression's owner, as depending on what
// (a function dropped), unless it is noted already: an index whose keys
// call the function twice, or an expression calling two functions the
// statement drops, is one dependent, which PostgreSQL lists once (found
// through the first function). It reports whether desc is new.
func (ds *dropSet) noteExprUser(desc, what string) bool {
	for _, c := range ds.cascaded {
		if c == desc {
			return false
		}
	}
	ds.note(desc, what)
	return true
}

// indexReadsColumn reports whether a key of index ix is column col.
func indexReadsColumn(ix *catalog.IndexDesc, col uint32) bool {
	for _, ic := range ix.Columns {
		if ic.ColumnID == col {
			return true
		}
	}
	return false
}

// indexName names an index of table o as describe names o: qualified
// when the table is.
func (x *execCtx) indexName(o *catalog.Descriptor, name string) string {
	if q := x.qualifiedName(o); q != o.Name {
		return strings.TrimSuffix(q, o.Name) + name
	}
	return name
}

func (ds *dropSet) hasCheck(table uint32, name string) bool {
	for _, c := range ds.checks {
		if c.table.ID == table && c.name == name {
			return true
		}
	}
	return false
}

// errGeneratedCascade refuses a CASCADE that would drop a generated
// column or an index (PostgreSQL drops them; stela does not yet).
func errGeneratedCascade(dependents []string) error {
	return pgerror.New(pgcode.FeatureNotSupported, "DROP ... CASCADE of a function a generated column or an index expression calls is not supported").
		WithDetail(strings.Join(dependents, "\n")).
		WithHint("Drop the column or the index first.")
}

// dropBoundDefault removes, from column c, the default bound to function
// fn that a cascade drops.
func dropBoundDefault(c *catalog.ColumnDesc, fn uint32) {
	if fn != 0 && containsID(c.Functions, fn) {
		c.Default, c.Functions = "", nil
	}
}

// applyCheckDrops removes the CHECK constraints a cascade drops.
func (ds *dropSet) applyCheckDrops() error {
	x := ds.g.x
	for _, cd := range ds.checks {
		d, err := catalog.Get(x.txn, cd.table.ID)
		if err != nil {
			return err
		}
		if d == nil {
			continue
		}
		t := d.Table
		kept := t.Checks[:0]
		for _, ck := range t.Checks {
			if ck.Name != cd.name {
				kept = append(kept, ck)
			}
		}
		t.Checks = kept
		if err := catalog.Put(x.txn, d); err != nil {
			return err
		}
	}
	return nil
}
