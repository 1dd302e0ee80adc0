package sql

import "github.com/stela-db/stela/catalog"

// relationColumns lists the columns of any relation as pg_attribute has
// them, for the functions that take a relation and a column by name or
// number (has_column_privilege, pg_get_serial_sequence): a catalog
// relation's, a table's, a view's, a sequence's and a composite type's.
// names[i] is attnum i+1's name, "" for a dropped or hidden column;
// ids[i] is what its column grants are kept by (a table column's id,
// otherwise the attnum). d is the relation's descriptor when the caller
// has it (nil: looked up).
func relationColumns(x *execCtx, oid uint32, d *catalog.Descriptor) (names []string, ids []uint32, err error) {
	add := func(name string, id uint32) {
		names, ids = append(names, name), append(ids, id)
	}
	if vt := vtableByOID(oid); vt != nil {
		for i, c := range vt.cols {
			add(c.name, uint32(i+1))
		}
		return names, ids, nil
	}
	if d == nil {
		if d, err = catalog.Get(x.txn, oid); err != nil {
			return nil, nil, err
		}
	}
	if d == nil {
		if d, err = compositeByRelid(x, oid); err != nil || d == nil {
			return nil, nil, err
		}
	}
	switch {
	case d.Kind == catalog.KindTable:
		for i := range d.Table.Columns {
			c := &d.Table.Columns[i]
			if c.Hidden || c.Dropped {
				add("", c.ID)
			} else {
				add(c.Name, c.ID)
			}
		}
	case d.Kind == catalog.KindView:
		for i, c := range d.View.Columns {
			add(c.Name, uint32(i+1))
		}
	case d.Kind == catalog.KindSequence:
		for i, c := range seqRelColumns {
			add(c.name, uint32(i+1))
		}
	case d.IsComposite():
		for i, a := range d.Type.Composite.Attributes {
			add(a.Name, uint32(i+1))
		}
	}
	return names, ids, nil
}
