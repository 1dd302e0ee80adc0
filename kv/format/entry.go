package format

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// Kind says what an entry does to its key. Persisted: append only, never
// renumber.
type Kind uint8

const (
	// KindPut stores a value under a key.
	KindPut Kind = 0x01
	// KindDelete records that a key has no value from this transaction on.
	KindDelete Kind = 0x02
)

// String names the kind as history reads show it.
func (k Kind) String() string {
	switch k {
	case KindPut:
		return "put"
	case KindDelete:
		return "delete"
	default:
		return fmt.Sprintf("kind(%d)", uint8(k))
	}
}

// Valid reports whether k is a kind this version knows.
func (k Kind) Valid() bool { return k == KindPut || k == KindDelete }

// Limits that are part of the format: an encoder refuses to produce, and a
// decoder refuses to accept, entries outside them.
const (
	// MaxKeySize is the largest key, in bytes.
	MaxKeySize = 1024
	// MaxMetadataSize is the largest metadata, in bytes.
	MaxMetadataSize = 64 << 10
	// DigestSize is the size of a value digest (SHA-256).
	DigestSize = sha256.Size
	// entryFixedSize is the size of an entry without key and metadata.
	entryFixedSize = 1 + 2 + DigestSize + 4
)

// EmptyDigest is the value digest of a delete: SHA-256 of no bytes.
var EmptyDigest = sha256.Sum256(nil)

// Entry is one write of a transaction, as it is hashed into the log.
type Entry struct {
	Kind        Kind
	Key         []byte
	ValueDigest [DigestSize]byte
	Metadata    []byte
}

// NewPut returns the entry that stores value under key.
func NewPut(key, value, metadata []byte) Entry {
	return Entry{Kind: KindPut, Key: key, ValueDigest: sha256.Sum256(value), Metadata: metadata}
}

// NewDelete returns the entry that deletes key.
func NewDelete(key, metadata []byte) Entry {
	return Entry{Kind: KindDelete, Key: key, ValueDigest: EmptyDigest, Metadata: metadata}
}

// Validate checks the entry against the format's limits.
func (e Entry) Validate() error {
	switch {
	case !e.Kind.Valid():
		return fmt.Errorf("format: unknown entry kind %d", e.Kind)
	case len(e.Key) == 0:
		return fmt.Errorf("format: empty key")
	case len(e.Key) > MaxKeySize:
		return fmt.Errorf("format: key of %d bytes exceeds the limit of %d", len(e.Key), MaxKeySize)
	case len(e.Metadata) > MaxMetadataSize:
		return fmt.Errorf("format: metadata of %d bytes exceeds the limit of %d", len(e.Metadata), MaxMetadataSize)
	case e.Kind == KindDelete && e.ValueDigest != EmptyDigest:
		return fmt.Errorf("format: a delete must carry the digest of the empty value")
	}
	return nil
}

// EncodedSize is the length of the entry's encoding.
func (e Entry) EncodedSize() int { return entryFixedSize + len(e.Key) + len(e.Metadata) }

// AppendEncoding appends the entry's canonical encoding (see the package
// doc) to dst. The entry must be valid.
func (e Entry) AppendEncoding(dst []byte) []byte {
	dst = append(dst, byte(e.Kind))
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(e.Key)))
	dst = append(dst, e.Key...)
	dst = append(dst, e.ValueDigest[:]...)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(e.Metadata)))
	return append(dst, e.Metadata...)
}

// Encode returns the entry's canonical encoding.
func (e Entry) Encode() []byte { return e.AppendEncoding(make([]byte, 0, e.EncodedSize())) }

// LeafHash returns the entry's leaf hash in its transaction's entry tree:
// SHA-256(0x00 || encoding). It hashes without building the encoding.
func (e Entry) LeafHash() [32]byte {
	var fixed [3]byte
	fixed[0] = byte(e.Kind)
	binary.BigEndian.PutUint16(fixed[1:], uint16(len(e.Key)))
	var mdLen [4]byte
	binary.BigEndian.PutUint32(mdLen[:], uint32(len(e.Metadata)))

	h := sha256.New()
	h.Write([]byte{0x00})
	h.Write(fixed[:])
	h.Write(e.Key)
	h.Write(e.ValueDigest[:])
	h.Write(mdLen[:])
	h.Write(e.Metadata)
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// DecodeEntry decodes one entry from the front of b and returns it with
// the number of bytes it used. The entry's Key and Metadata alias b.
// Errors wrap ErrCorrupt.
func DecodeEntry(b []byte) (Entry, int, error) {
	var e Entry
	if len(b) < 3 {
		return e, 0, corruptf("entry truncated: %d bytes", len(b))
	}
	e.Kind = Kind(b[0])
	if !e.Kind.Valid() {
		return e, 0, corruptf("unknown entry kind %d", b[0])
	}
	keyLen := int(binary.BigEndian.Uint16(b[1:3]))
	if keyLen == 0 || keyLen > MaxKeySize {
		return e, 0, corruptf("entry key length %d outside 1..%d", keyLen, MaxKeySize)
	}
	off := 3
	if len(b)-off < keyLen+DigestSize+4 {
		return e, 0, corruptf("entry truncated: %d bytes", len(b))
	}
	e.Key = b[off : off+keyLen : off+keyLen]
	off += keyLen
	copy(e.ValueDigest[:], b[off:off+DigestSize])
	off += DigestSize
	mdLen := binary.BigEndian.Uint32(b[off : off+4])
	off += 4
	if mdLen > MaxMetadataSize {
		return e, 0, corruptf("entry metadata length %d exceeds %d", mdLen, MaxMetadataSize)
	}
	if uint64(len(b)-off) < uint64(mdLen) {
		return e, 0, corruptf("entry metadata truncated")
	}
	if mdLen > 0 {
		e.Metadata = b[off : off+int(mdLen) : off+int(mdLen)]
	}
	off += int(mdLen)
	if e.Kind == KindDelete && e.ValueDigest != EmptyDigest {
		return e, 0, corruptf("delete entry with a value digest")
	}
	return e, off, nil
}
