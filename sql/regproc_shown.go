package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
)

// regproc and regprocedure print a user function as PostgreSQL's
// regprocout and format_procedure do: bare when the session's
// search_path finds that function by its bare name (regproc: finds it
// alone, as regprocin would have to; regprocedure: by its name and
// argument types), else schema-qualified, so that the text reads back
// as the same function under search_path = '' (pg_dump's) too.

// regprocName is regproc's output for user function d.
func (x *execCtx) regprocName(d *catalog.Descriptor) (string, error) {
	name := expr.QuoteIdent(d.Name)
	fns, err := lookupFunctions(x.txn, x.sess, "", d.Name)
	if err != nil {
		return "", err
	}
	if len(fns) == 1 && fns[0].ID == d.ID && !builtinNamed(d.Name) {
		return name, nil
	}
	return x.schemaPrefix(d.Schema) + name, nil
}

// regprocedureName is regprocedure's output for user function d.
func (x *execCtx) regprocedureName(d *catalog.Descriptor) (string, error) {
	sig := userProcSignature(x.txn, d)
	found, err := lookupFunctionExact(x.txn, x.sess, "", d.Name, d.Function.ArgOids)
	if err != nil {
		return "", err
	}
	if found != nil && found.ID == d.ID {
		return sig, nil
	}
	return x.schemaPrefix(d.Schema) + sig, nil
}

// schemaPrefix is "schema." for schema id, "" when there is none.
func (x *execCtx) schemaPrefix(id uint32) string {
	if n := x.schemaNameOf(id); n != "" {
		return expr.QuoteIdent(n) + "."
	}
	return ""
}
