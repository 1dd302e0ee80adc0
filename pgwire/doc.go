// Package pgwire is the server side of the PostgreSQL frontend/backend
// protocol, version 3.0, built on the message types of
// github.com/jackc/pgproto3/v2 (all use of pgproto3 stays in this package).
//
// # Layers
//
//	Server     listener, connection limit, cancel keys, shutdown (server.go)
//	conn       one goroutine per connection: startup, TLS, authentication,
//	           then the message loop (conn.go, startup.go, auth.go)
//	framing    length-prefixed messages read with a size limit, replies
//	           buffered and flushed at ReadyForQuery and Flush (framing.go)
//	decoding   message bodies read field by field as PostgreSQL's
//	           pq_getmsg* do, with its errors (decode.go)
//	session    simple and extended query over a sql.Session (simple.go,
//	           extended.go)
//
// # Lifecycle of a connection
//
//  1. Startup. The first packet is an SSLRequest (answered 'S' and TLS is
//     negotiated when configured, 'N' otherwise), a GSSENCRequest
//     (answered 'N'), a CancelRequest (cancels the statement of the session
//     whose key matches; the connection then closes) or a StartupMessage
//     for protocol 3.0. Anything else, or a packet of a bad length, closes
//     the connection. The startup phase has a deadline.
//  2. Authentication: SCRAM-SHA-256 (SCRAM-SHA-256-PLUS over TLS), or a
//     cleartext password when configured and only over TLS. A failure is
//     28P01 whether or not the user exists.
//  3. ParameterStatus messages, BackendKeyData, ReadyForQuery.
//  4. The message loop until Terminate, a closed connection, a fatal error
//     or shutdown (57P01).
//
// # Simple and extended query
//
// A Query message runs its statements in order as one implicit
// transaction unless they control transactions themselves; after an error
// the rest are skipped. Parse/Bind/Describe/Execute/Close/Flush/Sync are
// the extended protocol: statements and portals live in the connection;
// after an error every message is discarded until Sync, and each Sync gets
// exactly one ReadyForQuery with the transaction status (I, T or E).
//
// # Errors
//
// Every ErrorResponse carries severity, SQLSTATE and message, flattened
// once from the error the lower layers returned (sql/pgerror.Flatten).
// A message whose body does not fit its type is an ERROR (08P01), as in
// PostgreSQL; a bad frame (a length under 4 or over the limit of its type)
// or an unknown message type is FATAL to its connection only.
//
// # Settings
//
// Changes of reported settings are sent as ParameterStatus just before
// ReadyForQuery, and only when the value differs from the one last sent,
// as PostgreSQL 14 and later do.
package pgwire
