package catalog

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/stela-db/stela/engine"
)

// A table's shape is what its writers depend on: its columns and their
// types, its storage, its indexes and its constraints. A writer locks
// the table's shape key (LockShape) so that its commit fails with 40001
// when another transaction changed the shape after its snapshot (rows
// written for the old columns must not land beside rows rewritten for
// new ones). Put writes the key only when a table's shape changes, and
// Delete when the table goes, so that statements which change nothing a
// writer depends on (COMMENT ON, OWNER TO, RENAME TO, SET SCHEMA, ALTER
// INDEX ... RENAME) leave its writers alone, as PostgreSQL's do not wait
// on them:
//
//	0x01 's' id(4)                  a table's shape marker (empty value):
//	                                its versions are the txs that changed
//	                                the table's shape; never read
//
// Tables made before the key existed have none until their first shape
// change, which writes it; a writer's lock needs no earlier version.
func shapeKey(id uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte{0x01, 's'}, id)
}

// LockShape makes the transaction's commit fail (40001) if another
// transaction changes table id's shape after its snapshot
// (engine.Txn.Lock).
func LockShape(txn *engine.Txn, id uint32) { txn.Lock(shapeKey(id)) }

// shapeChanged reports whether a table's new descriptor differs from its
// old one (nil: a new table) in more than its name, schema, owner,
// comments and index names.
func shapeChanged(old, d *Descriptor) (bool, error) {
	if old == nil {
		return true, nil
	}
	a, err := shapeOf(old)
	if err != nil {
		return false, err
	}
	b, err := shapeOf(d)
	if err != nil {
		return false, err
	}
	return !bytes.Equal(a, b), nil
}

// shapeOf encodes a table's descriptor without the fields its writers
// do not depend on.
func shapeOf(d *Descriptor) ([]byte, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("catalog: encode descriptor %d: %w", d.ID, err)
	}
	var c Descriptor // a deep copy, to blank without touching d
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("catalog: decode descriptor %d: %w", d.ID, err)
	}
	c.Name, c.Schema, c.Owner, c.Comment = "", 0, "", ""
	if t := c.Table; t != nil {
		for i := range t.Columns {
			t.Columns[i].Comment = ""
		}
		for _, ix := range t.AllIndexes() {
			ix.Name, ix.Comment, ix.ConstraintComment = "", "", ""
		}
		for i := range t.Checks {
			t.Checks[i].Comment = ""
		}
		for i := range t.ForeignKeys {
			t.ForeignKeys[i].Comment = ""
		}
	}
	return json.Marshal(&c)
}

// ChangedShape records that table id's shape changed without a change to
// its descriptor, so that writers holding its shape lock fail (40001):
// a new constraint of a domain one of its columns is of (ALTER DOMAIN)
// binds its writers as a CHECK of its own would; a new foreign key
// referencing it changes the keys its writers check, which they find by
// a scan a SERIALIZABLE commit does not check (AllUnrecorded).
func ChangedShape(txn *engine.Txn, id uint32) error { return txn.Put(shapeKey(id), nil) }
