package checkpoint

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
)

// Signature type identifiers from the C2SP signed-note registry.
const (
	sigTypeEd25519 byte = 0x01
	sigTypeECDSA   byte = 0x02
)

// ed25519KeyID is the signed-note key ID of an Ed25519 key:
// SHA-256(name || 0x0A || 0x01 || public key)[:4], big-endian. The name is
// hashed in so that one key used under two names gets two IDs.
func ed25519KeyID(name string, pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', sigTypeEd25519})
	h.Write(pub)
	var sum [sha256.Size]byte
	return binary.BigEndian.Uint32(h.Sum(sum[:0]))
}

// ecdsaKeyID is the key ID the transparency-dev witness uses for ECDSA
// keys: SHA-256 of the DER SubjectPublicKeyInfo, first 4 bytes,
// big-endian. Unlike the Ed25519 ID it covers neither the name nor the type
// byte; that is the deployed convention, so it is kept for compatibility.
func ecdsaKeyID(spki []byte) uint32 {
	sum := sha256.Sum256(spki)
	return binary.BigEndian.Uint32(sum[:4])
}
