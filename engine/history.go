package engine

import (
	"errors"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// History returns every committed version of the keys in r written by a
// transaction in [from, to] (to 0: the snapshot; never past it), key by
// key, oldest first within a key. At most limit versions (0: no limit)
// are returned; more is 54000.
func (t *Txn) History(r kv.Range, from, to uint64, limit int) ([]kv.HistoryVersion, error) {
	if t.done {
		return nil, errTxnDone
	}
	if to == 0 || to > t.snapshot {
		to = t.snapshot
	}
	if from < 1 {
		from = 1
	}
	if to == 0 || from > to {
		return nil, nil
	}
	vs, err := t.db.store.HistoryRange(r, from, to, limit)
	if errors.Is(err, kv.ErrTooLarge) {
		return nil, HistoryTooLarge(limit)
	}
	if err != nil {
		return nil, StorageError(err)
	}
	return vs, nil
}

// HistoryTooLarge is the error of a history read past limit versions.
func HistoryTooLarge(limit int) error {
	return pgerror.Newf(pgcode.ProgramLimitExceeded, "history of more than %d versions", limit).
		WithHint("Narrow the range of transactions, or the rows with WHERE on the primary key.")
}
