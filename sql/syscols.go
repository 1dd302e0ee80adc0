package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/types"
)

// System columns: every table read by a query has two hidden columns,
// _tx (bigint: the transaction that wrote the row version read) and _ts
// (timestamptz: that transaction's commit time), for audits such as
// "which rows changed after tx 40" or "when was this balance set". They
// are not in SELECT *, and a table's own column of the same name wins. A
// row the transaction itself wrote and has not committed has NULL in
// both.
//
// They are added only to the scans of a query that names them, so that
// every other scan keeps the table's row as it is stored.

var systemColumnNames = map[string]bool{"_tx": true, "_ts": true}

// wantsSystemColumns reports whether a SELECT names a system column. The
// text is looked at first: walking the tree costs more than planning a
// short query, and almost no query names them.
func wantsSystemColumns(n *pg_query.Node, sql string) bool {
	if n.GetSelectStmt() == nil && n.GetExplainStmt() == nil || !mentionsSystemColumn(sql) {
		return false
	}
	found := false
	walk(n, func(x *pg_query.Node) bool {
		if cr := x.GetColumnRef(); cr != nil && len(cr.Fields) > 0 {
			if s := cr.Fields[len(cr.Fields)-1].GetString_(); s != nil && systemColumnNames[s.Sval] {
				found = true
			}
		}
		return !found
	})
	return found
}

// addSystemColumns appends _tx and _ts to a scan's columns, unless the
// table has columns of those names.
func addSystemColumns(scan *scanNode, cols []column, table string) []column {
	for _, c := range cols {
		if systemColumnNames[c.name] {
			return cols
		}
	}
	scan.sys = true
	return append(cols, versionColumns(table)...)
}

// versionColumns are the hidden _tx and _ts of a table's scan.
func versionColumns(table string) []column {
	return []column{
		{name: "_tx", table: table, typ: types.Int8, hidden: true},
		{name: "_ts", table: table, typ: types.TimestampTZType, hidden: true},
	}
}

// withVersion appends a row version's system columns to a decoded row.
func withVersion(row []types.Datum, v engine.RowVersion) []types.Datum {
	if v.TxID == 0 {
		return append(row, nil, nil)
	}
	return append(row, int64(v.TxID), types.TimestampTZFromUnixMicros(v.Time))
}

// mentionsSystemColumn reports whether text holds "_tx" or "_ts" in any
// letter case.
func mentionsSystemColumn(text string) bool {
	for i := 0; i+2 < len(text); i++ {
		if text[i] == '_' && text[i+1]|0x20 == 't' {
			if c := text[i+2] | 0x20; c == 'x' || c == 's' {
				return true
			}
		}
	}
	return false
}
