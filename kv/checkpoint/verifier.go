package checkpoint

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
)

// Verifier checks signatures by one trusted public key under one key name.
// Open counts a signature line as coming from a Verifier only when both the
// name and the key ID match.
type Verifier struct {
	name   string
	id     uint32
	pub    crypto.PublicKey
	verify func(msg, sig []byte) bool
}

// NewVerifier returns a Verifier for pub, which must be an
// ed25519.PublicKey or an *ecdsa.PublicKey on P-256, under the given key
// name. The key is copied, so later changes to pub do not affect it.
func NewVerifier(name string, pub crypto.PublicKey) (*Verifier, error) {
	if err := checkKeyName(name); err != nil {
		return nil, err
	}
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("checkpoint: Ed25519 public key is %d bytes, want %d", len(k), ed25519.PublicKeySize)
		}
		k = bytes.Clone(k)
		return &Verifier{
			name:   name,
			id:     ed25519KeyID(name, k),
			pub:    k,
			verify: func(msg, sig []byte) bool { return ed25519.Verify(k, msg, sig) },
		}, nil
	case *ecdsa.PublicKey:
		// crypto/ecdsa panics on keys with missing coordinates.
		if k == nil || k.X == nil || k.Y == nil {
			return nil, fmt.Errorf("checkpoint: incomplete ECDSA public key")
		}
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: ECDSA key on curve %s; only P-256 is supported", ErrUnsupportedKey, curveName(k.Curve))
		}
		spki, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			return nil, fmt.Errorf("checkpoint: invalid ECDSA public key: %w", err)
		}
		// Parsing our own encoding back both copies the key and checks
		// that the point is on the curve.
		parsed, err := x509.ParsePKIXPublicKey(spki)
		if err != nil {
			return nil, fmt.Errorf("checkpoint: invalid ECDSA public key: %w", err)
		}
		own := parsed.(*ecdsa.PublicKey)
		return &Verifier{
			name: name,
			id:   ecdsaKeyID(spki),
			pub:  own,
			verify: func(msg, sig []byte) bool {
				digest := sha256.Sum256(msg)
				return ecdsa.VerifyASN1(own, digest[:], sig)
			},
		}, nil
	default:
		return nil, fmt.Errorf("%w: public key of type %T; want ed25519.PublicKey or *ecdsa.PublicKey on P-256", ErrUnsupportedKey, pub)
	}
}

// VerifierFor returns the Verifier for a Signer's public key and name. It
// fails if the signer's KeyID is not the one its public key implies, which
// catches a custom Signer whose signatures no verifier would accept.
func VerifierFor(s Signer) (*Verifier, error) {
	v, err := NewVerifier(s.Name(), s.Public())
	if err != nil {
		return nil, err
	}
	if v.id != s.KeyID() {
		return nil, fmt.Errorf("checkpoint: signer %s reports key ID %08x, but its public key has ID %08x", s.Name(), s.KeyID(), v.id)
	}
	return v, nil
}

// Name returns the key name.
func (v *Verifier) Name() string { return v.name }

// KeyID returns the signed-note key ID.
func (v *Verifier) KeyID() uint32 { return v.id }

// PublicKey returns the public key: ed25519.PublicKey or *ecdsa.PublicKey.
// Callers must not modify it.
func (v *Verifier) PublicKey() crypto.PublicKey { return v.pub }

// Verify reports whether sig, the signature bytes of a signature line with
// the 4-byte key ID removed, is a valid signature of msg, the note text.
func (v *Verifier) Verify(msg, sig []byte) bool { return v.verify(msg, sig) }
