package sql

import (
	"github.com/stela-db/stela/catalog"
)

// tableColumns returns the columns of a table as a scan outputs them, in
// row-encoding order, qualified by alias: the hidden row id is marked
// hidden, and dropped columns are hidden and nameless (an identifier
// cannot be empty, so nothing refers to them). The first primary-key
// column is marked neverNull: it is in every version of every row, a
// history scan's deletes included.
func tableColumns(d *catalog.Descriptor, alias string) []column {
	var out []column
	keyID, hasKey := uint32(0), len(d.Table.PrimaryKey.Columns) > 0
	if hasKey {
		keyID = d.Table.PrimaryKey.Columns[0].ColumnID
	}
	attnum := int16(0)
	for i := range d.Table.Columns {
		c := &d.Table.Columns[i]
		attnum++
		if c.Dropped {
			out = append(out, column{table: alias, typ: c.Type(), hidden: true, tableOID: d.ID, attNum: attnum, rel: d})
			continue
		}
		out = append(out, column{name: c.Name, table: alias, typ: c.Type(), hidden: c.Hidden, tableOID: d.ID, attNum: attnum, neverNull: hasKey && c.ID == keyID, rel: d})
	}
	return out
}
