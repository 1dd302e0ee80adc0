package kv

import (
	"fmt"

	"github.com/stela-db/stela/kv/checkpoint"
	"github.com/stela-db/stela/kv/merkle"
)

// Checkpoint is a statement of the log's state: its origin, size (the last
// tx id) and root. Note is its C2SP form: the signed note when the store
// has a signer, the bare checkpoint body otherwise.
type Checkpoint struct {
	Origin string
	Size   uint64
	Root   merkle.Hash
	Note   []byte
	Signed bool
}

// Checkpoint returns the checkpoint of the last durable state.
func (s *Store) Checkpoint() Checkpoint { return s.state.Load().checkpoint }

// Signer returns the signer of the store's checkpoints, nil when they are
// unsigned.
func (s *Store) Signer() checkpoint.Signer { return s.opts.Signer }

// CheckpointAt returns a checkpoint for the log at an earlier size,
// recomputing its root from the stored Merkle nodes (O(log size) reads).
func (s *Store) CheckpointAt(size uint64) (cp Checkpoint, err error) {
	if err := s.refs.acquire(); err != nil {
		return cp, err
	}
	defer s.refs.release()
	st := s.state.Load()
	if size == st.size {
		return st.checkpoint, nil
	}
	if size > st.size {
		return cp, fmt.Errorf("%w: size %d is beyond the log's %d", ErrTxNotFound, size, st.size)
	}
	defer recoverFatal(&err)
	root, err := merkle.Root(s.nodes(), size)
	if err != nil {
		return cp, err
	}
	return s.makeCheckpoint(size, root)
}

// makeCheckpoint builds and, with a signer, signs the checkpoint of
// (size, root).
func (s *Store) makeCheckpoint(size uint64, root merkle.Hash) (Checkpoint, error) {
	if s.opts.Signer == nil {
		return s.unsignedCheckpoint(size, root), nil
	}
	body := checkpoint.Checkpoint{Origin: s.origin, Size: size, Root: root}
	note, err := checkpoint.Sign(body, s.opts.Signer)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("kv: sign checkpoint: %w", err)
	}
	return Checkpoint{Origin: s.origin, Size: size, Root: root, Note: note, Signed: true}, nil
}

// unsignedCheckpoint returns the checkpoint body without signatures.
func (s *Store) unsignedCheckpoint(size uint64, root merkle.Hash) Checkpoint {
	body := checkpoint.Checkpoint{Origin: s.origin, Size: size, Root: root}
	return Checkpoint{Origin: s.origin, Size: size, Root: root, Note: body.Marshal()}
}

// validateOrigin checks that origin can head a checkpoint.
func validateOrigin(origin string) error {
	cp := checkpoint.Checkpoint{Origin: origin}
	if err := cp.Validate(); err != nil {
		return invalidf("origin %q: %v", origin, err)
	}
	return nil
}
