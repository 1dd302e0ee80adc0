package catalog

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Catalog records of a database, in its own store (so that DDL is
// transactional and AS OF a past tx sees the schema as it was):
//
//	0x01 'c'                        next descriptor id, big-endian uint32
//	0x01 'd' id(4)                  JSON Descriptor
//	0x01 'n' schema id(4) name      name entry: the descriptor id (4 bytes),
//	                                or an index's table id and index id (6
//	                                bytes, index_names.go)
//	0x01 's' id(4)                  a table's shape marker (shape.go)
//	0x01 'y' schema id(4) name      a user type's name entry (types.go)
//	0x01 'f' schema id(4) name 0x00 arg oids
//	                                a function's name entry (functions.go)
//	0x01 't' storage id(4)          the storage id a TRUNCATE moved a table
//	                                to from this one (4 bytes, truncate.go)
var (
	counterKey = []byte{0x01, 'c'}
	descPrefix = []byte{0x01, 'd'}
	namePrefix = []byte{0x01, 'n'}
)

func descKey(id uint32) []byte {
	return binary.BigEndian.AppendUint32(append([]byte(nil), descPrefix...), id)
}

func nameKey(schema uint32, name string) []byte {
	return append(binary.BigEndian.AppendUint32(append([]byte(nil), namePrefix...), schema), name...)
}

// builtinSchemas exist in every database without being stored.
var builtinSchemas = map[string]*Descriptor{
	"pg_catalog":         {Kind: KindSchema, ID: PgCatalogID, Name: "pg_catalog"},
	"public":             {Kind: KindSchema, ID: PublicID, Name: "public"},
	"information_schema": {Kind: KindSchema, ID: InformationSchemaID, Name: "information_schema"},
}

// BuiltinSchemas returns the schemas every database has, in id order.
func BuiltinSchemas() []*Descriptor {
	return []*Descriptor{builtinSchemas["pg_catalog"], builtinSchemas["public"], builtinSchemas["information_schema"]}
}

// IsBuiltinSchema reports whether id is one of BuiltinSchemas, which are
// not stored and so keep no owner or comment of their own.
func IsBuiltinSchema(id uint32) bool {
	for _, d := range builtinSchemas {
		if d.ID == id {
			return true
		}
	}
	return false
}

// Get returns the descriptor with an id, or nil. The user types of its
// columns are filled in (types.go).
func Get(txn *engine.Txn, id uint32) (*Descriptor, error) {
	d, err := getStored(txn, id)
	if err != nil || d == nil {
		return d, err
	}
	if err := hydrate(txn, d); err != nil {
		return nil, err
	}
	return d, nil
}

// getStored is Get without filling in user types.
func getStored(txn *engine.Txn, id uint32) (*Descriptor, error) {
	for _, d := range builtinSchemas {
		if d.ID == id {
			return d, nil
		}
	}
	v, ok, err := txn.Get(descKey(id))
	if err != nil || !ok {
		return nil, err
	}
	var d Descriptor
	if err := json.Unmarshal(v, &d); err != nil {
		return nil, pgerror.Wrapf(err, pgcode.DataCorrupted, "catalog: descriptor %d: %v", id, err)
	}
	return &d, nil
}

// DescVersion returns the tx that wrote the version of descriptor id the
// transaction sees (ok false if none): a descriptor is the same at two
// snapshots exactly when this is, so a caller can tell whether a
// table's definition changed without decoding it.
func DescVersion(txn *engine.Txn, id uint32) (tx uint64, ok bool, err error) {
	_, v, ok, err := txn.GetVersion(descKey(id))
	return v.TxID, ok, err
}

// lookup returns the descriptor named name in a schema (0: the schemas
// themselves), or nil.
func lookup(txn *engine.Txn, schema uint32, name string) (*Descriptor, error) {
	if schema == 0 {
		if d, ok := builtinSchemas[name]; ok {
			return d, nil
		}
	}
	v, ok, err := txn.Get(nameKey(schema, name))
	if err != nil || !ok {
		return nil, err
	}
	switch len(v) {
	case 4:
		return Get(txn, binary.BigEndian.Uint32(v))
	case 6:
		return indexDescriptor(schema, name, v), nil
	}
	return nil, pgerror.Newf(pgcode.DataCorrupted, "catalog: name entry \"%s\" malformed", name)
}

// Schema returns a schema by name; 3F000 if there is none.
func Schema(txn *engine.Txn, name string) (*Descriptor, error) {
	d, err := lookup(txn, 0, name)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, pgerror.Newf(pgcode.InvalidSchemaName, "schema \"%s\" does not exist", name)
	}
	return d, nil
}

// SearchPath lists the schemas an unqualified name is looked up in.
type SearchPath []string

// DefaultSearchPath is PostgreSQL's "$user", public (with $user
// resolved by the caller).
var DefaultSearchPath = SearchPath{"public"}

