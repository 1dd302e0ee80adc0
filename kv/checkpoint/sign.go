package checkpoint

import (
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"
)

// Sign validates cp and returns it as a signed note carrying one signature
// line per signer, in the order given. At least one signer is required: an
// unsigned checkpoint is just its body, which Marshal returns. Two signers
// with the same key name and key ID are refused, because Open rejects a
// note with two lines for one known key.
func Sign(cp Checkpoint, signers ...Signer) ([]byte, error) {
	if len(signers) == 0 {
		return nil, errors.New("checkpoint: Sign needs at least one signer (Marshal gives the unsigned body)")
	}
	if len(signers) > MaxSignatures {
		return nil, fmt.Errorf("checkpoint: %d signers, over the limit of %d signatures per note", len(signers), MaxSignatures)
	}
	if err := cp.Validate(); err != nil {
		return nil, err
	}
	adapted := make([]note.Signer, len(signers))
	for i, s := range signers {
		if err := checkKeyName(s.Name()); err != nil {
			return nil, err
		}
		for _, prev := range signers[:i] {
			if prev.Name() == s.Name() && prev.KeyID() == s.KeyID() {
				return nil, fmt.Errorf("checkpoint: two signers for key %s+%08x", s.Name(), s.KeyID())
			}
		}
		adapted[i] = noteSigner{s}
	}
	// sumdb/note does the framing: body, blank line, then for each signer
	// "— name base64(keyID || sig)\n", signing exactly the body.
	msg, err := note.Sign(&note.Note{Text: string(cp.Marshal())}, adapted...)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: signing: %w", err)
	}
	if len(msg) > MaxNoteSize {
		return nil, fmt.Errorf("checkpoint: signed note is %d bytes, over the %d-byte limit", len(msg), MaxNoteSize)
	}
	return msg, nil
}

// noteSigner presents a Signer as a sumdb/note Signer, which calls the key
// ID its "key hash".
type noteSigner struct{ Signer }

func (s noteSigner) KeyHash() uint32 { return s.KeyID() }
