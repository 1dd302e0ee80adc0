package catalog

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// An installed extension (CREATE EXTENSION) is a catalog record of its
// database, as descriptors are, so that installing one is transactional
// and AS OF a past tx sees the extensions of the time. Extensions have a
// namespace of their own (PostgreSQL's pg_extension names are unique per
// database), hence their own key rather than a descriptor's name entry:
//
//	0x01 'e' name                   JSON Extension
var extensionPrefix = []byte{0x01, 'e'}

func extensionKey(name string) []byte {
	return append(append([]byte(nil), extensionPrefix...), name...)
}

// Extension is an installed extension. Its functions are the SQL
// layer's (sql/expr registers them under the extension's name); the
// record says that they exist in this database, in which schema.
type Extension struct {
	// OID is the extension's pg_extension oid; FuncOIDs is the first of
	// the consecutive OIDs its functions have in pg_proc, allocated with
	// it as PostgreSQL allocates them when it runs the install script.
	OID      uint32 `json:"oid"`
	FuncOIDs uint32 `json:"func_oids,omitempty"`
	// FuncSlots is how many OIDs from FuncOIDs are the extension's: one
	// per function of PostgreSQL's install script, a function's OID
	// FuncOIDs plus its place in the script. 0 in a record written
	// before stela reserved them so (2026-11-25): there the OIDs were
	// one per function stela then implemented, in the script's order.
	FuncSlots uint32 `json:"func_slots,omitempty"`
	Name      string `json:"name"`
	Schema    uint32 `json:"schema"`
	Version   string `json:"version"`
	Owner     string `json:"owner,omitempty"`
	Comment   string `json:"comment,omitempty"`
	// Dropped marks the record DROP EXTENSION leaves of a built-in
	// extension, which is installed while no record says otherwise.
	Dropped bool `json:"dropped,omitempty"`
}

// PlpgsqlOID is plpgsql's pg_extension oid in PostgreSQL 15.
const PlpgsqlOID uint32 = 13559

// builtinExtension returns the extension every database has from its
// creation, as PostgreSQL's template databases have plpgsql; nil for the
// other names. Its owner "" is the bootstrap superuser.
func builtinExtension(name string) *Extension {
	if name != "plpgsql" {
		return nil
	}
	return &Extension{OID: PlpgsqlOID, Name: "plpgsql", Schema: PgCatalogID, Version: "1.0",
		Comment: "PL/pgSQL procedural language"}
}

// GetExtension returns the installed extension of that name, or nil.
func GetExtension(txn *engine.Txn, name string) (*Extension, error) {
	v, ok, err := txn.Get(extensionKey(name))
	if err != nil {
		return nil, err
	}
	if !ok {
		return builtinExtension(name), nil
	}
	var e Extension
	if err := json.Unmarshal(v, &e); err != nil {
		return nil, pgerror.Wrapf(err, pgcode.DataCorrupted, "catalog: extension \"%s\": %v", name, err)
	}
	if e.Dropped {
		return nil, nil
	}
	return &e, nil
}

// PutExtension installs or updates an extension record.
func PutExtension(txn *engine.Txn, e *Extension) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("catalog: encode extension \"%s\": %w", e.Name, err)
	}
	return txn.Put(extensionKey(e.Name), b)
}

// DeleteExtension removes an extension record; a built-in extension's
// becomes a tombstone.
func DeleteExtension(txn *engine.Txn, name string) error {
	if builtinExtension(name) != nil {
		return PutExtension(txn, &Extension{Name: name, Dropped: true})
	}
	return txn.Delete(extensionKey(name))
}

// Extensions returns the installed extensions, by name.
func Extensions(txn *engine.Txn) ([]*Extension, error) {
	it, err := txn.Scan(kv.PrefixRange(extensionPrefix), false)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []*Extension
	seenBuiltin := false
	for it.Next() {
		var e Extension
		if err := json.Unmarshal(it.Value(), &e); err != nil {
			return nil, pgerror.Wrapf(err, pgcode.DataCorrupted, "catalog: extension %x: %v", it.Key(), err)
		}
		if e.Name == "plpgsql" {
			seenBuiltin = true
		}
		if !e.Dropped {
			out = append(out, &e)
		}
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	if !seenBuiltin {
		out = append(out, builtinExtension("plpgsql"))
		sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	}
	return out, nil
}