// Relation returns the table, view or sequence a (possibly qualified)
// name denotes; 42P01 if none. pg_temp qualifies a name with the path's
// temp schema (temp.go); another session's temp schema is refused
// (0A000).
func Relation(txn *engine.Txn, schema, name string, path SearchPath) (*Descriptor, error) {
	return relationBy(txn, schema, name, path, lookup)
}

// RelationOrComposite is Relation that also finds a stand-alone
// composite type, whose pg_class row takes a relation name
// (LookupRelation): regclass resolves it so.
func RelationOrComposite(txn *engine.Txn, schema, name string, path SearchPath) (*Descriptor, error) {
	return relationBy(txn, schema, name, path, LookupRelation)
}

// relationBy resolves a relation name with find looking in one schema.
func relationBy(txn *engine.Txn, schema, name string, path SearchPath,
	find func(*engine.Txn, uint32, string) (*Descriptor, error)) (*Descriptor, error) {
	if schema != "" {
		stored := schema
		if schema == TempSchemaAlias {
			stored = path.TempSchema()
		}
		// As PostgreSQL's, a missing schema is a missing relation here.
		s, err := lookup(txn, 0, stored)
		if err != nil {
			return nil, err
		}
		if s == nil {
			return nil, pgerror.Newf(pgcode.UndefinedTable, "relation \"%s\" does not exist", schema+"."+name)
		}
		d, err := find(txn, s.ID, name)
		if err != nil {
			return nil, err
		}
		if d == nil {
			return nil, pgerror.Newf(pgcode.UndefinedTable, "relation \"%s\" does not exist", schema+"."+name)
		}
		if IsTempSchema(stored) && stored != path.TempSchema() {
			return nil, errOtherTemp()
		}
		return d, nil
	}
	for _, sn := range path {
		s, err := lookup(txn, 0, sn)
		if err != nil {
			return nil, err
		}
		if s == nil {
			continue
		}
		d, err := find(txn, s.ID, name)
		if err != nil {
			return nil, err
		}
		if d != nil {
			return d, nil
		}
	}
	return nil, pgerror.Newf(pgcode.UndefinedTable, "relation \"%s\" does not exist", name)
}

// Lookup returns the object named name in a schema, or nil.
func Lookup(txn *engine.Txn, schema uint32, name string) (*Descriptor, error) {
	return lookup(txn, schema, name)
}

// NewID allocates a descriptor id in the transaction.
func NewID(txn *engine.Txn) (uint32, error) {
	v, ok, err := txn.Get(counterKey)
	if err != nil {
		return 0, err
	}
	id := FirstUserID
	if ok {
		if len(v) != 4 {
			return 0, pgerror.New(pgcode.DataCorrupted, "catalog: id counter malformed")
		}
		id = binary.BigEndian.Uint32(v)
	}
	if err := txn.Put(counterKey, binary.BigEndian.AppendUint32(nil, id+1)); err != nil {
		return 0, err
	}
	return id, nil
}

// Put writes a descriptor and its name entry, and for a table the name
// entries of its indexes (index_names.go).
func Put(txn *engine.Txn, d *Descriptor) error {
	if d.Kind == KindIndex {
		return fmt.Errorf("catalog: index \"%s\" is stored in its table", d.Name)
	}
	if d.Kind == KindTable {
		old, err := Get(txn, d.ID)
		if err != nil {
			return err
		}
		if err := syncIndexNames(txn, old, d); err != nil {
			return err
		}
		changed, err := shapeChanged(old, d)
		if err != nil {
			return err
		}
		if changed {
			if err := txn.Put(shapeKey(d.ID), nil); err != nil {
				return err
			}
		}
	}
	if d.Kind == KindSequence && d.Sequence.Incarnation == 0 {
		if err := newIncarnation(txn, d); err != nil {
			return err
		}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("catalog: encode descriptor %d: %w", d.ID, err)
	}
	if err := txn.Put(descKey(d.ID), b); err != nil {
		return err
	}
	return txn.Put(d.nameEntryKey(), binary.BigEndian.AppendUint32(nil, d.ID))
}

// Rename moves a descriptor's name entry.
func Rename(txn *engine.Txn, d *Descriptor, newName string) error {
	if err := txn.Delete(d.nameEntryKey()); err != nil {
		return err
	}
	d.Name = newName
	return Put(txn, d)
}

// SetSchema moves a descriptor, and a table's index names, to another
// schema.
func SetSchema(txn *engine.Txn, d *Descriptor, schema uint32) error {
	if err := txn.Delete(d.nameEntryKey()); err != nil {
		return err
	}
	d.Schema = schema
	return Put(txn, d)
}

