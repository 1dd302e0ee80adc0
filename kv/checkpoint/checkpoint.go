package checkpoint

import (
	"encoding/base64"
	"strconv"
)

// Checkpoint is a log's state: the RFC 9162 tree head of the first Size
// entries of the log named Origin.
type Checkpoint struct {
	// Origin names the log. The log's signing key should use the same
	// string as its key name.
	Origin string
	// Size is the number of entries in the tree. In stela it is the
	// number of transactions, which is also the last transaction ID.
	Size uint64
	// Root is the SHA-256 RFC 9162 Merkle tree hash of those entries.
	Root [32]byte
	// Extensions are optional opaque lines after the root hash, without
	// their newlines. Parse leaves it nil when there are none.
	Extensions []string
}

// Marshal returns the checkpoint body, the text that signatures cover. It
// does not check the fields: the result parses back to c only if
// c.Validate() returns nil. Sign checks that before signing.
func (c Checkpoint) Marshal() []byte {
	b := make([]byte, 0, c.bodyLen())
	b = append(b, c.Origin...)
	b = append(b, '\n')
	b = strconv.AppendUint(b, c.Size, 10)
	b = append(b, '\n')
	b = base64.StdEncoding.AppendEncode(b, c.Root[:])
	b = append(b, '\n')
	for _, e := range c.Extensions {
		b = append(b, e...)
		b = append(b, '\n')
	}
	return b
}

// rootB64Len is the length of a 32-byte hash in padded standard base64.
var rootB64Len = base64.StdEncoding.EncodedLen(32)

// bodyLen is the exact length of c.Marshal(), so Marshal allocates once.
func (c Checkpoint) bodyLen() int {
	n := len(c.Origin) + 1 + len(strconv.FormatUint(c.Size, 10)) + 1 + rootB64Len + 1
	for _, e := range c.Extensions {
		n += len(e) + 1
	}
	return n
}

// Validate reports whether c can be marshalled into a body that Parse
// accepts and that decodes back to c. The error wraps ErrMalformed.
func (c Checkpoint) Validate() error {
	if err := checkOrigin(c.Origin); err != nil {
		return err
	}
	if err := checkExtensions(c.Extensions); err != nil {
		return err
	}
	if n := c.bodyLen(); n > MaxNoteSize {
		return malformed("body is %d bytes, over the %d-byte limit", n, MaxNoteSize)
	}
	return nil
}
