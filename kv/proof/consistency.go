package proof

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/stela-db/stela/kv/checkpoint"
	"github.com/stela-db/stela/kv/merkle"
)

// ConsistencyProof proves that the log of Size1 transactions is a prefix
// of the log of Size2: nothing committed before Size1 was changed.
type ConsistencyProof struct {
	Size1, Size2 uint64
	Path         []merkle.Hash
}

// Verify checks the proof between two trusted roots.
func (p *ConsistencyProof) Verify(root1, root2 merkle.Hash) error {
	if err := merkle.VerifyConsistency(p.Size1, p.Size2, p.Path, root1, root2); err != nil {
		return fmt.Errorf("proof: log of %d transactions is not a prefix of the log of %d: %w", p.Size1, p.Size2, err)
	}
	return nil
}

// VerifyCheckpoints checks the proof between an older trusted checkpoint
// and a newer one of the same log.
func (p *ConsistencyProof) VerifyCheckpoints(older, newer checkpoint.Checkpoint) error {
	switch {
	case older.Origin != newer.Origin:
		return fmt.Errorf("%w: checkpoints of different logs (%q, %q)", ErrMalformed, older.Origin, newer.Origin)
	case older.Size != p.Size1 || newer.Size != p.Size2:
		return fmt.Errorf("%w: proof is from %d to %d, checkpoints are of %d and %d", ErrMalformed, p.Size1, p.Size2, older.Size, newer.Size)
	}
	return p.Verify(older.Root, newer.Root)
}

var consistencyMagic = []byte{'S', 'C', 'P', 0x01}

// MarshalBinary encodes the proof (see the package doc).
func (p *ConsistencyProof) MarshalBinary() ([]byte, error) {
	if len(p.Path) > merkle.MaxProofLen {
		return nil, fmt.Errorf("%w: proof path too long", ErrMalformed)
	}
	b := append([]byte(nil), consistencyMagic...)
	b = binary.BigEndian.AppendUint64(b, p.Size1)
	b = binary.BigEndian.AppendUint64(b, p.Size2)
	return append(b, merkle.EncodeProof(p.Path)...), nil
}

// UnmarshalBinary decodes a proof; errors wrap ErrMalformed.
func (p *ConsistencyProof) UnmarshalBinary(data []byte) error {
	if !bytes.HasPrefix(data, consistencyMagic) || len(data) < len(consistencyMagic)+16 {
		return fmt.Errorf("%w: not a consistency proof", ErrMalformed)
	}
	b := data[len(consistencyMagic):]
	q := ConsistencyProof{Size1: binary.BigEndian.Uint64(b), Size2: binary.BigEndian.Uint64(b[8:])}
	path, err := merkle.DecodeProof(b[16:])
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if q.Size1 == 0 || q.Size1 > q.Size2 {
		return fmt.Errorf("%w: sizes %d to %d", ErrMalformed, q.Size1, q.Size2)
	}
	q.Path = path
	*p = q
	return nil
}
