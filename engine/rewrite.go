package engine

import (
	"bytes"

	"github.com/stela-db/stela/sql/types"
)

// RewriteRow replaces a row stored under the layout from by new under l:
// ALTER TABLE ... ALTER COLUMN ... TYPE, where from and l are one
// table's layouts before and after a column changed type. The old row's
// key and index entries are computed with from's types (its values are
// of the old type), the new ones with l's. Every old secondary entry is
// deleted and the row and its entries written as Update writes them: an
// index on the changed column has a new id in l (its keys change), and
// an entry that did not change is deleted and put again in the same
// transaction, which leaves one version of it. The row's key stays
// unless the primary key's values changed; then the row moves, and a
// key already taken is 23505.
//
// The primary key's columns must keep their key encoding between the two
// layouts (keyenc.SameEncoding): the history of a row is that of its key.
func (l *Layout) RewriteRow(txn *Txn, from *Layout, old, new []types.Datum) error {
	oldKey, err := from.RowKey(old)
	if err != nil {
		return err
	}
	newKey, err := l.RowKey(new)
	if err != nil {
		return err
	}
	if err := from.deleteIndexEntries(txn, from.pkSuffix(oldKey), old); err != nil {
		return err
	}
	if !bytes.Equal(oldKey, newKey) {
		if err := txn.Delete(oldKey); err != nil {
			return err
		}
		if _, exists, err := txn.Get(newKey); err != nil {
			return err
		} else if exists {
			return l.duplicate(&l.Indexes[0], new)
		}
	}
	return l.write(txn, newKey, new)
}
