package catalog

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Temporary relations (CREATE TEMP TABLE) live in a schema of their
// session, pg_temp_N, N the session's backend number, as PostgreSQL's
// do. The schema is an ordinary stored schema: its relations are
// ordinary tables, views and sequences, whose rows go through the log
// like any other's (the session drops the schema when it ends). What
// makes them temporary is only where they are: a session searches its
// own temp schema, never another's, and names it pg_temp.
//
// The session's search path (SearchPath) holds its own temp schema by
// its real name once it has one; that is how Relation tells the
// session's temp schema from another session's.

// TempSchemaAlias is the name a session's own temp schema goes by, in
// search_path and in qualified names.
const TempSchemaAlias = "pg_temp"

// tempSchemaPrefix starts the name of every session's temp schema.
const tempSchemaPrefix = "pg_temp_"

// TempSchemaName is the temp schema of backend number n.
func TempSchemaName(n int32) string { return tempSchemaPrefix + strconv.Itoa(int(n)) }

// IsTempSchema reports whether name is a session's temp schema:
// pg_temp_ and a number.
func IsTempSchema(name string) bool {
	rest, ok := strings.CutPrefix(name, tempSchemaPrefix)
	if !ok || rest == "" {
		return false
	}
	for _, r := range rest {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// TempSchemas returns every session's temp schema in the database. It
// reads the schema names that start with pg_temp_, not every descriptor:
// a database being opened asks, whatever the size of its catalog.
func TempSchemas(txn *engine.Txn) ([]*Descriptor, error) {
	prefix := nameKey(0, tempSchemaPrefix)
	it, err := txn.Scan(kv.PrefixRange(prefix), false)
	if err != nil {
		return nil, err
	}
	var ids []uint32
	for it.Next() {
		name := string(it.Key()[len(prefix)-len(tempSchemaPrefix):])
		if v := it.Value(); IsTempSchema(name) && len(v) == 4 {
			ids = append(ids, binary.BigEndian.Uint32(v))
		}
	}
	err = it.Err()
	it.Close()
	if err != nil {
		return nil, err
	}
	var out []*Descriptor
	for _, id := range ids {
		d, err := Get(txn, id)
		if err != nil {
			return nil, err
		}
		if d != nil && d.Kind == KindSchema {
			out = append(out, d)
		}
	}
	return out, nil
}

// TempSchema is the session's own temp schema on the path, "" when it
// has none.
func (p SearchPath) TempSchema() string {
	for _, s := range p {
		if IsTempSchema(s) {
			return s
		}
	}
	return ""
}

// errOtherTemp is PostgreSQL's error for a relation of another
// session's temp schema.
func errOtherTemp() error {
	return pgerror.New(pgcode.FeatureNotSupported, "cannot access temporary tables of other sessions")
}
