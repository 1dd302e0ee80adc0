// Package kvtable is the key/value interface's storage: an ordinary table
// of the database, stela_kv, and the SQL statements that read and write
// it. The HTTP API (httpapi) and the CLI (stela kv) both run these exact
// statements, through a session or over pgwire, so that they cannot
// drift; privileges, time travel, history and proofs are those of any
// table:
//
//	CREATE TABLE stela_kv (key text PRIMARY KEY, value bytea NOT NULL, content_type text)
//
// A key is any UTF-8 string of 1 to MaxKeyLen bytes without NUL; a value
// any bytes (the MIME type it was written with is kept beside it, NULL
// when none was given). Deleting a key is a SQL DELETE: the key's
// history keeps the delete as a version.
//
// The table is made on the first write by a user allowed to create
// tables (CREATE on schema public: an admin); other writers get 42P01
// and are told to ask an admin (MissingTableHint). Statements take
// parameters $1 (key), $2 (value), $3 (content type) as listed.
package kvtable

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Table is the table's name.
const Table = "stela_kv"

// MaxKeyLen bounds a key, in bytes. A row's log key adds the table's
// prefix and the key's encoding to it, and the log takes keys of at most
// 1024 bytes (docs/PROOFS.md): 1000 leaves room for both.
const MaxKeyLen = 1000

// The statements.
const (
	// Create makes the table (no-op when it exists).
	Create = "CREATE TABLE IF NOT EXISTS stela_kv (key text PRIMARY KEY, value bytea NOT NULL, content_type text)"
	// Put writes a key: $1 key, $2 value, $3 content type (NULL: none).
	Put = "INSERT INTO stela_kv (key, value, content_type) VALUES ($1, $2, $3) " +
		"ON CONFLICT (key) DO UPDATE SET value = excluded.value, content_type = excluded.content_type"
	// Get reads a key's latest version: value, content_type, _tx.
	Get = "SELECT value, content_type, _tx FROM stela_kv WHERE key = $1"
	// Delete removes a key ($1): a tombstone version in its history.
	Delete = "DELETE FROM stela_kv WHERE key = $1"
	// History lists a key's versions in tx order: _tx, _ts, _op,
	// value, content_type (value and content_type NULL for a delete).
	History = "SELECT _tx, _ts, _op, value, content_type FROM stela_kv FOR SYSTEM_TIME ALL WHERE key = $1 ORDER BY _tx"
	// Proof is the row proof of a key's latest version ($1 key).
	Proof = "SELECT stela_row_proof('stela_kv', $1)"
	// ProofAt is the row proof of the version a read at tx $2 sees.
	ProofAt = "SELECT stela_row_proof_at($2, 'stela_kv', $1)"
	// Scan lists the keys that start with $1 in key order, at most $2:
	// key, value, content_type, _tx.
	Scan = "SELECT key, value, content_type, _tx FROM stela_kv WHERE key >= $1 AND starts_with(key, $1) ORDER BY key LIMIT $2"
)

// GetAt reads the version of a key ($1) a read at tx sees: value,
// content_type, _tx. AS OF takes a literal, not a parameter; tx is a
// number, so formatting it into the text is safe.
func GetAt(tx uint64) string {
	return "SELECT value, content_type, _tx FROM stela_kv AS OF TX " + strconv.FormatUint(tx, 10) + " WHERE key = $1"
}

// MissingTableHint tells a writer without CREATE rights what to do.
const MissingTableHint = "an administrator creates it by writing the first key, or with: " + Create

// CheckKey refuses keys the table cannot hold, with 22023 (bad value) or
// 54000 (too long).
func CheckKey(key string) error {
	switch {
	case key == "":
		return pgerror.New(pgcode.InvalidParameterValue, "empty key")
	case len(key) > MaxKeyLen:
		return pgerror.Newf(pgcode.ProgramLimitExceeded, "key of %d bytes is longer than %d bytes", len(key), MaxKeyLen)
	case !utf8.ValidString(key):
		return pgerror.New(pgcode.InvalidParameterValue, "key is not valid UTF-8")
	case strings.ContainsRune(key, 0):
		return pgerror.New(pgcode.InvalidParameterValue, "key contains a NUL character")
	}
	return nil
}

// MissingTable is the error for a write to a database whose table does
// not exist and that the writer may not create (42501).
func MissingTable(db string) error {
	return pgerror.Newf(pgcode.InsufficientPrivilege, "database \"%s\" has no key/value table %s yet, and this user may not create it", db, Table).
		WithHint(MissingTableHint)
}

// PutCreating writes a key with Put and, when the table does not exist
// yet (42P01), creates it and writes again: the first write makes the
// table, when its writer may (otherwise MissingTable). exec runs one
// statement; code returns an error's SQLSTATE (the HTTP API and the CLI
// reach the server through different clients).
func PutCreating(exec func(q string, args ...any) error, code func(error) string, db, key string, value []byte, ctype any) error {
	err := exec(Put, key, value, ctype)
	if code(err) != string(pgcode.UndefinedTable) {
		return err
	}
	if cerr := exec(Create); cerr != nil {
		if code(cerr) == string(pgcode.InsufficientPrivilege) {
			return MissingTable(db)
		}
		return cerr
	}
	return exec(Put, key, value, ctype)
}

// NotFound is the error for a key without a live version (a 404 over
// HTTP): 02000, no data.
func NotFound(key string) error {
	return pgerror.Newf(pgcode.NoData, "key \"%s\" not found", key)
}

// Describe names a key for messages, cut short when long.
func Describe(key string) string {
	if len(key) > 64 {
		return fmt.Sprintf("\"%s\"...", key[:64])
	}
	return strconv.Quote(key)
}
