// Package engine stores relational rows and indexes in kv: row and index
// key encodings, MVCC snapshot reads at a tx id, transactions with write
// buffering, and conflict detection at commit (SQLSTATE 40001).
//
// It is built by the SQL engine issue; this file marks its place in the
// layering (cmd -> pgwire -> sql -> catalog -> engine -> kv).
package engine
