package checkpoint

import (
	"errors"
	"fmt"
)

// ErrMalformed is wrapped by every error that reports bytes which are not a
// well-formed checkpoint body or signed note. It lets callers tell "this is
// garbage" apart from "this is well-formed but not signed by a key we trust"
// with errors.Is, whichever layer found the problem.
var ErrMalformed = errors.New("checkpoint: malformed")

// ErrUnverified is wrapped by the error Open returns when the note is
// well-formed but carries no signature from any of the given verifiers. The
// signed-note rules say such a note's text must be ignored, so Open does not
// even parse the body in that case.
var ErrUnverified = errors.New("checkpoint: no signature by a known key")

// ErrUnsupportedKey is wrapped by errors about keys whose type, curve or
// encoding this package does not sign or verify with (for example RSA,
// P-384 or an encrypted PEM file).
var ErrUnsupportedKey = errors.New("checkpoint: unsupported key")

// SignatureError reports a signature line whose key name and key ID match a
// known verifier but whose signature does not verify. Open rejects the whole
// note in that case, even if another known key's signature verifies,
// because a known key that disagrees with the text points at tampering or
// at a misconfigured key, and either deserves attention.
type SignatureError struct {
	// KeyName is the key name from the failing signature line.
	KeyName string
	// KeyID is the 4-byte key ID from the failing signature line.
	KeyID uint32
}

// Error describes the failing key as name+id, the notation signed-note
// tooling uses for verifier keys.
func (e *SignatureError) Error() string {
	return fmt.Sprintf("checkpoint: signature by known key %s+%08x does not verify", e.KeyName, e.KeyID)
}

// malformedError carries a description of what is wrong and unwraps to
// ErrMalformed; a type of its own (rather than fmt.Errorf with %w) keeps the
// message free of a doubled "checkpoint: malformed" prefix.
type malformedError struct{ msg string }

func (e *malformedError) Error() string { return "checkpoint: malformed: " + e.msg }
func (e *malformedError) Unwrap() error { return ErrMalformed }

// malformed returns an error wrapping ErrMalformed. Callers quote input with
// %.40q so that a huge hostile input cannot make a huge error message.
func malformed(format string, args ...any) error {
	return &malformedError{msg: fmt.Sprintf(format, args...)}
}
