package kv

import (
	"fmt"
	"sync"

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
func (s *Store) Checkpoint() Checkpoint {
	st := s.state.load()
	return s.headCheckpoint(st.size, st.root)
}

// headCheckpoints keeps the newest checkpoint made of a published state.
//
// Checkpoints are made when asked for, not by the commit writer: signing
// one (tens of microseconds) on every commit group would delay every
// commit's acknowledgement for a statement few of them are asked for, and
// encoding one allocates. Asked for again at the same size, the kept one
// is returned.
type headCheckpoints struct {
	mu     sync.Mutex
	newest Checkpoint // Note is nil until one is made
}

// headCheckpoint returns the checkpoint of the published state (size,
// root), making it if the newest kept one is older. A signing failure is
// logged and answered with the unsigned body, as the state is durable
// whether or not it is signed; it is not kept, so the next call tries
// again.
func (s *Store) headCheckpoint(size uint64, root merkle.Hash) Checkpoint {
	s.heads.mu.Lock()
	cp := s.heads.newest
	s.heads.mu.Unlock()
	if cp.Note != nil && cp.Size == size {
		return cp
	}
	cp, err := s.makeCheckpoint(size, root)
	if err != nil {
		s.log.Error().Err(err).Uint64("size", size).Msg("checkpoint signing failed")
		return s.unsignedCheckpoint(size, root)
	}
	s.heads.mu.Lock()
	if s.heads.newest.Note == nil || cp.Size > s.heads.newest.Size {
		s.heads.newest = cp
	}
	s.heads.mu.Unlock()
	return cp
}

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
	st := s.state.load()
	if size == st.size {
		return s.headCheckpoint(st.size, st.root), nil
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