// Delete removes a descriptor and its name entry, and a table's index
// name entries. A table's rows stay where they are, for reads as of
// earlier txs (a drop does not delete them: sql/ddl_deps.go); its
// statistics are forgotten when the transaction commits.
func Delete(txn *engine.Txn, d *Descriptor) error {
	if d.Kind == KindTable {
		for _, ix := range NamedIndexes(d.Table) {
			if err := deleteIndexName(txn, d.Schema, ix.Name, d.ID, ix.ID); err != nil {
				return err
			}
		}
		txn.DropStats(d.StorageID())
		if err := txn.Delete(shapeKey(d.ID)); err != nil {
			return err
		}
	}
	if d.Kind == KindType && d.Type.ArrayOid != 0 {
		// An enum's array type goes with it.
		if a, err := getStored(txn, d.Type.ArrayOid); err != nil {
			return err
		} else if a != nil {
			if err := Delete(txn, a); err != nil {
				return err
			}
		}
	}
	if err := txn.Delete(d.nameEntryKey()); err != nil {
		return err
	}
	return txn.Delete(descKey(d.ID))
}

// All returns every stored descriptor, in id order.
func All(txn *engine.Txn) ([]*Descriptor, error) {
	return all(txn, true)
}

// AllUnrecorded is All as a read that a SERIALIZABLE commit does not
// check (engine.Txn.ScanUnrecorded): for a writer looking for the foreign
// keys that reference its table, which is guarded by the table's shape
// instead (ChangedShape). Recorded, the scan would make every table
// created anywhere, another session's temporary ones included, fail
// every serializable writer whose transaction spans it.
func AllUnrecorded(txn *engine.Txn) ([]*Descriptor, error) {
	return all(txn, false)
}

func all(txn *engine.Txn, record bool) ([]*Descriptor, error) {
	scan := txn.Scan
	if !record {
		scan = txn.ScanUnrecorded
	}
	it, err := scan(kv.PrefixRange(descPrefix), false)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []*Descriptor
	for it.Next() {
		var d Descriptor
		if err := json.Unmarshal(it.Value(), &d); err != nil {
			return nil, pgerror.Wrapf(err, pgcode.DataCorrupted, "catalog: descriptor %x: %v", it.Key(), err)
		}
		out = append(out, &d)
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	for _, d := range out {
		if err := hydrate(txn, d); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Layout builds the engine layout of a table descriptor. A partial
// index's layout is marked Partial without the Include that evaluates
// its predicate: a layout to write through needs the SQL layer's.
func Layout(d *Descriptor) *engine.Layout {
	t := d.Table
	l := &engine.Layout{TableID: d.StorageID(), Name: d.Name}
	for i := range t.Columns {
		l.Types = append(l.Types, t.Columns[i].Type())
		name := t.Columns[i].Name
		if t.Columns[i].IndexKey {
			// The key's expression: what PostgreSQL's "Key (...)=(...)"
			// details name.
			name = t.Columns[i].Generated
		}
		l.Names = append(l.Names, name)
	}
	for _, ix := range t.AllIndexes() {
		il := engine.IndexLayout{ID: ix.ID, Name: ix.Name, Unique: ix.Unique || ix.ID == engine.PrimaryIndexID,
			Partial: ix.Predicate != ""}
		for _, c := range ix.Columns {
			il.Cols = append(il.Cols, t.ColumnIndex(c.ColumnID))
			dir := keyenc.Asc
			if c.Desc {
				dir = keyenc.Desc
			}
			nulls := keyenc.NullsLast
			if c.NullsFirst {
				nulls = keyenc.NullsFirst
			}
			il.Dirs = append(il.Dirs, dir)
			il.Nulls = append(il.Nulls, nulls)
		}
		l.Indexes = append(l.Indexes, il)
	}
	return l
}

// versionKey holds the catalog's version: every DDL statement bumps it,
// so that a prepared plan can tell that the schema it was planned against
// changed.
var versionKey = []byte{0x01, 'v'}

// Version returns the catalog version the transaction sees. The read is
// not one a SERIALIZABLE commit checks (engine.Txn.GetUnrecorded): a
// transaction depends on the descriptors it read, not on the version, so
// DDL on other objects (another session's temporary tables) does not
// fail it.
func Version(txn *engine.Txn) (uint64, error) {
	v, ok, err := txn.GetUnrecorded(versionKey)
	if err != nil || !ok {
		return 0, err
	}
	if len(v) != 8 {
		return 0, pgerror.New(pgcode.DataCorrupted, "catalog: version record malformed")
	}
	return binary.BigEndian.Uint64(v), nil
}

// ChangedIn reports whether the transaction itself changed the schema
// (its catalog version is its own uncommitted write): what it sees of
// the catalog may then be rolled back, and a version number it reads
// may later mean another schema.
func ChangedIn(txn *engine.Txn) bool { return txn.Wrote(versionKey) }

// CacheVersion makes db answer reads of the catalog version from memory
// (engine.DB.CacheKey): every statement that runs a prepared plan reads it.
func CacheVersion(db *engine.DB) { db.CacheKey(versionKey) }

// BumpVersion marks a schema change in the transaction.
func BumpVersion(txn *engine.Txn) error {
	v, err := Version(txn)
	if err != nil {
		return err
	}
	return txn.Put(versionKey, binary.BigEndian.AppendUint64(nil, v+1))
}
