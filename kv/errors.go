package kv

import (
	"errors"
	"fmt"

	"github.com/stela-db/stela/kv/format"
)

// Errors of the store. Test for them with errors.Is; each is wrapped with
// the detail of the case.
var (
	// ErrCorrupt marks stored data that does not decode or does not match
	// its hashes. It is format.ErrCorrupt, so one test covers both layers.
	ErrCorrupt = format.ErrCorrupt

	// ErrNotStore is returned by Open for a directory that holds something
	// other than a stela store.
	ErrNotStore = errors.New("kv: not a stela store")
	// ErrClosed is returned by every operation on a closed store.
	ErrClosed = errors.New("kv: store is closed")
	// ErrReadOnly is returned by Commit on a store opened read-only.
	ErrReadOnly = errors.New("kv: store is read-only")
	// ErrFailed is returned by Commit after an I/O error broke the store's
	// write path. Reads go on; writes need the store to be reopened.
	ErrFailed = errors.New("kv: store failed")
	// ErrIO is an I/O error that leaves the store working: a side file
	// (sidefile.go) could not be written.
	ErrIO = errors.New("kv: I/O error")
	// ErrDiskFull is returned by Commit when free space on the data
	// directory's disk is below Options.MinFreeBytes. Nothing was written;
	// commits succeed again once space returns.
	ErrDiskFull = errors.New("kv: disk full")

	// ErrNotFound is returned by reads of a key that has no value at the
	// requested tx (never written, or deleted).
	ErrNotFound = errors.New("kv: key not found")
	// ErrTxNotFound is returned for a tx id that is not committed (0, or
	// beyond the last committed tx).
	ErrTxNotFound = errors.New("kv: no such transaction")

	// ErrInvalid marks a transaction or argument the store refuses: empty
	// or oversized keys, oversized values, too many entries, duplicate keys.
	ErrInvalid = errors.New("kv: invalid argument")
	// ErrTooLarge marks a transaction or value over a configured limit. It
	// also matches ErrInvalid.
	ErrTooLarge = fmt.Errorf("%w: over limit", ErrInvalid)
)

// corruptf returns an error wrapping ErrCorrupt.
func corruptf(format string, args ...any) error {
	return fmt.Errorf("kv: %w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// invalidf returns an error wrapping ErrInvalid.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// tooLargef returns an error wrapping ErrTooLarge (and so ErrInvalid).
func tooLargef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrTooLarge, fmt.Sprintf(format, args...))
}

// notFoundError is ErrNotFound for one key. A missing key is routine (every
// INSERT looks for the key it is about to write), so the message is made
// only when someone reads it.
type notFoundError struct {
	key     string
	tx      uint64
	deleted bool // the key's version at tx is a delete
}

func (e notFoundError) Error() string {
	if e.deleted {
		return fmt.Sprintf("%v: %q deleted at tx %d", ErrNotFound, e.key, e.tx)
	}
	return fmt.Sprintf("%v: %q at tx %d", ErrNotFound, e.key, e.tx)
}

func (e notFoundError) Unwrap() error { return ErrNotFound }
