// Package sql turns SQL text into results for one session at a time:
// parsing (package parser, PostgreSQL's own grammar), typing expressions
// (package expr), planning and executing statements, the transaction state
// machine of a session, and its settings (GUCs).
//
// The wire protocol (package pgwire) drives a Session:
//
//	stmts := parser.Parse(text)            // simple query: many statements
//	p := s.Prepare(stmt, paramTypeOIDs)    // types of $n and result columns
//	r := s.Execute(ctx, p, params)         // a Result: rows, then a tag
//	s.Sync()                               // end of an implicit transaction
//	s.TxStatus()                           // 'I', 'T' or 'E' for ReadyForQuery
//
// Until the relational engine lands, the executable statements are SELECT
// without FROM (expressions and parameters), SET/RESET/SHOW and
// transaction control; everything else PostgreSQL parses is refused with
// 0A000 naming the statement.
package sql
