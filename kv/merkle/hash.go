package merkle

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// HashSize is the size in bytes of every hash in the tree (SHA-256).
const HashSize = sha256.Size

// Hash is a SHA-256 digest: a leaf hash, an interior node hash or a root.
type Hash [HashSize]byte

// Domain-separation prefixes from RFC 9162 §2.1.1. They make a leaf hash and
// a node hash of the same bytes differ, so a leaf can never be passed off as
// an interior node (second-preimage protection).
const (
	leafPrefix = 0x00
	nodePrefix = 0x01
)

// EmptyRoot is the root of the empty tree: SHA-256 of the empty string
// (RFC 9162 §2.1.1). Callers must not modify it.
var EmptyRoot = Hash(sha256.Sum256(nil))

// emptyRoot is the value the package itself returns, kept private so that a
// caller overwriting EmptyRoot cannot change what Root computes.
var emptyRoot = EmptyRoot

// leafPrefixBytes is a package-level slice so LeafHash does not build one per call.
var leafPrefixBytes = []byte{leafPrefix}

// LeafHash returns the hash of a leaf holding data: SHA-256(0x00 || data).
func LeafHash(data []byte) Hash {
	// sha256.New is inlined and devirtualized, so the digest stays on the
	// stack and this does not allocate (checked by TestHashAllocs) while
	// still hashing data of any length without copying it.
	d := sha256.New()
	d.Write(leafPrefixBytes)
	d.Write(data)
	var h Hash
	d.Sum(h[:0])
	return h
}

// NodeHash returns the hash of an interior node: SHA-256(0x01 || left || right).
func NodeHash(left, right Hash) Hash {
	// The input has a fixed size, so a stack buffer and Sum256 is the
	// cheapest allocation-free way to hash it.
	var buf [1 + 2*HashSize]byte
	buf[0] = nodePrefix
	copy(buf[1:], left[:])
	copy(buf[1+HashSize:], right[:])
	return sha256.Sum256(buf[:])
}

// String returns h as 64 lowercase hexadecimal digits.
func (h Hash) String() string {
	return hex.EncodeToString(h[:])
}

// ParseHash parses 64 hexadecimal digits (either case) into a Hash.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 2*HashSize {
		return Hash{}, fmt.Errorf("merkle: hash has %d hex digits, want %d", len(s), 2*HashSize)
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return Hash{}, fmt.Errorf("merkle: parsing hash: %w", err)
	}
	return h, nil
}
