package merkle

import (
	"errors"
	"fmt"
)

// ErrInvalidProof is wrapped by every verification error that means the
// proof or its parameters are malformed: wrong length, index or sizes out
// of range, or bytes that do not decode. Test for it with errors.Is.
//
// A well-formed proof that leads to the wrong root yields a
// *RootMismatchError instead, which does not wrap ErrInvalidProof; every
// error from the verifiers is exactly one of the two.
var ErrInvalidProof = errors.New("merkle: invalid proof")

// invalidProof returns an error wrapping ErrInvalidProof. The message should
// state the numbers involved so a failed verification can be diagnosed from
// the log line alone.
func invalidProof(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidProof}, args...)...)
}

// RootMismatchError reports a well-formed proof whose recomputed root is not
// the expected one: either the proof is forged or corrupted, or the leaf,
// index, sizes or roots given to the verifier are wrong. Test for it with
// errors.As.
type RootMismatchError struct {
	// Expected is the root the caller supplied and trusts.
	Expected Hash
	// Calculated is the root recomputed from the proof.
	Calculated Hash
}

// Error describes both roots in hex.
func (e *RootMismatchError) Error() string {
	return fmt.Sprintf("merkle: calculated root %s does not match expected root %s", e.Calculated, e.Expected)
}
