package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/types"
)

// pg_language (psql's \dL): the languages PostgreSQL 15 has in every
// database, with its rows. internal, c and sql are built in; plpgsql is
// the language of the plpgsql extension, listed while that extension is
// installed (it is from a database's creation, as in PostgreSQL, and
// DROP EXTENSION removes it), with the extension's comment and a
// pg_depend row making it the extension's member. Of the languages,
// stela runs functions written in sql only (CREATE FUNCTION,
// ddl_function.go): the handler and validator OIDs are PostgreSQL's,
// functions pg_proc does not list.

// pgLanguage is a pg_language row and its comment.
type pgLanguage struct {
	oid                        uint32
	name                       string
	pl, trusted                bool
	handler, inline, validator uint32
	comment                    string
}

// builtinLanguages are PostgreSQL 15's built-in languages.
var builtinLanguages = []pgLanguage{
	{12, "internal", false, false, 0, 0, 2246, "built-in functions"},
	{13, "c", false, false, 0, 0, 2247, "dynamically-loaded C functions"},
	{14, "sql", false, true, 0, 0, 2248, "SQL-language functions"},
}

// plpgsqlLanguage is PL/pgSQL's row, as the plpgsql extension's script
// creates it in PostgreSQL 15's template databases.
var plpgsqlLanguage = pgLanguage{13563, "plpgsql", true, true, 13560, 13561, 13562, "PL/pgSQL procedural language"}

// servedLanguages are the languages of the transaction's database.
func servedLanguages(txn *engine.Txn) ([]pgLanguage, error) {
	out := builtinLanguages[:len(builtinLanguages):len(builtinLanguages)]
	e, err := catalog.GetExtension(txn, "plpgsql")
	if err != nil {
		return nil, err
	}
	if e != nil {
		out = append(out, plpgsqlLanguage)
	}
	return out, nil
}

// languageComments are pg_description's rows of the languages.
func languageComments(c *vctx) ([][]types.Datum, error) {
	langs, err := servedLanguages(c.txn)
	if err != nil {
		return nil, err
	}
	out := make([][]types.Datum, len(langs))
	for i, l := range langs {
		out[i] = []types.Datum{dOid(l.oid), dOid(pgLanguageOID), dInt(0), l.comment}
	}
	return out, nil
}

func init() {
	addVtable("pg_language", pgLanguageOID, 'r', `oid oid, lanname name, lanowner oid, lanispl boolean,
		lanpltrusted boolean, lanplcallfoid oid, laninline oid, lanvalidator oid, lanacl aclitem[]`,
		func(c *vctx) ([][]types.Datum, error) {
			langs, err := servedLanguages(c.txn)
			if err != nil {
				return nil, err
			}
			out := make([][]types.Datum, len(langs))
			for i, l := range langs {
				out[i] = []types.Datum{dOid(l.oid), l.name, dOid(adminRoleOID), dBool(l.pl), dBool(l.trusted),
					dOid(l.handler), dOid(l.inline), dOid(l.validator), nil}
			}
			return out, nil
		})
}
