package catalog

import (
	"bytes"
	"encoding/binary"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Indexes share their schema's relation namespace with tables, views and
// sequences, as in PostgreSQL (where an index is a pg_class row): CREATE
// INDEX cannot take a table's name, DROP INDEX and ALTER INDEX find an
// index by its name alone. An index is not a descriptor of its own (it
// lives in its table's TableDesc, which the engine's layout is built
// from), so its name entry differs from a descriptor's by its value:
//
//	0x01 'n' schema id(4) name      table id(4) index id(2)
//
// Put keeps a table's index name entries in step with its descriptor,
// and Delete removes them with it.

// IndexRef locates an index: its table and its id in the table.
type IndexRef struct {
	Table uint32 `json:"table"`
	ID    uint16 `json:"id"`
}

// indexEntry encodes an index's name entry value.
func indexEntry(table uint32, id uint16) []byte {
	return binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint32(nil, table), id)
}

// indexDescriptor is what lookup returns for an index name entry: a
// descriptor of kind index, whose ID is its table's.
func indexDescriptor(schema uint32, name string, v []byte) *Descriptor {
	ref := &IndexRef{Table: binary.BigEndian.Uint32(v), ID: binary.BigEndian.Uint16(v[4:])}
	return &Descriptor{Kind: KindIndex, ID: ref.Table, Name: name, Schema: schema, Index: ref}
}

// NamedIndexes returns the indexes of a table that have a name in the
// namespace: all but the hidden row-id key of a table declared without a
// primary key (PostgreSQL has no such index).
func NamedIndexes(t *TableDesc) []*IndexDesc {
	var out []*IndexDesc
	for _, ix := range t.AllIndexes() {
		if ix.ID == engine.PrimaryIndexID && len(ix.Columns) == 1 {
			if c := t.Column(ix.Columns[0].ColumnID); c != nil && c.Hidden {
				continue
			}
		}
		out = append(out, ix)
	}
	return out
}

// IndexByName returns a table's index (primary key included) with a
// name, or nil.
func (t *TableDesc) IndexByName(name string) *IndexDesc {
	for _, ix := range NamedIndexes(t) {
		if ix.Name == name {
			return ix
		}
	}
	return nil
}

// syncIndexNames brings the index name entries of a table from those of
// old (nil: a new table) to those of d: entries of indexes that are gone
// or renamed are deleted, new ones written. A name another relation holds
// is 42P07.
func syncIndexNames(txn *engine.Txn, old, d *Descriptor) error {
	want := map[string]uint16{}
	for _, ix := range NamedIndexes(d.Table) {
		want[ix.Name] = ix.ID
	}
	have := map[string]uint16{}
	if old != nil && old.Kind == KindTable {
		for _, ix := range NamedIndexes(old.Table) {
			have[ix.Name] = ix.ID
		}
	}
	for name, id := range have {
		if wid, ok := want[name]; ok && wid == id && old.Schema == d.Schema {
			continue
		}
		if err := deleteIndexName(txn, old.Schema, name, old.ID, id); err != nil {
			return err
		}
	}
	for name, id := range want {
		if hid, ok := have[name]; ok && hid == id && old.Schema == d.Schema {
			continue
		}
		v, ok, err := txn.Get(nameKey(d.Schema, name))
		if err != nil {
			return err
		}
		entry := indexEntry(d.ID, id)
		if ok && !bytes.Equal(v, entry) {
			return pgerror.Newf(pgcode.DuplicateTable, "relation \"%s\" already exists", name)
		}
		if !ok {
			// A composite type's name is a relation name too, kept
			// among the type names (relation_names.go).
			if t, err := LookupType(txn, d.Schema, name); err != nil {
				return err
			} else if t.IsComposite() {
				return pgerror.Newf(pgcode.DuplicateTable, "relation \"%s\" already exists", name)
			}
			if err := txn.Put(nameKey(d.Schema, name), entry); err != nil {
				return err
			}
		}
	}
	return nil
}

// deleteIndexName deletes an index's name entry if it is the index's.
func deleteIndexName(txn *engine.Txn, schema uint32, name string, table uint32, id uint16) error {
	v, ok, err := txn.Get(nameKey(schema, name))
	if err != nil || !ok || !bytes.Equal(v, indexEntry(table, id)) {
		return err
	}
	return txn.Delete(nameKey(schema, name))
}
