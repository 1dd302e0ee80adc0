package format

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"
)

// HeaderVersion is the layout version written by this code. Persisted:
// versions are never reused.
const HeaderVersion = 1

// HeaderSize is the size of a version 1 header.
const HeaderSize = 2 + 8 + 8 + 4 + 32

// Header describes one committed transaction. Its encoding is the leaf of
// the log.
type Header struct {
	Version uint16
	// TxID is the transaction's id: 1 for the first, dense after that.
	TxID uint64
	// Time is the commit time in microseconds since the Unix epoch, UTC.
	Time int64
	// Entries is the number of entries.
	Entries uint32
	// EntriesRoot is the RFC 9162 root over the entries' leaf hashes.
	EntriesRoot [32]byte
}

// CommitTime returns Time as a time.Time in UTC.
func (h Header) CommitTime() time.Time { return time.UnixMicro(h.Time).UTC() }

// Encode returns the header's canonical encoding (see the package doc).
func (h Header) Encode() []byte { return h.AppendEncoding(make([]byte, 0, HeaderSize)) }

// AppendEncoding appends the canonical encoding to dst.
func (h Header) AppendEncoding(dst []byte) []byte {
	dst = binary.BigEndian.AppendUint16(dst, h.Version)
	dst = binary.BigEndian.AppendUint64(dst, h.TxID)
	dst = binary.BigEndian.AppendUint64(dst, uint64(h.Time))
	dst = binary.BigEndian.AppendUint32(dst, h.Entries)
	return append(dst, h.EntriesRoot[:]...)
}

// LeafHash returns the header's leaf hash in the log: SHA-256(0x00 || encoding).
func (h Header) LeafHash() [32]byte {
	var buf [1 + HeaderSize]byte
	h.AppendEncoding(buf[:1])
	return sha256.Sum256(buf[:])
}

// Validate checks the header's fields for values no writer produces.
func (h Header) Validate() error {
	switch {
	case h.Version != HeaderVersion:
		return fmt.Errorf("format: unknown header version %d", h.Version)
	case h.TxID == 0:
		return fmt.Errorf("format: tx id 0")
	case h.Entries == 0:
		return fmt.Errorf("format: tx %d has no entries", h.TxID)
	}
	return nil
}

// DecodeHeader decodes a header; b must hold exactly one. Errors wrap
// ErrCorrupt.
func DecodeHeader(b []byte) (Header, error) {
	var h Header
	if len(b) < 2 {
		return h, corruptf("header truncated: %d bytes", len(b))
	}
	h.Version = binary.BigEndian.Uint16(b)
	if h.Version != HeaderVersion {
		return h, corruptf("unknown header version %d", h.Version)
	}
	if len(b) != HeaderSize {
		return h, corruptf("header of %d bytes, want %d", len(b), HeaderSize)
	}
	h.TxID = binary.BigEndian.Uint64(b[2:])
	h.Time = int64(binary.BigEndian.Uint64(b[10:]))
	h.Entries = binary.BigEndian.Uint32(b[18:])
	copy(h.EntriesRoot[:], b[22:])
	if err := h.Validate(); err != nil {
		return h, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return h, nil
}
