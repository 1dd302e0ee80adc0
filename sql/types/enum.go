package types

import (
	"sort"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Enum types (CREATE TYPE ... AS ENUM). Unlike the built-in types, an
// enum's descriptor is made from its database's catalog (NewEnum), so two
// databases may have different enums under the same Oid: an enum *T is
// never looked up by Oid here, only carried from the catalog to where its
// values are read and written.
//
// A value is its label, a Go string, as it is on the wire in both formats
// and in stored rows: a row in the log is readable without the catalog,
// and the label a value had when it was written is the label it reads
// back with. Labels order by their sort position (pg_enum.enumsortorder),
// not by their text; index keys encode that position (engine/keyenc).

// MaxEnumLabel is PostgreSQL's NAMEDATALEN-1: the longest label, in bytes.
const MaxEnumLabel = 63

// EnumLabel is one value of an enum type: pg_enum's row.
type EnumLabel struct {
	// Oid is pg_enum.oid.
	Oid Oid
	// Sort is pg_enum.enumsortorder: labels order by it. ALTER TYPE ...
	// ADD VALUE BEFORE/AFTER puts a new label between two others, so it
	// is not a whole number then.
	Sort float64
	// Label is pg_enum.enumlabel.
	Label string
}

// EnumDef is what an enum type has beyond its pg_type row.
type EnumDef struct {
	// Schema is the Oid of the type's schema (pg_type.typnamespace),
	// SchemaName its name (information_schema's udt_schema).
	Schema     Oid
	SchemaName string
	// Labels are the type's values in sort order.
	Labels []EnumLabel
	// sortOf maps a label to its sort position.
	sortOf map[string]float64
}

// NewEnum returns the descriptor of an enum type and of its array type.
// labels may come in any order; they are sorted by Sort.
func NewEnum(oid, arrayOid, schema Oid, name string, labels []EnumLabel) (enum, array *T) {
	def := &EnumDef{Schema: schema, Labels: append([]EnumLabel(nil), labels...), sortOf: make(map[string]float64, len(labels))}
	sort.Slice(def.Labels, func(i, j int) bool { return def.Labels[i].Sort < def.Labels[j].Sort })
	for _, l := range def.Labels {
		def.sortOf[l.Label] = l.Sort
	}
	enum = &T{Oid: oid, Name: name, Typmod: -1, Len: 4, Category: 'E', Family: EnumFamily, ArrayOid: arrayOid, Enum: def}
	array, _ = ArrayOf(enum)
	return enum, array
}

// SortOf returns a label's sort position; ok is false for a string that
// is not one of the type's labels.
func (d *EnumDef) SortOf(label string) (sort float64, ok bool) {
	sort, ok = d.sortOf[label]
	return sort, ok
}

// LabelAt returns the label with a sort position.
func (d *EnumDef) LabelAt(sort float64) (string, bool) {
	i := d.search(sort)
	if i < len(d.Labels) && d.Labels[i].Sort == sort {
		return d.Labels[i].Label, true
	}
	return "", false
}

// search returns the index of the first label sorting at or after sort.
func (d *EnumDef) search(sort float64) int {
	lo, hi := 0, len(d.Labels)
	for lo < hi {
		m := (lo + hi) / 2
		if d.Labels[m].Sort < sort {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// parseEnum is enum_in: the label must be one of the type's.
func parseEnum(t *T, s string) (Datum, error) {
	if _, ok := t.Enum.sortOf[s]; !ok {
		return nil, pgerror.Newf(pgcode.InvalidTextRepresentation, "invalid input value for enum %s: \"%s\"", t.Name, s)
	}
	return s, nil
}

// compareEnum orders two labels by their sort positions. A string that
// is not a label (which only a bug could pass) sorts after the labels,
// by its text.
func compareEnum(t *T, a, b string) int {
	sa, oka := t.Enum.sortOf[a]
	sb, okb := t.Enum.sortOf[b]
	switch {
	case oka && okb:
		return compareFloat(sa, sb)
	case oka:
		return -1
	case okb:
		return 1
	}
	return cmpString(a, b)
}
