package expr

// The size limits of a text or bytea value built by appending, as
// PostgreSQL's StringInfo buffers and their final palloc enforce them:
// array_to_string and string_agg refuse before their buffer grows past
// MaxAllocSize, not after.

import (
	"strconv"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// checkStringGrow refuses adding more bytes to a buffer holding have,
// as enlargeStringInfo (54000): the buffer and its terminating NUL must
// stay within MaxAllocSize.
func checkStringGrow(have, more int) error {
	if int64(more) >= maxAlloc-int64(have) {
		return pgerror.New(pgcode.ProgramLimitExceeded, "out of memory").
			WithDetail("Cannot enlarge string buffer containing " + strconv.Itoa(have) + " bytes by " + strconv.Itoa(more) + " more bytes.")
	}
	return nil
}

// checkVarlenaAlloc refuses a text or bytea of n bytes that the palloc
// of its value and 4-byte header could not make (PostgreSQL's elog says
// XX000; stela keeps XX000 for its own faults and says 54000): a buffer of up
// to MaxAllocSize-1 bytes passes checkStringGrow, not this.
func checkVarlenaAlloc(n int) error {
	if size := int64(n) + 4; size > maxAlloc {
		return pgerror.Newf(pgcode.ProgramLimitExceeded, "invalid memory alloc request size %d", size)
	}
	return nil
}
