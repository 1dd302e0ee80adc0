// Package sql turns SQL text into rows: the AS OF pre-pass over
// pg_query's tokens, parsing with PostgreSQL's own parser (pg_query_go),
// logical and physical planning, and execution.
//
// It is built by the SQL engine issue; this file marks its place in the
// layering (cmd -> pgwire -> sql -> catalog -> engine -> kv).
package sql
