package engine

import (
	"errors"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// StorageError gives an error from kv the SQLSTATE a client should see.
// kv has no SQLSTATEs of its own (it is below the SQL layers); this is the
// one place its errors are classified.
func StorageError(err error) error {
	if err == nil {
		return nil
	}
	var pe *pgerror.Error
	if errors.As(err, &pe) {
		return err
	}
	code := pgcode.Internal
	switch {
	case errors.Is(err, kv.ErrCorrupt):
		code = pgcode.DataCorrupted
	case errors.Is(err, kv.ErrDiskFull):
		code = pgcode.DiskFull
	case errors.Is(err, kv.ErrFailed), errors.Is(err, kv.ErrIO):
		code = pgcode.IOError
	case errors.Is(err, kv.ErrTooLarge):
		code = pgcode.ProgramLimitExceeded
	case errors.Is(err, kv.ErrClosed):
		code = pgcode.AdminShutdown
	case errors.Is(err, kv.ErrReadOnly):
		code = pgcode.ReadOnlySQLTransaction
	case errors.Is(err, kv.ErrTxNotFound):
		code = pgcode.InvalidParameterValue
	case errors.Is(err, kv.ErrInvalid):
		code = pgcode.InvalidParameterValue
	}
	return pgerror.Wrap(err, code, err.Error())
}
