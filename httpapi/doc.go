// Package httpapi serves stela over HTTP with JSON, for clients that
// cannot load a PostgreSQL driver (a batch step with curl, a program that
// has only an HTTP client, a device): SQL, a key/value interface and the
// log's proofs, from the same binary and the same engine as pgwire.
//
// Every request that touches a database runs in its own sql.Session,
// opened as the authenticated user and closed at the end of the request
// (autocommit: its statements are one implicit transaction). Privileges
// are therefore checked by the session exactly as for pgwire (42501), and
// the server's connection limit counts these sessions too (53300).
//
// # Authentication
//
// POST /api/v1/login takes {"user": "...", "password": "..."} and answers
// {"token": "...", "expires_at": "RFC 3339 time"}. A password that is not
// easily written in JSON may be sent base64-encoded (RFC 4648, padded) in
// "password_base64" instead of "password" (as immudb's gateway accepts);
// exactly one of the two is given. The token (32 random bytes, base64url)
// is sent as "Authorization: Bearer <token>" until it expires (Config.
// TokenTTL) or POST /api/v1/logout revokes it. Tokens live in the server's
// memory only: a restart ends them. HTTP Basic authentication is accepted
// on every call instead of a token. Failed logins are slowed down and
// logged as pgwire's are, with the same shared counters
// (internal/loginlimit); deactivated users (NOLOGIN) are refused.
//
// # SQL
//
// POST /api/v1/db/{db}/sql takes {"sql": "...", "params": [...]}. With
// params, sql is one statement and params its $1, $2, ... as JSON scalars
// (null, booleans, numbers, or strings in PostgreSQL's text form of the
// parameter's type: bytea as '\x' hex, timestamps, numerics...). Without
// params, sql may hold several statements, run as a simple Query does:
// one implicit transaction, stopped at the first error. The answer is
//
//	{"columns": [{"name": "id", "type": "int4"}], "rows": [[1, "a"]],
//	 "command": "SELECT 1", "tx": 12}
//
// for the last statement, and "results" (an array of such objects, one
// per statement) when there were several. "tx" is the log transaction the
// request committed, absent when it wrote nothing. A transaction block
// left open at the end of the request is rolled back. Values: int2, int4,
// int8, oid and finite floats are JSON numbers; bool is true/false; json
// and jsonb are JSON; bytea is base64 (RFC 4648, padded) — not '\x' hex,
// which a JSON client would have to parse; everything else (numeric,
// dates and times, uuid, intervals, arrays, text, NaN and infinite
// floats) is a string in PostgreSQL's text output; NULL is null.
//
// # Errors
//
// Every error is {"error": {"code": "42P01", "message": "...", "detail",
// "hint", "position"}} with the SQLSTATE, and the HTTP status of its
// class (errors.go): 400 bad input (classes 0A, 22, 25, 42 but 42501,
// malformed JSON 08P01), 401 authentication (28xxx), 403 42501, 404
// unknown database (3D000) or key (02000), 409 conflicts (23xxx, 40xxx),
// 413 a body over Config.MaxBody (54000), 503 over the connection limit or
// shutting down (53xxx, 57P01), 500 otherwise.
//
// # Key/value
//
// Keys and values live in the table stela_kv of the database (package
// sql/kvtable gives its definition and statements, shared with the stela
// kv command): readable with SQL, AS OF and FOR SYSTEM_TIME like any
// table, with the same row proofs. Keys are path segments, URL-escaped
// ("a%2Fb" is the key "a/b").
//
//	PUT    /api/v1/db/{db}/kv/{key}          body: the value (any bytes); its Content-Type is kept
//	                                         -> {"key", "tx"}
//	GET    /api/v1/db/{db}/kv/{key}[?tx=N]   -> the value's bytes, its Content-Type, X-Stela-Tx: the
//	                                         version's tx (?tx: as a read at tx N sees it)
//	DELETE /api/v1/db/{db}/kv/{key}          -> {"key", "tx"}; a delete version in the history
//	GET    /api/v1/db/{db}/kv/{key}/history  -> {"key", "versions": [{"tx", "time", "op", "value"
//	                                         (base64, null for a delete), "content_type"}]}
//	GET    /api/v1/db/{db}/kv/{key}/proof[?tx=N] -> stela_row_proof's JSON (docs/PROOFS.md)
//	GET    /api/v1/db/{db}/kv?prefix=P&limit=N   -> {"items": [{"key", "value", "content_type", "tx"}]}
//
// The table is created by the first write of a user allowed to create
// tables; another writer gets 403 (42501) with a hint naming the fix.
//
// # Proofs
//
//	GET /api/v1/db/{db}/state                         stela_state(): the signed checkpoint
//	GET /api/v1/db/{db}/proof/consistency?from=A&to=B stela_consistency_proof(A, B)
//	GET /api/v1/db/{db}/tx/{n}                        stela_tx(n)
//
// GET /api/v1/openapi.json is the OpenAPI 3 description of all of it
// (openapi.json, written by hand; a test checks that it lists every
// route).
package httpapi
