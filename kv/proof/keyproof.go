package proof

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/stela-db/stela/kv/checkpoint"
	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
)

// ErrMalformed is wrapped by every error of a proof that does not decode
// or whose fields contradict each other. A proof that is well formed but
// does not lead to the trusted root gives a *merkle.RootMismatchError
// (wrapped with the step that failed) instead.
var ErrMalformed = errors.New("proof: malformed")

// KeyProof proves that a transaction wrote an entry and that the
// transaction is in the log of Size transactions (see the package doc).
type KeyProof struct {
	Key      []byte
	Value    []byte // nil for a delete
	Metadata []byte
	Deleted  bool

	// EntryIndex is the entry's position in its transaction; EntryPath its
	// inclusion proof in the transaction's entry tree.
	EntryIndex uint32
	EntryPath  []merkle.Hash

	// Header is the transaction's header; TxPath proves leaf Header.TxID-1
	// in the log of Size transactions.
	Header format.Header
	Size   uint64
	TxPath []merkle.Hash
}

// Entry rebuilds the entry the proof is about from its key, value and
// metadata: the client never takes a digest on trust.
func (p *KeyProof) Entry() format.Entry {
	if p.Deleted {
		return format.NewDelete(p.Key, p.Metadata)
	}
	return format.NewPut(p.Key, p.Value, p.Metadata)
}

// TxID is the transaction that wrote the entry.
func (p *KeyProof) TxID() uint64 { return p.Header.TxID }

// Verify checks the proof against root, the trusted root of the log at
// p.Size. It returns nil, an error wrapping ErrMalformed (or
// merkle.ErrInvalidProof), or an error wrapping *merkle.RootMismatchError
// naming the step that failed.
func (p *KeyProof) Verify(root merkle.Hash) error {
	if err := p.check(); err != nil {
		return err
	}
	entry := p.Entry()
	entriesRoot, err := merkle.RootFromInclusionProof(entry.LeafHash(), uint64(p.EntryIndex), uint64(p.Header.Entries), p.EntryPath)
	if err != nil {
		return fmt.Errorf("proof: entry %d of tx %d: %w", p.EntryIndex, p.Header.TxID, err)
	}
	if entriesRoot != p.Header.EntriesRoot {
		return fmt.Errorf("proof: entry %q is not in tx %d: %w", p.Key, p.Header.TxID,
			&merkle.RootMismatchError{Expected: p.Header.EntriesRoot, Calculated: entriesRoot})
	}
	if err := merkle.VerifyInclusion(p.Header.LeafHash(), p.Header.TxID-1, p.Size, p.TxPath, root); err != nil {
		return fmt.Errorf("proof: tx %d is not in the log of size %d: %w", p.Header.TxID, p.Size, err)
	}
	return nil
}

// VerifyCheckpoint checks the proof against a trusted checkpoint, which
// must be of the same size as the proof.
func (p *KeyProof) VerifyCheckpoint(cp checkpoint.Checkpoint) error {
	if cp.Size != p.Size {
		return fmt.Errorf("%w: proof is for a log of %d transactions, the checkpoint for %d", ErrMalformed, p.Size, cp.Size)
	}
	return p.Verify(cp.Root)
}

// check validates the fields without hashing.
func (p *KeyProof) check() error {
	e := p.Entry()
	if err := e.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if p.Deleted && len(p.Value) != 0 {
		return fmt.Errorf("%w: a delete carries a value", ErrMalformed)
	}
	if err := p.Header.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if p.EntryIndex >= p.Header.Entries {
		return fmt.Errorf("%w: entry %d of a tx of %d entries", ErrMalformed, p.EntryIndex, p.Header.Entries)
	}
	if p.Header.TxID > p.Size {
		return fmt.Errorf("%w: tx %d in a log of %d transactions", ErrMalformed, p.Header.TxID, p.Size)
	}
	return nil
}

var keyProofMagic = []byte{'S', 'K', 'P', 0x01}

// MarshalBinary encodes the proof (see the package doc).
func (p *KeyProof) MarshalBinary() ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if len(p.EntryPath) > merkle.MaxProofLen || len(p.TxPath) > merkle.MaxProofLen {
		return nil, fmt.Errorf("%w: proof path too long", ErrMalformed)
	}
	b := append([]byte(nil), keyProofMagic...)
	b = appendBytes(b, p.Key)
	var flags byte
	if p.Deleted {
		flags = 1
	}
	b = append(b, flags)
	b = appendBytes(b, p.Value)
	b = appendBytes(b, p.Metadata)
	b = binary.BigEndian.AppendUint32(b, p.EntryIndex)
	b = appendBytes(b, merkle.EncodeProof(p.EntryPath))
	b = p.Header.AppendEncoding(b)
	b = binary.BigEndian.AppendUint64(b, p.Size)
	b = appendBytes(b, merkle.EncodeProof(p.TxPath))
	return b, nil
}

// UnmarshalBinary decodes a proof; errors wrap ErrMalformed. It does not
// verify the proof.
func (p *KeyProof) UnmarshalBinary(data []byte) error {
	d := decoder{b: data}
	if !bytes.HasPrefix(data, keyProofMagic) {
		return fmt.Errorf("%w: not a key proof (bad magic)", ErrMalformed)
	}
	d.b = d.b[len(keyProofMagic):]
	var q KeyProof
	q.Key = d.bytes("key", format.MaxKeySize)
	flags := d.byte("flags")
	if flags > 1 {
		d.fail("unknown flags %#x", flags)
	}
	q.Deleted = flags == 1
	q.Value = d.bytes("value", len(data))
	q.Metadata = d.bytes("metadata", format.MaxMetadataSize)
	q.EntryIndex = d.uint32("entry index")
	q.EntryPath = d.path("entry path")
	if hb := d.take("header", format.HeaderSize); d.err == nil {
		h, err := format.DecodeHeader(hb)
		if err != nil {
			d.fail("header: %v", err)
		}
		q.Header = h
	}
	q.Size = d.uint64("size")
	q.TxPath = d.path("tx path")
	if d.err == nil && len(d.b) != 0 {
		d.fail("%d bytes after the proof", len(d.b))
	}
	if d.err != nil {
		return d.err
	}
	if q.Deleted {
		if len(q.Value) != 0 {
			return fmt.Errorf("%w: a delete carries a value", ErrMalformed)
		}
		q.Value = nil
	}
	if len(q.Metadata) == 0 {
		q.Metadata = nil
	}
	if err := q.check(); err != nil {
		return err
	}
	*p = q
	return nil
}

// appendBytes appends a uvarint length and the bytes.
func appendBytes(b, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}
