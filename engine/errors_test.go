package engine

import (
	"fmt"
	"testing"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

func TestStorageErrorCodes(t *testing.T) {
	for err, want := range map[error]pgcode.Code{
		fmt.Errorf("x: %w", kv.ErrCorrupt): pgcode.DataCorrupted,
		kv.ErrDiskFull:                     pgcode.DiskFull,
		kv.ErrFailed:                       pgcode.IOError,
		kv.ErrIO:                           pgcode.IOError,
		kv.ErrTooLarge:                     pgcode.ProgramLimitExceeded,
		kv.ErrInvalid:                      pgcode.InvalidParameterValue,
		fmt.Errorf("boom"):                 pgcode.Internal,
	} {
		if got := pgerror.GetCode(StorageError(err)); got != want {
			t.Errorf("%v: code %s, want %s", err, got, want)
		}
	}
	coded := pgerror.New(pgcode.UniqueViolation, "dup")
	if StorageError(coded) != error(coded) {
		t.Error("an error with a code must pass through")
	}
}
