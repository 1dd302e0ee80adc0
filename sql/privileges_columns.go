package sql

import (
	"github.com/stela-db/stela/catalog"
)

// Column privilege checks, as PostgreSQL's ExecCheckRTEPerms: a
// statement that lacks a table privilege on a relation may still use it
// when it holds that privilege on every column it uses there. SELECT is
// checked on the columns a statement reads (select list, WHERE, ORDER
// BY, RETURNING...; * and whole-row references read every column),
// INSERT on the columns it gives values, UPDATE on the columns it sets.
// A statement that reads no column of a table it scans (count(*),
// SELECT 1 FROM t) needs the privilege on at least one column, as
// PostgreSQL asks; the rows an UPDATE or DELETE reads of its own target
// need SELECT only on the columns it reads there (none: none). A system
// column has no column privileges: reading one needs the table's.
//
// The planner makes a columnUse for each such need and puts it on the
// columns it makes for the relation (column.use); a scope marks a column
// used as it resolves a reference to it, and * and whole-row references
// mark each column they expand to. A view's columns mark the view's use
// (its query marks its own tables' as it is planned).

// columnUse collects the columns of one relation a statement uses for
// one privilege.
type columnUse struct {
	desc    *catalog.Descriptor
	attnums map[int16]bool
	// system is set when a system column was read.
	system bool
	// onlyUsed: nothing is needed when no column is used (an UPDATE's
	// or DELETE's read of its target).
	onlyUsed bool
	// refs, when set, collects the references a query being planned
	// makes to the columns (view_column_rename.go).
	refs *columnRefLog
}

// mark records a use of the column at attNum (0 or less: a system
// column).
func (u *columnUse) mark(attNum int16) {
	if u == nil {
		return
	}
	if attNum <= 0 {
		u.system = true
		return
	}
	if u.attnums == nil {
		u.attnums = map[int16]bool{}
	}
	u.attnums[attNum] = true
}

// markColumn records the use of a column made for a relation.
func markColumn(c column) {
	if c.use != nil {
		c.use.mark(c.useAt)
	}
}

// needColumns notes privs on relation d, which column privileges may
// meet, and returns the use the columns the statement uses are marked
// in.
func (pl *planner) needColumns(privs string, d *catalog.Descriptor, onlyUsed bool) *columnUse {
	u := &columnUse{desc: d, onlyUsed: onlyUsed}
	if l := pl.columnRefs; l != nil && l.rel == d.ID {
		u.refs = l
	}
	pl.need(privNeed{tables: privs, rel: d.ID, relOwner: d.Owner, object: relKindWord(d) + " " + d.Name, cols: u})
	return u
}

// withUse returns a table's cols, each marking its uses in u at its
// attnum (system columns, attNum 0, as needing the table's privilege).
func withUse(cols []column, u *columnUse) []column {
	out := append([]column(nil), cols...)
	for i := range out {
		out[i].use, out[i].useAt = u, out[i].attNum
	}
	return out
}

// withViewUse returns a view's cols, each marking its uses in u at its
// position; a view's columns are numbered as its definition lists them.
func withViewUse(cols []column, d *catalog.Descriptor, u *columnUse) []column {
	if len(cols) != len(d.View.Columns) {
		return cols // not the view's own list: no column privileges
	}
	out := append([]column(nil), cols...)
	for i := range out {
		out[i].use, out[i].useAt = u, int16(i+1)
	}
	return out
}

// hasColumns reports whether the rights hold privs (one letter) on the
// columns u used, as the need's fallback when the table privilege is
// missing.
func (r *rights) hasColumns(privs string, u *columnUse) bool {
	if u.system || len(privs) != 1 {
		return false
	}
	d := u.desc
	if len(u.attnums) == 0 {
		if u.onlyUsed {
			return true
		}
		for _, id := range liveColumnIDs(d) {
			if catalog.Has(r.grant.OnColumn(d.ID, id), privs) {
				return true
			}
		}
		return false
	}
	for a := range u.attnums {
		id, ok := columnIDAt(d, a)
		if !ok || !catalog.Has(r.grant.OnColumn(d.ID, id), privs) {
			return false
		}
	}
	return true
}

// columnIDAt returns the id of the column at attnum a of a table, the
// attnum itself for a view's column.
func columnIDAt(d *catalog.Descriptor, a int16) (uint32, bool) {
	switch {
	case d.Table != nil:
		if a >= 1 && int(a) <= len(d.Table.Columns) {
			return d.Table.Columns[a-1].ID, true
		}
	case d.View != nil:
		if a >= 1 && int(a) <= len(d.View.Columns) {
			return uint32(a), true
		}
	}
	return 0, false
}

// liveColumnIDs lists the ids of a relation's columns a grant can name.
func liveColumnIDs(d *catalog.Descriptor) []uint32 {
	var out []uint32
	switch {
	case d.Table != nil:
		for _, c := range d.Table.Columns {
			if !c.Dropped && !c.Hidden {
				out = append(out, c.ID)
			}
		}
	case d.View != nil:
		for i := range d.View.Columns {
			out = append(out, uint32(i+1))
		}
	}
	return out
}
