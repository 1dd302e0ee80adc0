package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// The comments COMMENT ON keeps (ddl_comment.go) as pg_description
// shows them: by object OID, the OID of the catalog that lists the
// object (pgClassOID ..., pgcatalog_depend.go), and a column's attnum
// (0 for the object itself).

// comment is one pg_description row.
type comment struct {
	objoid, classoid uint32
	objsubid         int
	text             string
}

// commentsOf lists the comments of one descriptor and of what it holds
// (columns, indexes, constraints).
func commentsOf(d *catalog.Descriptor) ([]comment, error) {
	var out []comment
	add := func(oid, class uint32, sub int, text string) {
		if text != "" {
			out = append(out, comment{oid, class, sub, text})
		}
	}
	switch d.Kind {
	case catalog.KindSchema:
		add(d.ID, pgNamespaceOID, 0, d.Comment)
	case catalog.KindType:
		add(d.ID, pgTypeOID, 0, d.Comment)
		if dd := d.Type.Domain; dd != nil {
			for _, ck := range dd.Checks {
				add(ck.Oid, pgConstraintOID, 0, ck.Comment)
			}
		}
	case catalog.KindFunction:
		add(d.ID, pgProcOID, 0, d.Comment)
	case catalog.KindSequence:
		add(d.ID, pgClassOID, 0, d.Comment)
	case catalog.KindView:
		add(d.ID, pgClassOID, 0, d.Comment)
		for i, c := range d.View.Columns {
			add(d.ID, pgClassOID, i+1, c.Comment)
		}
	case catalog.KindTable:
		t := d.Table
		add(d.ID, pgClassOID, 0, d.Comment)
		for i := range t.Columns {
			if c := &t.Columns[i]; !c.Dropped && !c.Hidden {
				add(d.ID, pgClassOID, i+1, c.Comment)
			}
		}
		for _, ix := range catalog.NamedIndexes(t) {
			if ix.Comment == "" && ix.ConstraintComment == "" {
				continue
			}
			oid, err := indexOID(d.ID, ix.ID)
			if err != nil {
				return nil, err
			}
			add(oid, pgClassOID, 0, ix.Comment)
			if ix.ConstraintComment != "" {
				con, err := subOID(oidConstraintTag, d.ID, int(ix.ID))
				if err != nil {
					return nil, err
				}
				add(con, pgConstraintOID, 0, ix.ConstraintComment)
			}
		}
		slots := constraintSlots(t)
		for _, ck := range t.Checks {
			if err := addConstraintComment(add, d.ID, slots[ck.Name], ck.Comment); err != nil {
				return nil, err
			}
		}
		for _, fk := range t.ForeignKeys {
			if err := addConstraintComment(add, d.ID, slots[fk.Name], fk.Comment); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func addConstraintComment(add func(uint32, uint32, int, string), table uint32, slot int, text string) error {
	if text == "" {
		return nil
	}
	oid, err := subOID(oidConstraintTag, table, slot)
	if err != nil {
		return err
	}
	add(oid, pgConstraintOID, 0, text)
	return nil
}

// catalogComments are pg_description's rows of the catalog's objects.
func catalogComments(c *vctx) ([][]types.Datum, error) {
	descs, err := c.all()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range append(descs[:len(descs):len(descs)], c.userTypes...) {
		cs, err := commentsOf(d)
		if err != nil {
			return nil, err
		}
		for _, cm := range cs {
			out = append(out, []types.Datum{dOid(cm.objoid), dOid(cm.classoid), dInt(cm.objsubid), cm.text})
		}
	}
	return out, nil
}

// catalogComment is objectComment for a catalog function.
func catalogComment(c *expr.Context, oid, class uint32, sub int) (types.Datum, error) {
	x, err := execOf(c)
	if err != nil {
		return nil, err
	}
	return objectComment(x, oid, class, sub)
}

// objectComment is the comment of the object oid in catalog class (0:
// any), of its column sub if sub > 0; nil if none. The object is found
// from its OID (pgcatalog_oid.go), not by listing the catalog: psql
// asks for each column of a table it describes.
func objectComment(x *execCtx, oid, class uint32, sub int) (types.Datum, error) {
	table := oid
	if tag, t, _ := splitSubOID(oid); tag != 0 {
		table = t
	}
	if table < catalog.FirstUserID || table >= oidMaxDescriptor {
		if oid == catalog.PlpgsqlOID && (class == 0 || class == pgExtensionOID) && sub == 0 {
			return extensionComment(x, oid)
		}
		return nil, nil
	}
	if class == pgExtensionOID || class == 0 && sub == 0 {
		if c, err := extensionComment(x, oid); err != nil || c != nil || class == pgExtensionOID {
			return c, err
		}
	}
	d, err := catalog.Get(x.txn, table)
	if err != nil || d == nil {
		return nil, err
	}
	cs, err := commentsOf(d)
	if err != nil {
		return nil, err
	}
	for _, cm := range cs {
		if cm.objoid == oid && (class == 0 || cm.classoid == class) && cm.objsubid == sub {
			return cm.text, nil
		}
	}
	return nil, nil
}
