package sql

import "github.com/stela-db/stela/catalog"

// DROP SCHEMA ... CASCADE and the types of the schema. What depends on a
// schema's relations is in the drop set (ddl_deps.go), but what uses
// its types from other schemas (a column of a table elsewhere, a view, a
// function, a domain over one) is found the way DROP TYPE ... CASCADE
// finds it (ddl_droptype_cascade.go): the types go through that, after
// the rest, and the schemas after them, as their objects' name entries
// are under them. Before, the types were deleted alone and left those
// users naming a type that no longer existed (psql showed "???").

// applySchemaDrop applies ds, a drop set of DROP SCHEMA.
func (x *execCtx) applySchemaDrop(ds *dropSet) error {
	dropped := map[uint32]bool{}
	for _, d := range ds.objs {
		if d.Kind == catalog.KindSchema {
			dropped[d.ID] = true
		}
	}
	var typs, schemas []*catalog.Descriptor
	kept := ds.objs[:0]
	for _, d := range ds.objs {
		switch {
		case d.Kind == catalog.KindSchema:
			schemas = append(schemas, d)
		case d.Kind == catalog.KindType && dropped[d.Schema]:
			typs = append(typs, d)
		default:
			kept = append(kept, d)
		}
	}
	ds.objs = kept
	if err := ds.apply(); err != nil {
		return err
	}
	if len(typs) > 0 {
		if err := x.dropTypesCascade(typs); err != nil {
			return err
		}
	}
	for _, s := range schemas {
		if err := catalog.Delete(x.txn, s); err != nil {
			return err
		}
	}
	return nil
}
