package sql

import (
	"errors"
	"fmt"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// The storage settings a pg_dump script sets: stela keeps every table in
// one kind of storage, so these only validate what PostgreSQL would
// accept and are otherwise not consulted.

// checkDefaultTablespace accepts "" (the database's default) and the
// tablespaces pg_tablespace lists. PostgreSQL looks the name up when it
// is set inside a transaction, which a SET always is.
func checkDefaultTablespace(v string) (string, error) {
	switch v {
	case "", "pg_default", "pg_global":
		return v, nil
	}
	return "", fmt.Errorf("Tablespace \"%s\" does not exist.", v)
}

// checkTableAccessMethod accepts heap, pg_am's one table access method.
// Naming an index access method is an error of its own in PostgreSQL
// (the lookup finds it but of the wrong type), not an invalid value.
func checkTableAccessMethod(v string) (string, error) {
	switch v {
	case "":
		return "", errors.New("default_table_access_method cannot be empty.")
	case "heap":
		return v, nil
	case "btree", "hash", "gist", "gin", "spgist", "brin":
		return "", pgerror.Newf(pgcode.ObjectNotInPrerequisiteState, "access method \"%s\" is not of type TABLE", v)
	}
	if len(v) > 63 {
		return "", errors.New("default_table_access_method is too long (maximum 63 characters).")
	}
	return "", fmt.Errorf("Table access method \"%s\" does not exist.", v)
}

// checkWithOids is default_with_oids: older dumps set it to false, and
// true is refused since tables no longer have OIDs (PostgreSQL 12).
func checkWithOids(v string) (string, error) {
	b, err := checkBool(v)
	if err != nil {
		return "", err
	}
	if b == "on" {
		return "", pgerror.New(pgcode.FeatureNotSupported, "tables declared WITH OIDS are not supported")
	}
	return b, nil
}
