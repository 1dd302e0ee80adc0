package catalog

import (
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Row types, the named composite types of PostgreSQL, come in two kinds
// that share one shape here (RowType):
//
//   - every table and view has one of its own name, whose fields are its
//     visible columns. Nothing is stored for it: it is derived from the
//     relation's descriptor, so it follows ALTER TABLE as PostgreSQL's
//     does. Its OID is derived from the relation's id (below).
//   - CREATE TYPE c AS (a int, b text) makes a stand-alone composite type:
//     a KindType descriptor (types.go) whose TypeDesc.Composite lists its
//     attributes, with an array type _c beside it as every user type has.
//     Its OID is the descriptor's id, as an enum's is; its relation (the
//     pg_class row of relkind 'c' PostgreSQL gives a composite type, which
//     holds its pg_attribute rows) has an OID of its own, allocated with
//     the type and kept in CompositeDesc.Relid.
//
// A column may be of either (a composite-typed column): it keeps the
// type's OID like a column of any user type, and reading its descriptor
// fills in the type's current fields (hydrate).
//
// A relation's row type OID is 0x3C000000 + (relation id - 16384), its
// array type's (t[], pg_type's _t) 0x3C080000 + (relation id - 16384),
// beside the other derived OIDs of sql/pgcatalog_oid.go.
const (
	// MaxDescriptorID bounds the descriptor ids that have derived OIDs.
	MaxDescriptorID = FirstUserID + 1<<19
	rowTypeBase     = 0x3C000000
	rowArrayBase    = rowTypeBase + (MaxDescriptorID - FirstUserID)
)

// CompositeDesc is a stand-alone composite type (CREATE TYPE ... AS).
type CompositeDesc struct {
	// Relid is the OID of the type's pg_class row (relkind 'c').
	Relid uint32 `json:"relid"`
	// Attributes are its fields, in order.
	Attributes []ViewColumn `json:"attributes"`
}

// IsComposite reports whether d is a stand-alone composite type.
func (d *Descriptor) IsComposite() bool {
	return d != nil && d.Kind == KindType && d.Type != nil && d.Type.Composite != nil
}

// HasRowType reports whether a descriptor is a relation with a row type
// (a table, a materialized view or a view) or a stand-alone composite
// type. Sequences and indexes have none, as in PostgreSQL 15.
func HasRowType(d *Descriptor) bool {
	return d != nil && (d.Kind == KindTable && d.Table != nil || d.Kind == KindView && d.View != nil || d.IsComposite())
}

// RowTypeOID is the pg_type OID of d's row type, 0 when it has none.
func RowTypeOID(d *Descriptor) uint32 {
	if d.IsComposite() {
		return d.ID
	}
	if !HasRowType(d) || d.ID < FirstUserID || d.ID >= MaxDescriptorID {
		return 0
	}
	return rowTypeBase + d.ID - FirstUserID
}

// RowArrayOID is the pg_type OID of the array type of d's row type, 0
// when it has none.
func RowArrayOID(d *Descriptor) uint32 {
	if d.IsComposite() {
		return d.Type.ArrayOid
	}
	if oid := RowTypeOID(d); oid != 0 {
		return oid - rowTypeBase + rowArrayBase
	}
	return 0
}

// RowTypeRelid is pg_type.typrelid of d's row type: the relation, or the
// composite type's own relation.
func RowTypeRelid(d *Descriptor) uint32 {
	if d.IsComposite() {
		return d.Type.Composite.Relid
	}
	return d.ID
}

// RowTypeRelation is the relation whose derived row type, or the array
// type of it (array), has OID oid; ok is false for any other OID (a
// stand-alone composite type's OID is its descriptor's id).
func RowTypeRelation(oid uint32) (id uint32, array bool, ok bool) {
	const span = MaxDescriptorID - FirstUserID
	switch {
	case oid >= rowTypeBase && oid < rowTypeBase+span:
		return oid - rowTypeBase + FirstUserID, false, true
	case oid >= rowArrayBase && oid < rowArrayBase+span:
		return oid - rowArrayBase + FirstUserID, true, true
	}
	return 0, false, false
}

// RowType is d's row type; d has one (HasRowType) and was read with
// Get, so its columns' user types are filled in.
func RowType(d *Descriptor) *types.T {
	var fields []types.Field
	switch {
	case d.IsComposite():
		for i := range d.Type.Composite.Attributes {
			a := &d.Type.Composite.Attributes[i]
			fields = append(fields, types.Field{Name: a.Name, T: a.Type()})
		}
	case d.Kind == KindView:
		for i := range d.View.Columns {
			c := &d.View.Columns[i]
			fields = append(fields, types.Field{Name: c.Name, T: c.Type()})
		}
	default:
		for i := range d.Table.Columns {
			c := &d.Table.Columns[i]
			if !c.Dropped && !c.Hidden {
				fields = append(fields, types.Field{Name: c.Name, T: c.Type()})
			}
		}
	}
	return types.NewRowType(RowTypeOID(d), RowArrayOID(d), d.Name, types.RowTypeDef{Relid: RowTypeRelid(d), Schema: d.Schema}, fields)
}

// rowTypeByOid is the type of a row-type OID: a relation's derived row
// type or its array type, or a stand-alone composite type's descriptor
// (comp, nil otherwise) or its array type's (array, whose element comp
// is). ok is false when oid is none of these.
func rowTypeByOid(txn *engine.Txn, oid uint32, depth int) (t *types.T, ok bool, err error) {
	if depth > maxDomainDepth {
		return nil, false, pgerror.Newf(pgcode.DataCorrupted, "catalog: row type %d nests too deeply", oid)
	}
	id, array, ok := RowTypeRelation(oid)
	if !ok {
		return nil, false, nil
	}
	d, err := getStored(txn, id)
	if err != nil || !HasRowType(d) || d.IsComposite() {
		return nil, false, err
	}
	if err := hydrateDepth(txn, d, depth+1); err != nil {
		return nil, false, err
	}
	t = RowType(d)
	if array {
		t, ok = types.ArrayOf(t)
	}
	return t, ok, nil
}

// compositeType is the type of a stand-alone composite type's descriptor
// d, or its array type (array).
func compositeType(txn *engine.Txn, d *Descriptor, array bool, depth int) (*types.T, bool, error) {
	if depth > maxDomainDepth {
		return nil, false, pgerror.Newf(pgcode.DataCorrupted, "catalog: composite type %d nests too deeply", d.ID)
	}
	if err := hydrateDepth(txn, d, depth+1); err != nil {
		return nil, false, err
	}
	t := RowType(d)
	if array {
		a, ok := types.ArrayOf(t)
		return a, ok, nil
	}
	return t, true, nil
}

// UsesType reports whether a column of type t holds values of the type
// with OID oid: t itself, its array, or a composite type with a field
// that does (at any depth).
func UsesType(t *types.T, oid uint32) bool {
	if t == nil {
		return false
	}
	if t.Oid == oid || t.Domain != nil && t.Domain.Oid == oid {
		return true
	}
	if t.Elem != nil {
		return UsesType(t.Elem, oid)
	}
	if t.Row != nil {
		for _, f := range t.Fields {
			if UsesType(f.T, oid) {
				return true
			}
		}
	}
	return false
}
