package catalog

import (
	"crypto/rand"
	"encoding/binary"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// A sequence's values are not transactional (engine/sequence.go): they
// are kept by the engine outside any transaction, and a value handed out
// stays used. Descriptor ids are transactional: an id a rolled-back
// transaction took is taken again by the next. So a sequence created in
// a transaction that rolled back after calling nextval would leave its
// values to the next sequence that gets its id, which would start past
// them. A sequence therefore gets a random incarnation when it is first
// written, and the engine keys its values by id and incarnation
// (engine.SeqParams.Incarnation). Random rather than counted, so that
// two transactions that take the same id at once (one of them fails at
// commit) do not share values either.

// newIncarnation gives d, a sequence without one, its incarnation: the
// one it was written with before in the transaction's view (0 for a
// sequence made before incarnations existed, which so keeps its
// values), else a new one.
func newIncarnation(txn *engine.Txn, d *Descriptor) error {
	old, err := Get(txn, d.ID)
	if err != nil {
		return err
	}
	if old != nil && old.Sequence != nil {
		d.Sequence.Incarnation = old.Sequence.Incarnation
		return nil
	}
	return Reincarnate(d)
}

// Reincarnate gives sequence d a new incarnation, whose values start over
// (at START, until a setval): RESTART, in ALTER SEQUENCE, ALTER COLUMN
// ... RESTART and TRUNCATE ... RESTART IDENTITY. The incarnation is part
// of the descriptor, so a rollback brings the old one back with the
// values it had, as PostgreSQL's RESTART, which gives the sequence new
// storage, is undone by one. The caller stores d.
func Reincarnate(d *Descriptor) error {
	old := d.Sequence.Incarnation
	var b [8]byte
	for d.Sequence.Incarnation == 0 || d.Sequence.Incarnation == old {
		if _, err := rand.Read(b[:]); err != nil {
			return pgerror.Newf(pgcode.Internal, "catalog: sequence incarnation: %v", err)
		}
		d.Sequence.Incarnation = binary.BigEndian.Uint64(b[:])
	}
	return nil
}
