package sql

import (
	"strconv"
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// pg_get_functiondef (psql's \sf and \ef): the CREATE OR REPLACE
// FUNCTION statement of a served function or a user's
// (pgcatalog_userproc.go), laid out as PostgreSQL 15's
// ruleutils lays it out, from the function's PostgreSQL row
// (pgcatalog_procdata.go): stela's built-in functions are PostgreSQL's,
// written in internal or in SQL. NULL for an OID that is no function,
// 42809 for an aggregate, as in PostgreSQL.

func init() {
	expr.AddFunc("pg_get_functiondef", []*types.T{types.OidType}, types.Text, true,
		func(c *expr.Context, a []types.Datum) (types.Datum, error) {
			r := procByOID(uint32(a[0].(int64)))
			if r == nil {
				u, err := userProcOf(c, uint32(a[0].(int64)))
				if err != nil || u == nil {
					return nil, err
				}
				x, err := execOf(c)
				if err != nil {
					return nil, err
				}
				s, err := catalog.Get(x.txn, u.d.Schema)
				if err != nil || s == nil {
					return nil, err
				}
				return functionDef(u.row, s.Name), nil
			}
			if r.kind == 'a' {
				return nil, pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is an aggregate function", r.name)
			}
			return functionDef(r, "pg_catalog"), nil
		})
}

// languageNames are the built-in languages' names by OID (pgcatalog_language.go).
var languageNames = map[uint32]string{12: "internal", 13: "c", 14: "sql"}

// functionDef is the definition of a function or procedure (not an
// aggregate).
func functionDef(r *pgProcRow, schema string) string {
	var b strings.Builder
	kind := "FUNCTION"
	if r.kind == 'p' {
		kind = "PROCEDURE"
	}
	b.WriteString("CREATE OR REPLACE " + kind + " " + expr.QuoteIdent(schema) + "." + expr.QuoteIdent(r.name) + "(" + r.arguments + ")\n")
	if r.kind != 'p' {
		b.WriteString(" RETURNS " + r.result + "\n")
	}
	b.WriteString(" LANGUAGE " + expr.QuoteIdent(languageNames[r.lang]) + "\n")

	// The options, on one line, each only when it is not CREATE
	// FUNCTION's default.
	var opts strings.Builder
	if r.kind == 'w' {
		opts.WriteString(" WINDOW")
	}
	switch r.volatile {
	case 'i':
		opts.WriteString(" IMMUTABLE")
	case 's':
		opts.WriteString(" STABLE")
	}
	switch r.parallel {
	case 's':
		opts.WriteString(" PARALLEL SAFE")
	case 'r':
		opts.WriteString(" PARALLEL RESTRICTED")
	}
	if r.strict {
		opts.WriteString(" STRICT")
	}
	if r.secdef {
		opts.WriteString(" SECURITY DEFINER")
	}
	if r.leakproof {
		opts.WriteString(" LEAKPROOF")
	}
	defaultCost := 100.0 // CREATE FUNCTION's for the other languages
	if r.lang == 12 || r.lang == 13 {
		defaultCost = 1
	}
	if r.cost != defaultCost {
		opts.WriteString(" COST " + formatG(r.cost))
	}
	if r.rows > 0 && r.rows != 1000 {
		opts.WriteString(" ROWS " + formatG(r.rows))
	}
	if r.support != 0 {
		opts.WriteString(" SUPPORT " + r.supportName) // in pg_catalog, found unqualified
	}
	if opts.Len() > 0 {
		b.WriteString(opts.String() + "\n")
	}

	if r.sqlBody != "" {
		b.WriteString(r.sqlBody)
	} else {
		b.WriteString("AS ")
		if r.bin != "" {
			b.WriteString("'" + strings.ReplaceAll(r.bin, "'", "''") + "', ")
		}
		// Dollar quoting, with a delimiter the source does not contain.
		delim := "$" + strings.ToLower(kind)
		for strings.Contains(r.src, delim) {
			delim += "x"
		}
		delim += "$"
		b.WriteString(delim + r.src + delim)
	}
	b.WriteString("\n")
	return b.String()
}

// formatG is C's %g: six significant digits, trailing zeros dropped.
func formatG(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
