package catalog

import (
	"bytes"
	"encoding/binary"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// User-defined functions (CREATE FUNCTION ... LANGUAGE sql) are
// descriptors of kind KindFunction, stored under their Oid as the other
// descriptors are, so that creating or dropping one is transactional.
// Functions are overloaded: several share a name in a schema and differ
// by their argument types (pg_proc's unique key is name, argument types
// and schema), so a function's name entry holds its argument types'
// Oids after its name, and the overloads of a name are one prefix scan:
//
//	0x01 'f' schema id(4) name 0x00 arg oid(4)...   the function's Oid (4 bytes)
//
// A name never holds a NUL byte, so the 0x00 ends it unambiguously.
var funcNamePrefix = []byte{0x01, 'f'}

// KindFunction is a user-defined function's descriptor kind. Persisted.
const KindFunction = "function"

// FunctionDesc is a user-defined function, as pg_proc describes it.
type FunctionDesc struct {
	// ArgOids are the argument types (proargtypes); ArgNames their names
	// ("" for an unnamed one; nil when none is named).
	ArgOids  []uint32 `json:"arg_oids,omitempty"`
	ArgNames []string `json:"arg_names,omitempty"`
	// Defaults are the SQL texts of the DEFAULTs of the last
	// len(Defaults) arguments (pg_proc.proargdefaults).
	Defaults []string `json:"defaults,omitempty"`
	// DefaultCalls are, for each of Defaults, the user functions it
	// calls, bound when the function was made (as PostgreSQL binds a
	// parsed default by Oid): a call of a default resolves only among
	// them, and DROP FUNCTION of one is refused while a default calls
	// it (sql/function_arg_defaults.go). BoundDefaults marks a
	// descriptor written with them (one whose defaults call nothing has
	// no ids to show it); the Defaults of one written before resolve
	// by the caller's search_path, as they always did.
	DefaultCalls  [][]uint32 `json:"default_calls,omitempty"`
	BoundDefaults bool       `json:"bound_defaults,omitempty"`
	// ResultOid is the result type (prorettype); ReturnsSet is SETOF.
	ResultOid  uint32 `json:"result_oid"`
	ReturnsSet bool   `json:"returns_set,omitempty"`
	// TableNames and TableOids are the columns of RETURNS TABLE (...)
	// (pg_proc's arguments of mode 't'); ResultOid is then the one
	// column's type, or record for several.
	TableNames []string `json:"table_names,omitempty"`
	TableOids  []uint32 `json:"table_oids,omitempty"`
	// Language is "sql", the only one stela runs.
	Language string `json:"language"`
	// Body is the function's SQL text: the string of AS '...'
	// (prosrc). SQLBody, for a function written with a SQL-standard
	// body (RETURN expr, BEGIN ATOMIC ... END), is that body's text;
	// Body is then "".
	Body    string `json:"body,omitempty"`
	SQLBody string `json:"sql_body,omitempty"`
	// Volatility is provolatile: 'i' immutable, 's' stable, 'v'
	// volatile.
	Volatility string `json:"volatility"`
	// Strict is STRICT (RETURNS NULL ON NULL INPUT): a NULL argument
	// makes the result NULL without the body running.
	Strict bool `json:"strict,omitempty"`
	// Functions are the other user functions a SQL-standard body calls
	// (PostgreSQL records those, not a string body's): they cannot be
	// dropped from under it (sql/function_deps.go).
	Functions []uint32 `json:"functions,omitempty"`
}

// funcNameKey is the name entry key of a function of the given argument
// types; with no arguments it is also the prefix of every overload of
// the name.
func funcNameKey(schema uint32, name string, args []uint32) []byte {
	k := binary.BigEndian.AppendUint32(append([]byte(nil), funcNamePrefix...), schema)
	k = append(append(k, name...), 0)
	for _, a := range args {
		k = binary.BigEndian.AppendUint32(k, a)
	}
	return k
}

// Functions returns the functions named name in a schema, every
// overload, in the order of their argument types' Oids.
func Functions(txn *engine.Txn, schema uint32, name string) ([]*Descriptor, error) {
	it, err := txn.Scan(kv.PrefixRange(funcNameKey(schema, name, nil)), false)
	if err != nil {
		return nil, err
	}
	var ids []uint32
	for it.Next() {
		v := it.Value()
		if len(v) != 4 {
			it.Close()
			return nil, pgerror.Newf(pgcode.DataCorrupted, "catalog: function name entry \"%s\" malformed", name)
		}
		ids = append(ids, binary.BigEndian.Uint32(v))
	}
	err = it.Err()
	it.Close()
	if err != nil {
		return nil, err
	}
	out := make([]*Descriptor, 0, len(ids))
	for _, id := range ids {
		d, err := getStored(txn, id)
		if err != nil {
			return nil, err
		}
		if d == nil || d.Kind != KindFunction {
			return nil, pgerror.Newf(pgcode.DataCorrupted, "catalog: function \"%s\" has no descriptor %d", name, id)
		}
		out = append(out, d)
	}
	return out, nil
}

// FunctionNames returns the names that functions of any schema have.
func FunctionNames(txn *engine.Txn) (map[string]struct{}, error) {
	it, err := txn.Scan(kv.PrefixRange(funcNamePrefix), false)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	out := map[string]struct{}{}
	for it.Next() {
		k := it.Key()
		if len(k) < len(funcNamePrefix)+4 {
			return nil, pgerror.New(pgcode.DataCorrupted, "catalog: function name entry malformed")
		}
		name := k[len(funcNamePrefix)+4:]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		out[string(name)] = struct{}{}
	}
	return out, it.Err()
}

// LookupFunction returns the function of a schema with a name and
// argument types, or nil.
func LookupFunction(txn *engine.Txn, schema uint32, name string, args []uint32) (*Descriptor, error) {
	v, ok, err := txn.Get(funcNameKey(schema, name, args))
	if err != nil || !ok {
		return nil, err
	}
	if len(v) != 4 {
		return nil, pgerror.Newf(pgcode.DataCorrupted, "catalog: function name entry \"%s\" malformed", name)
	}
	return getStored(txn, binary.BigEndian.Uint32(v))
}
