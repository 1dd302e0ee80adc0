package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Column privileges: GRANT SELECT (a, b), UPDATE (c) ON t TO r. As in
// PostgreSQL they sit beside the table's privileges: a column privilege
// lets a statement use that column when the table privilege is missing
// (privileges_columns.go), and a REVOKE of a table privilege takes the
// same privilege from every column of the table too. They are kept in the
// grant records by relation and column id (catalog/grants.go), so they
// are in the system log with the other grants and read as of any system
// tx.

// columnPrivLetters are the aclitem letters of the privileges a column
// takes, by name in GRANT.
var columnPrivLetters = map[string]string{"select": "r", "insert": "a", "update": "w", "references": "x"}

// columnGrantLetters reads the column part of a privilege item: the
// letters it grants on the columns it names, added to cols (column name
// -> letters). ALL (a, b) is every column privilege.
func columnGrantLetters(ap *pg_query.AccessPriv, cols map[string]string) error {
	letters := catalog.ColumnPrivs
	if ap.PrivName != "" {
		l, ok := columnPrivLetters[ap.PrivName]
		if !ok {
			return pgerror.Newf(pgcode.InvalidGrantOperation, "invalid privilege type %s for column", strings.ToUpper(ap.PrivName))
		}
		letters = l
	}
	for _, c := range ap.Cols {
		name := c.GetString_().GetSval()
		cols[name] = catalog.NormPrivs(cols[name]+letters, catalog.ColumnPrivs)
	}
	return nil
}

// errColumnPrivsNotRelation is PostgreSQL's refusal of column privileges
// on anything but a table or view.
func errColumnPrivsNotRelation() error {
	return pgerror.New(pgcode.InvalidGrantOperation, "column privileges are only valid for relations")
}

// checkGrantColumns refuses a column a GRANT or REVOKE names that one of
// its relations lacks (42703), and column privileges on a sequence.
func checkGrantColumns(rels []*catalog.Descriptor, cols map[string]string) error {
	if len(cols) == 0 {
		return nil
	}
	for _, d := range rels {
		if d.Kind == catalog.KindSequence {
			return pgerror.New(pgcode.FeatureNotSupported, "column privileges on sequences are not supported")
		}
		for name := range cols {
			if _, ok := grantColumnID(d, name); !ok {
				return pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", name, d.Name)
			}
		}
	}
	return nil
}

// grantColumnID returns the id of a relation's live column by name. A
// view's columns are numbered from 1 in order, as its attnums.
func grantColumnID(d *catalog.Descriptor, name string) (uint32, bool) {
	switch {
	case d.Table != nil:
		for i := range d.Table.Columns {
			c := &d.Table.Columns[i]
			if c.Name == name && !c.Dropped && !c.Hidden {
				return c.ID, true
			}
		}
	case d.View != nil:
		for i, c := range d.View.Columns {
			if c.Name == name {
				return uint32(i + 1), true
			}
		}
	}
	return 0, false
}

// changeColumnGrants applies the column part of a GRANT or REVOKE on
// relation d to a grant.
func changeColumnGrants(g *catalog.Grant, d *catalog.Descriptor, cols map[string]string, grant bool) {
	for name, letters := range cols {
		id, _ := grantColumnID(d, name) // checked by checkGrantColumns
		if grant {
			g.SetColumn(d.ID, id, g.OnColumn(d.ID, id)+letters)
		} else {
			g.SetColumn(d.ID, id, withoutLetters(g.OnColumn(d.ID, id), letters))
		}
	}
}

// revokeFromColumns takes letters from every column of relation rel (or
// of every relation, rel 0): a REVOKE of a table privilege revokes it
// from the columns too, as in PostgreSQL.
func revokeFromColumns(g *catalog.Grant, rel uint32, letters string) {
	for r, cols := range g.Columns {
		if rel != 0 && r != rel {
			continue
		}
		for col, l := range cols {
			g.SetColumn(r, col, withoutLetters(l, letters))
		}
	}
}

// withoutLetters returns set without the letters of drop.
func withoutLetters(set, drop string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(drop, r) {
			return -1
		}
		return r
	}, set)
}
