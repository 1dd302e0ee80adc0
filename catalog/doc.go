// Package catalog holds schemas, tables, columns, indexes, users and
// grants, stored through engine in the same verifiable log as the data,
// and serves pg_catalog and information_schema as views over them.
//
// It is built by the SQL engine issue; this file marks its place in the
// layering (cmd -> pgwire -> sql -> catalog -> engine -> kv).
package catalog
