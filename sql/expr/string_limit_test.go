package expr

import (
	"testing"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// The string buffer's and the final value's limits, at their edges, as
// PostgreSQL's enlargeStringInfo and palloc draw them.
func TestStringLimits(t *testing.T) {
	if err := checkStringGrow(int(maxAlloc)-2, 1); err != nil {
		t.Fatalf("a buffer of MaxAllocSize-1 bytes refused: %v", err)
	}
	if err := checkStringGrow(int(maxAlloc)-1, 1); !pgerror.HasCode(err, pgcode.ProgramLimitExceeded) {
		t.Fatalf("a buffer past MaxAllocSize-1: got %v, want 54000", err)
	}
	if err := checkVarlenaAlloc(int(maxAlloc) - 4); err != nil {
		t.Fatalf("a value of MaxAllocSize with its header refused: %v", err)
	}
	if err := checkVarlenaAlloc(int(maxAlloc) - 3); !pgerror.HasCode(err, pgcode.ProgramLimitExceeded) {
		t.Fatalf("a value past MaxAllocSize: got %v, want 54000", err)
	}
}
