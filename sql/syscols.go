package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// System columns: every table read by a query has hidden columns,
// _tx (bigint: the transaction that wrote the row version read), _ts
// (timestamptz: that transaction's commit time), for audits such as
// "which rows changed after tx 40" or "when was this balance set", and
// PostgreSQL's tableoid (oid: the relation the row came from, its
// pg_class OID), which clients join on pg_description.classoid (psql's
// \dD+, \dd, \dL). They are not in SELECT *, and a table's own column of
// the name of _tx or _ts wins (no table can have a column named tableoid:
// PostgreSQL refuses the name, systemColumnConflict). A row the
// transaction itself wrote and has not committed has NULL in _tx and
// _ts. pg_catalog's tables (not its views) have tableoid too
// (pgcatalog_vtable.go); views, as in PostgreSQL, have none.
//
// They are added only to the scans of a query that names them, so that
// every other scan keeps the table's row as it is stored.

// tableOIDColumn is the name of PostgreSQL's system column stela has.
const tableOIDColumn = "tableoid"

var systemColumnNames = map[string]bool{"_tx": true, "_ts": true, tableOIDColumn: true}

// wantsSystemColumns reports whether a statement names a system column:
// a query, or a change that reads one in its WHERE, SET, FROM, USING,
// ON CONFLICT, MERGE or RETURNING clauses, all of whose scans then have
// them. The text is looked at first: walking the tree costs more than
// planning a short query, and almost no query names them.
func wantsSystemColumns(n *pg_query.Node, sql string) bool {
	if !mentionsSystemColumn(sql) {
		return false
	}
	return namesColumn(n, func(name string) bool { return systemColumnNames[name] })
}

// selectWantsSystemColumns is wantsSystemColumns for a query planned on
// its own: a view's, that of CREATE TABLE AS or of a materialized view.
func selectWantsSystemColumns(sel *pg_query.SelectStmt) bool {
	return namesColumn(&pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: sel}}, func(name string) bool { return systemColumnNames[name] })
}

// namesColumn reports whether a tree has a column reference whose last
// name satisfies is.
func namesColumn(n *pg_query.Node, is func(string) bool) bool {
	found := false
	walk(n, func(x *pg_query.Node) bool {
		if cr := x.GetColumnRef(); cr != nil && len(cr.Fields) > 0 {
			if s := cr.Fields[len(cr.Fields)-1].GetString_(); s != nil && is(s.Sval) {
				found = true
			}
		}
		return !found
	})
	return found
}

// addSystemColumns appends _tx, _ts and tableoid to a scan's columns. A
// system column that one of the table's columns shadows is kept in the
// row, nameless as a dropped column, so that every scan's row has the
// same shape.
func addSystemColumns(scan *scanNode, cols []column, table string) []column {
	scan.sys = true
	return withSystemColumns(cols, table)
}

// withSystemColumns appends the system columns of a FROM item named
// table to its columns, as addSystemColumns.
func withSystemColumns(cols []column, table string) []column {
	sys := systemColumns(table)
	for i := range sys {
		for _, c := range cols {
			if c.name == sys[i].name {
				sys[i].name = ""
			}
		}
	}
	return append(cols, sys...)
}

// versionColumns are the hidden _tx and _ts of a table's scan.
func versionColumns(table string) []column {
	return []column{
		{name: "_tx", table: table, typ: types.Int8, hidden: true},
		{name: "_ts", table: table, typ: types.TimestampTZType, hidden: true},
	}
}

// systemColumns are the hidden columns addSystemColumns appends, in the
// order withSystem fills them.
func systemColumns(table string) []column {
	return append(versionColumns(table), tableOIDCol(table))
}

// tableOIDCol is the hidden tableoid of a FROM item named table.
func tableOIDCol(table string) column {
	return column{name: tableOIDColumn, table: table, typ: types.OidType, hidden: true}
}

// systemWidth is the number of columns systemColumns appends.
const systemWidth = 3

// withSystem appends the system columns of a row version of the table
// with OID rel to a decoded row.
func withSystem(row []types.Datum, v engine.RowVersion, rel uint32) []types.Datum {
	if v.TxID == 0 {
		return append(row, nil, nil, dOid(rel))
	}
	return append(row, int64(v.TxID), types.TimestampTZFromUnixMicros(v.Time), dOid(rel))
}

// mentionsSystemColumn reports whether text holds "_tx", "_ts" or
// "tableoid" in any letter case.
func mentionsSystemColumn(text string) bool {
	for i := 0; i+2 < len(text); i++ {
		if text[i] == '_' && text[i+1]|0x20 == 't' {
			if c := text[i+2] | 0x20; c == 'x' || c == 's' {
				return true
			}
		} else if text[i]|0x20 == 't' && i+len(tableOIDColumn) <= len(text) && equalFoldASCII(text[i:i+len(tableOIDColumn)], tableOIDColumn) {
			return true
		}
	}
	return false
}

// equalFoldASCII reports whether s is lower, a lower-case ASCII word, in
// any letter case.
func equalFoldASCII(s, lower string) bool {
	for i := 0; i < len(lower); i++ {
		if s[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}

// isPGSystemColumn reports whether name is one of PostgreSQL's system
// columns (which no table column may be named, systemColumnConflict).
func isPGSystemColumn(name string) bool {
	switch name {
	case tableOIDColumn, "ctid", "xmin", "cmin", "xmax", "cmax":
		return true
	}
	return false
}

// systemColumnConflict refuses (42701) a table column named as one of
// PostgreSQL's system columns, as PostgreSQL does: tableoid, which stela
// serves, and the others, so that a schema stela accepts PostgreSQL
// accepts too. stela's own _tx and _ts may be column names.
func systemColumnConflict(name string) error {
	if isPGSystemColumn(name) {
		return pgerror.Newf(pgcode.DuplicateColumn, "column name \"%s\" conflicts with a system column name", name)
	}
	return nil
}

// constTableOID makes b read the system column tableoid of table's row,
// (OID rel) as that constant: the expressions kept with a table and
// computed over its row alone (CHECK constraints, generation
// expressions, ON CONFLICT's inference WHERE), which PostgreSQL lets
// read tableoid, see no scan that could carry it. A reference that
// names another table is left to b, which refuses it.
func constTableOID(b *expr.Builder, table string, rel uint32) {
	own := b.With(newScope([]column{tableOIDCol(table)}, &level{}, nil))
	own.Match = nil
	next := b.Match
	b.Match = func(n *pg_query.Node) (expr.Expr, error) {
		if cr := n.GetColumnRef(); cr != nil && lastFieldName(cr) == tableOIDColumn {
			if _, err := own.Build(n); err == nil {
				return &expr.Const{T: types.OidType, V: dOid(rel), Loc: cr.Location}, nil
			}
		}
		if next != nil {
			return next(n)
		}
		return nil, nil
	}
}
