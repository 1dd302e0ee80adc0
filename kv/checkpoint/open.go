package checkpoint

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// SignatureLine is one signature line of a note, as ParseUnverified reports
// it. Nothing about it has been checked beyond its syntax.
type SignatureLine struct {
	// KeyName is the key name written in the line.
	KeyName string
	// KeyID is the first 4 bytes of the decoded signature, big-endian.
	KeyID uint32
	// Signature is the rest of the decoded signature.
	Signature []byte
}

// Open verifies a signed checkpoint note against the trusted verifiers and
// returns the checkpoint it carries. Following the signed-note rules, a
// signature line counts as known when its key name and key ID both match a
// verifier; lines from unknown keys are ignored. Open fails with
//
//   - an error wrapping ErrMalformed if the note or its body is not
//     well-formed or exceeds a limit (including two lines for one known
//     key: only one could be checked by the underlying library, and a
//     legitimate signer never writes two);
//   - a *SignatureError if any known key's signature does not verify;
//   - an error wrapping ErrUnverified if no line comes from a known key.
//
// Open does not check that the checkpoint's origin is the log the caller
// expects; callers that trust one key for several logs must compare
// Checkpoint.Origin themselves.
func Open(msg []byte, verifiers ...*Verifier) (Checkpoint, error) {
	n, err := openNote(msg, verifiers)
	if err != nil {
		return Checkpoint{}, err
	}
	return Parse([]byte(n.Text))
}

// ParseUnverified parses a signed checkpoint note without checking any
// signature, for tools that display a checkpoint. Its result must not be
// trusted. The signature lines are returned in order, except that exact
// duplicate lines appear once. Errors wrap ErrMalformed.
func ParseUnverified(msg []byte) (Checkpoint, []SignatureLine, error) {
	// With no verifiers, a well-formed note always comes back as
	// unverified, together with its parsed text and signature lines.
	n, err := openNote(msg, nil)
	if !errors.Is(err, ErrUnverified) {
		return Checkpoint{}, nil, err
	}
	cp, err := Parse([]byte(n.Text))
	if err != nil {
		return Checkpoint{}, nil, err
	}
	lines := make([]SignatureLine, 0, len(n.UnverifiedSigs))
	for _, s := range n.UnverifiedSigs {
		raw, err := base64.StdEncoding.DecodeString(s.Base64)
		if err != nil || len(raw) < 4 {
			// note.Open has already decoded it; this cannot happen.
			return Checkpoint{}, nil, malformed("signature line for %.40q is not base64", s.Name)
		}
		lines = append(lines, SignatureLine{KeyName: s.Name, KeyID: s.Hash, Signature: raw[4:]})
	}
	return cp, lines, nil
}

// openNote checks the note framing and the signatures with sumdb/note and
// turns its errors into ours. When the only problem is that no known key
// signed, it returns the parsed note together with an ErrUnverified error,
// so that ParseUnverified can use it.
func openNote(msg []byte, verifiers []*Verifier) (*note.Note, error) {
	// sumdb/note has no size limit of its own; check before it scans.
	if len(msg) > MaxNoteSize {
		return nil, malformed("note is %d bytes, over the %d-byte limit", len(msg), MaxNoteSize)
	}
	ring := &keyring{verifiers: verifiers}
	n, err := note.Open(msg, ring)
	if err == nil {
		return n, nil
	}
	var invalid *note.InvalidSignatureError
	var unverified *note.UnverifiedNoteError
	switch {
	case errors.As(err, &invalid):
		return nil, &SignatureError{KeyName: invalid.Name, KeyID: invalid.Hash}
	case errors.As(err, &unverified):
		return unverified.Note, unverifiedError(unverified.Note)
	case errors.Is(err, ErrMalformed):
		// Raised by our keyring: too many lines, or a duplicate.
		return nil, err
	default:
		// sumdb/note's framing errors are unexported values; the only
		// other errors it returns come from Verifiers implementations
		// unlike ours. All of them mean the bytes are not a good note.
		return nil, malformed("signed note: %s", framingProblem(msg))
	}
}

// unverifiedError wraps ErrUnverified and lists the keys that did sign, as
// name+id, which is usually what an operator needs to fix a configuration.
func unverifiedError(n *note.Note) error {
	keys := make([]string, 0, len(n.UnverifiedSigs))
	for _, s := range n.UnverifiedSigs {
		keys = append(keys, fmt.Sprintf("%s+%08x", s.Name, s.Hash))
	}
	return fmt.Errorf("%w (signed by unknown keys: %s)", ErrUnverified, strings.Join(keys, ", "))
}

// keyring is the note.Verifiers that Open hands to sumdb/note for one
// note. Besides looking up keys it enforces two rules sumdb/note does not:
// at most MaxSignatures lines (it allows 100), and at most one line per
// known key (it checks only the first and skips the rest, which would leave
// a bad signature from a known key unnoticed). sumdb/note asks for a
// verifier once per line, in order, so counting calls counts lines.
type keyring struct {
	verifiers []*Verifier
	lines     int
	seen      []keyRef
}

// keyRef identifies a key the way a signature line does.
type keyRef struct {
	name string
	id   uint32
}

// Verifier implements note.Verifiers.
func (r *keyring) Verifier(name string, id uint32) (note.Verifier, error) {
	r.lines++
	if r.lines > MaxSignatures {
		return nil, malformed("more than %d signature lines", MaxSignatures)
	}
	known := false
	for _, v := range r.verifiers {
		if v.name == name && v.id == id {
			known = true
			break
		}
	}
	if !known {
		return nil, &note.UnknownVerifierError{Name: name, KeyHash: id}
	}
	ref := keyRef{name, id}
	for _, s := range r.seen {
		if s == ref {
			return nil, malformed("two signature lines for key %.40s+%08x", name, id)
		}
	}
	r.seen = append(r.seen, ref)
	return keyMatch{ring: r, ref: ref}, nil
}

// keyMatch is the note.Verifier for one name and ID. It accepts a
// signature if any trusted key with that name and ID verifies it: two
// different trusted keys can share both by accident (the ID is only 32
// bits), and the caller trusts each of them.
type keyMatch struct {
	ring *keyring
	ref  keyRef
}

func (m keyMatch) Name() string    { return m.ref.name }
func (m keyMatch) KeyHash() uint32 { return m.ref.id }
func (m keyMatch) Verify(msg, sig []byte) bool {
	for _, v := range m.ring.verifiers {
		if v.name == m.ref.name && v.id == m.ref.id && v.verify(msg, sig) {
			return true
		}
	}
	return false
}
