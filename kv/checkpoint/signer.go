package checkpoint

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
)

// Signer signs checkpoint bodies with one key. The package provides
// Ed25519 and ECDSA P-256 signers; other implementations (a key held in an
// HSM, say) must follow the same algorithms so that NewVerifier can check
// their signatures.
type Signer interface {
	// Name is the key name written in the signature line; for a log's
	// own key it should be the log's origin.
	Name() string
	// KeyID is the signed-note key ID of the key under Name.
	KeyID() uint32
	// Sign signs msg, the whole checkpoint body. Ed25519 signs msg
	// itself; ECDSA signs SHA-256(msg) and returns an ASN.1 DER
	// signature.
	Sign(msg []byte) ([]byte, error)
	// Public returns the public key: ed25519.PublicKey or
	// *ecdsa.PublicKey.
	Public() crypto.PublicKey
}

// ed25519Signer implements Signer with signature type 0x01.
type ed25519Signer struct {
	name string
	id   uint32
	key  ed25519.PrivateKey
}

// NewEd25519Signer returns a Signer that makes signed-note Ed25519
// signatures (type 0x01) under the given key name.
func NewEd25519Signer(name string, key ed25519.PrivateKey) (Signer, error) {
	if err := checkKeyName(name); err != nil {
		return nil, err
	}
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("checkpoint: Ed25519 private key is %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	// A 64-byte key carries its public half; if that half was corrupted,
	// signatures would not match the key ID and public key we publish.
	// Rebuilding from the seed also copies the key, so later changes to
	// the caller's slice cannot alter the signer.
	own := ed25519.NewKeyFromSeed(key.Seed())
	if !bytes.Equal(own, key) {
		return nil, fmt.Errorf("checkpoint: Ed25519 private key's public half does not match its seed")
	}
	pub := own.Public().(ed25519.PublicKey)
	return &ed25519Signer{name: name, id: ed25519KeyID(name, pub), key: own}, nil
}

func (s *ed25519Signer) Name() string             { return s.name }
func (s *ed25519Signer) KeyID() uint32            { return s.id }
func (s *ed25519Signer) Public() crypto.PublicKey { return s.key.Public() }
func (s *ed25519Signer) Sign(msg []byte) ([]byte, error) {
	return ed25519.Sign(s.key, msg), nil
}

// ecdsaSigner implements Signer with signature type 0x02 on P-256.
type ecdsaSigner struct {
	name string
	id   uint32
	key  *ecdsa.PrivateKey
}

// NewECDSASigner returns a Signer that makes ECDSA signatures (type 0x02,
// as the transparency-dev witness does) under the given key name. Only
// NIST P-256 keys are accepted: it is the curve the specification
// recommends, and one curve is one less thing for verifiers to get wrong.
func NewECDSASigner(name string, key *ecdsa.PrivateKey) (Signer, error) {
	if err := checkKeyName(name); err != nil {
		return nil, err
	}
	// crypto/ecdsa panics on keys with missing coordinates or scalar, so
	// such half-built keys are refused before any method is called.
	if key == nil || key.D == nil || key.X == nil || key.Y == nil {
		return nil, fmt.Errorf("checkpoint: incomplete ECDSA private key")
	}
	if key.Curve != elliptic.P256() {
		return nil, fmt.Errorf("%w: ECDSA key on curve %s; only P-256 is supported", ErrUnsupportedKey, curveName(key.Curve))
	}
	// Re-deriving the key from its scalar validates it, copies it, and
	// lets us check that the public half given with it belongs to it.
	raw, err := key.Bytes()
	if err != nil {
		return nil, fmt.Errorf("checkpoint: invalid ECDSA private key: %w", err)
	}
	own, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), raw)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: invalid ECDSA private key: %w", err)
	}
	if !own.PublicKey.Equal(&key.PublicKey) {
		return nil, fmt.Errorf("checkpoint: ECDSA private key's public half does not match its scalar")
	}
	spki, err := x509.MarshalPKIXPublicKey(&own.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: encoding ECDSA public key: %w", err)
	}
	return &ecdsaSigner{name: name, id: ecdsaKeyID(spki), key: own}, nil
}

func (s *ecdsaSigner) Name() string             { return s.name }
func (s *ecdsaSigner) KeyID() uint32            { return s.id }
func (s *ecdsaSigner) Public() crypto.PublicKey { return &s.key.PublicKey }
func (s *ecdsaSigner) Sign(msg []byte) ([]byte, error) {
	digest := sha256.Sum256(msg)
	return ecdsa.SignASN1(rand.Reader, s.key, digest[:])
}

// curveName names a curve for error messages, tolerating nil.
func curveName(c elliptic.Curve) string {
	if c == nil || c.Params() == nil {
		return "<unknown>"
	}
	return c.Params().Name
}
