package checkpoint

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
)

// Key algorithm names, as `stela key generate --algorithm` takes them.
const (
	AlgorithmEd25519   = "ed25519"
	AlgorithmECDSAP256 = "ecdsa-p256"
)

// PrivateKey is a signing key not yet bound to a key name. A server signs
// the checkpoints of several logs (one per database) with one key file, and
// a Signer carries its name, which must be the log's origin: PrivateKey
// makes one Signer per origin from the one parsed key.
type PrivateKey struct {
	key any // ed25519.PrivateKey or *ecdsa.PrivateKey on P-256
}

// ParsePrivateKeyPEM reads a private key in any form ParseSignerPEM
// accepts (SEC 1 "EC PRIVATE KEY", with or without "EC PARAMETERS", or
// unencrypted PKCS #8 "PRIVATE KEY" holding P-256 or Ed25519).
func ParsePrivateKeyPEM(pemBytes []byte) (*PrivateKey, error) {
	key, err := parsePrivateKeyPEM(pemBytes)
	if err != nil {
		return nil, err
	}
	k := &PrivateKey{key: key}
	// Building a signer validates the key (public half, curve) now rather
	// than at the first checkpoint.
	if _, err := k.Signer("stela.local/check"); err != nil {
		return nil, err
	}
	return k, nil
}

// GenerateKey makes a new key of the named algorithm (AlgorithmEd25519 or
// AlgorithmECDSAP256).
func GenerateKey(algorithm string) (*PrivateKey, error) {
	switch algorithm {
	case AlgorithmEd25519:
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		return &PrivateKey{key: k}, nil
	case AlgorithmECDSAP256:
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		return &PrivateKey{key: k}, nil
	default:
		return nil, fmt.Errorf("%w: algorithm %q; use %s or %s", ErrUnsupportedKey, algorithm, AlgorithmEd25519, AlgorithmECDSAP256)
	}
}

// Algorithm names the key's algorithm.
func (k *PrivateKey) Algorithm() string {
	if _, ok := k.key.(ed25519.PrivateKey); ok {
		return AlgorithmEd25519
	}
	return AlgorithmECDSAP256
}

// Signer returns a Signer of this key under the key name, which for a
// log's own key is the log's origin.
func (k *PrivateKey) Signer(name string) (Signer, error) {
	switch key := k.key.(type) {
	case ed25519.PrivateKey:
		return NewEd25519Signer(name, key)
	case *ecdsa.PrivateKey:
		return NewECDSASigner(name, key)
	default:
		return nil, fmt.Errorf("%w: key of type %T", ErrUnsupportedKey, k.key)
	}
}

// Public returns the public key: ed25519.PublicKey or *ecdsa.PublicKey.
func (k *PrivateKey) Public() crypto.PublicKey {
	return k.key.(crypto.Signer).Public()
}

// MarshalPEM returns the key as an unencrypted PKCS #8 "PRIVATE KEY" PEM
// block, the form `openssl genpkey` writes.
func (k *PrivateKey) MarshalPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.key)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: encoding private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPKCS8Private, Bytes: der}), nil
}

// PublicKeyPEM returns the public key as a PKIX "PUBLIC KEY" PEM block.
func (k *PrivateKey) PublicKeyPEM() ([]byte, error) {
	return PublicKeyPEM(k.Public())
}

// PublicKeyPEM encodes a public key (a Verifier's, say) as a PKIX
// "PUBLIC KEY" PEM block, the form ParseVerifierPEM reads.
func PublicKeyPEM(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: encoding public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPublic, Bytes: der}), nil
}

// Fingerprint is "SHA256:" and the unpadded base64 of SHA-256 over the
// public key's DER SubjectPublicKeyInfo (the bytes of its "PUBLIC KEY" PEM
// block), as OpenSSH prints fingerprints. Unlike a signed-note key ID it
// does not depend on a key name, so one fingerprint names the key of every
// database of a server.
func Fingerprint(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("checkpoint: encoding public key: %w", err)
	}
	sum := sha256.Sum256(der)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:]), nil
}
