package catalog

import (
	"encoding/binary"
	"slices"
	"strings"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// User-defined types (CREATE TYPE ... AS ENUM) are descriptors of kind
// KindType, stored under their Oid as the other descriptors are, so that
// creating one is transactional and AS OF a past tx sees the types of the
// time. Each has an array type (PostgreSQL's _name), a descriptor of its
// own whose Type.ArrayOf is the element's Oid. Types have their own
// namespace, apart from relations' (pg_type is not pg_class):
//
//	0x01 'y' schema id(4) name      type name entry: the type's Oid (4 bytes)
//
// A column of a user type keeps the type's Oid (ColumnDesc.TypeOid);
// reading a descriptor fills in the column's *types.T from the type's
// descriptor as the same transaction sees it (hydrate), so the rest of
// the server deals with one *types.T per column whatever its kind.
var typeNamePrefix = []byte{0x01, 'y'}

// KindType is a user-defined type's descriptor kind. Persisted.
const KindType = "type"

func typeNameKey(schema uint32, name string) []byte {
	return append(binary.BigEndian.AppendUint32(append([]byte(nil), typeNamePrefix...), schema), name...)
}

// TypeDesc is a user-defined type: an enum, a domain, or the array type
// of one.
type TypeDesc struct {
	// Enum lists an enum's labels (nil for an array type).
	Enum []EnumLabelDesc `json:"enum,omitempty"`
	// Domain is a domain's definition (nil for other types).
	Domain *DomainDesc `json:"domain,omitempty"`
	// ArrayOid is an enum's or a domain's array type.
	ArrayOid uint32 `json:"array_oid,omitempty"`
	// ArrayOf is an array type's element type (0 for an enum).
	ArrayOf uint32 `json:"array_of,omitempty"`
	// Composite is a stand-alone composite type's definition (nil for
	// other types; rowtype.go).
	Composite *CompositeDesc `json:"composite,omitempty"`
}

// DomainDesc is a domain (CREATE DOMAIN): its base type and constraints.
type DomainDesc struct {
	// BaseOid and BaseTypmod are pg_type.typbasetype and typtypmod: a
	// built-in type or another user type (an enum, a domain).
	BaseOid    uint32 `json:"base_oid"`
	BaseTypmod int32  `json:"base_typmod"`
	NotNull    bool   `json:"not_null,omitempty"`
	// Default is the SQL text of the domain's DEFAULT ("" none).
	Default string `json:"default,omitempty"`
	// Checks are the domain's CHECK constraints, in the order they were
	// added.
	Checks []DomainCheckDesc `json:"checks,omitempty"`
}

// DomainCheckDesc is a CHECK constraint of a domain: its pg_constraint
// oid, name and SQL text (VALUE is the value checked). NotValid marks
// one added NOT VALID and not validated since: rows written before it
// were not checked.
type DomainCheckDesc struct {
	Oid      uint32 `json:"oid"`
	Name     string `json:"name"`
	Expr     string `json:"expr"`
	NotValid bool   `json:"not_valid,omitempty"`
	// Comment is COMMENT ON CONSTRAINT ... ON DOMAIN's.
	Comment string `json:"comment,omitempty"`
}

// EnumLabelDesc is one label of an enum: its pg_enum oid, its sort
// position and its text.
type EnumLabelDesc struct {
	Oid   uint32  `json:"oid"`
	Sort  float64 `json:"sort"`
	Label string  `json:"label"`
}

// nameEntryKey is where d's name entry lives.
func (d *Descriptor) nameEntryKey() []byte {
	switch d.Kind {
	case KindType:
		return typeNameKey(d.Schema, d.Name)
	case KindFunction:
		return funcNameKey(d.Schema, d.Name, d.Function.ArgOids)
	}
	return nameKey(d.Schema, d.Name)
}

// LookupType returns the user type named name in a schema, or nil.
func LookupType(txn *engine.Txn, schema uint32, name string) (*Descriptor, error) {
	v, ok, err := txn.Get(typeNameKey(schema, name))
	if err != nil || !ok {
		return nil, err
	}
	if len(v) != 4 {
		return nil, pgerror.Newf(pgcode.DataCorrupted, "catalog: type name entry \"%s\" malformed", name)
	}
	return Get(txn, binary.BigEndian.Uint32(v))
}

// UserType returns the SQL type of a user type's descriptor (an enum, or
// an enum's array type): elem is the element's descriptor for an array
// type, nil otherwise.
func UserType(d, elem *Descriptor) *types.T {
	e := d
	if d.Type.ArrayOf != 0 {
		e = elem
	}
	labels := make([]types.EnumLabel, len(e.Type.Enum))
	for i, l := range e.Type.Enum {
		labels[i] = types.EnumLabel{Oid: l.Oid, Sort: l.Sort, Label: l.Label}
	}
	enum, array := types.NewEnum(e.ID, e.Type.ArrayOid, e.Schema, e.Name, labels)
	if d.Type.ArrayOf != 0 {
		return array
	}
	return enum
}

// TypeByOid returns a user type by its Oid as the transaction sees it;
// ok is false when there is none.
func TypeByOid(txn *engine.Txn, oid uint32) (t *types.T, ok bool, err error) {
	return typeByOid(txn, oid, 0)
}

// maxDomainDepth bounds the chain of domains over domains TypeByOid
// follows, against a catalog that would loop.
const maxDomainDepth = 32

func typeByOid(txn *engine.Txn, oid uint32, depth int) (t *types.T, ok bool, err error) {
	if _, _, derived := RowTypeRelation(oid); derived {
		return rowTypeByOid(txn, oid, depth)
	}
	d, err := getStored(txn, oid)
	if err != nil || d == nil || d.Kind != KindType {
		return nil, false, err
	}
	if d.IsComposite() {
		return compositeType(txn, d, false, depth)
	}
	if d.Type.Domain != nil || d.Type.ArrayOf != 0 {
		if t, ok, err := domainType(txn, d, depth); ok || err != nil {
			return t, ok, err
		}
	}
	var elem *Descriptor
	if d.Type.ArrayOf != 0 {
		if elem, err = getStored(txn, d.Type.ArrayOf); err != nil {
			return nil, false, err
		}
		if elem == nil || elem.Kind != KindType {
			return nil, false, pgerror.Newf(pgcode.DataCorrupted, "catalog: array type %d has no element type %d", oid, d.Type.ArrayOf)
		}
		if elem.IsComposite() {
			return compositeType(txn, elem, true, depth)
		}
	}
	t = UserType(d, elem)
	e := t
	if e.Elem != nil {
		e = e.Elem
	}
	if s, err := getStored(txn, e.Enum.Schema); err != nil {
		return nil, false, err
	} else if s != nil {
		e.Enum.SchemaName = s.Name
	}
	return t, true, nil
}

// domainType returns the type of a domain's descriptor, or of a
// domain's array type; ok is false for another type's descriptor.
func domainType(txn *engine.Txn, d *Descriptor, depth int) (t *types.T, ok bool, err error) {
	if depth > maxDomainDepth {
		return nil, false, pgerror.Newf(pgcode.DataCorrupted, "catalog: domain %d is over too many domains", d.ID)
	}
	if d.Type.ArrayOf != 0 {
		elem, err := getStored(txn, d.Type.ArrayOf)
		if err != nil || elem == nil || elem.Kind != KindType || elem.Type.Domain == nil {
			return nil, false, err
		}
		e, ok, err := domainType(txn, elem, depth+1)
		if err != nil || !ok {
			return nil, false, err
		}
		a, ok := types.ArrayOf(e)
		return a, ok, nil
	}
	dd := d.Type.Domain
	base, ok := types.ByOid(dd.BaseOid)
	if !ok {
		if base, ok, err = typeByOid(txn, dd.BaseOid, depth+1); err != nil {
			return nil, false, err
		}
		if !ok {
			return nil, false, pgerror.Newf(pgcode.DataCorrupted, "catalog: domain %d has no base type %d", d.ID, dd.BaseOid)
		}
	}
	if base.Domain == nil {
		base = base.WithTypmod(dd.BaseTypmod)
	}
	def := &types.DomainDef{Oid: d.ID, ArrayOid: d.Type.ArrayOid, Schema: d.Schema, Name: d.Name, NotNull: dd.NotNull, Default: dd.Default}
	for _, c := range dd.Checks {
		def.Checks = append(def.Checks, types.DomainCheck{Name: c.Name, Expr: c.Expr})
	}
	slices.SortFunc(def.Checks, func(a, b types.DomainCheck) int { return strings.Compare(a.Name, b.Name) })
	if s, err := getStored(txn, d.Schema); err != nil {
		return nil, false, err
	} else if s != nil {
		def.SchemaName = s.Name
	}
	return types.NewDomain(base, def), true, nil
}

// droppedType stands for a user type that no longer exists, in a column
// dropped before the type was: such a column is never read, but its
// table's layout still lists it. Its values cannot be decoded.
func droppedType(oid uint32) *types.T {
	t, _ := types.NewEnum(oid, 0, 0, "-", nil)
	return t
}

// hydrate fills in the types of d's columns that are user types.
func hydrate(txn *engine.Txn, d *Descriptor) error {
	return hydrateDepth(txn, d, 0)
}

// hydrateDepth is hydrate for a descriptor met depth steps down a chain
// of composite types (a column of a composite type whose field is of
// another...), which bounds a catalog that would loop.
func hydrateDepth(txn *engine.Txn, d *Descriptor, depth int) error {
	var cache map[uint32]*types.T
	resolve := func(oid uint32) (*types.T, error) {
		if t, ok := cache[oid]; ok {
			return t, nil
		}
		t, ok, err := typeByOid(txn, oid, depth)
		if err != nil {
			return nil, err
		}
		if !ok {
			t = droppedType(oid)
		}
		if cache == nil {
			cache = map[uint32]*types.T{}
		}
		cache[oid] = t
		return t, nil
	}
	var slots []*columnType
	if d.Table != nil {
		for i := range d.Table.Columns {
			slots = append(slots, &d.Table.Columns[i].columnType)
		}
	}
	if d.View != nil {
		for i := range d.View.Columns {
			slots = append(slots, &d.View.Columns[i].columnType)
		}
	}
	if d.IsComposite() {
		for i := range d.Type.Composite.Attributes {
			slots = append(slots, &d.Type.Composite.Attributes[i].columnType)
		}
	}
	for _, c := range slots {
		if c.TypeOid < FirstUserID {
			continue
		}
		t, err := resolve(c.TypeOid)
		if err != nil {
			return err
		}
		if t.Domain != nil || (t.Elem != nil && t.Elem.Domain != nil) {
			// A domain's modifier is its own (typtypmod); the
			// column's is -1, as in PostgreSQL.
			c.typ = t
			continue
		}
		c.typ = t.WithTypmod(c.Typmod)
	}
	return nil
}
