// Package pgwire is the server side of the PostgreSQL wire protocol 3.0
// over github.com/jackc/pgproto3/v2: startup, TLS, authentication, simple
// and extended query, COPY and cancel.
//
// It is built by the wire protocol issue; this file marks its place in the
// layering (cmd -> pgwire -> sql -> catalog -> engine -> kv).
package pgwire
