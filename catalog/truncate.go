package catalog

import (
	"encoding/binary"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// TRUNCATE, as in PostgreSQL, gives a table new storage instead of
// deleting its rows: the descriptor gets a fresh storage id (from the
// descriptor id counter, so never one used before), and its rows and
// index entries are keyed under that from then on. The old keys are left
// as they were: readers as of an earlier tx get the descriptor of then,
// with the old id, and read the old rows; readers at or after the
// truncate get the new, empty storage. So a truncate costs the same for
// any table size, and writes two catalog entries instead of a delete per
// row and index entry.
//
// The truncating transaction also writes a marker, 0x01 't' old id(4) ->
// new id(4). Its version is the tx of the truncate, which history reads
// (FOR SYSTEM_TIME) need to end the old storage's rows with deletes
// there, and which row proofs as of an earlier tx need to find the
// storage of then.
//
// The table's statistics move to the new storage when the truncate
// commits (engine.Txn.CarryStats), as pg_statistic's rows stay through a
// PostgreSQL TRUNCATE.

func truncKey(storage uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte{0x01, 't'}, storage)
}

// StorageID is the id a table's keys are under (engine.TablePrefix).
func (d *Descriptor) StorageID() uint32 {
	if d.Table != nil && d.Table.Storage != 0 {
		return d.Table.Storage
	}
	return d.ID
}

// Truncate gives a table new, empty storage in the transaction.
func Truncate(txn *engine.Txn, d *Descriptor) error {
	id, err := NewID(txn)
	if err != nil {
		return err
	}
	old := d.StorageID()
	if err := txn.Put(truncKey(old), binary.BigEndian.AppendUint32(nil, id)); err != nil {
		return err
	}
	d.Table.Truncated = append(d.Table.Truncated, old)
	d.Table.Storage = id
	txn.CarryStats(old, id)
	return Put(txn, d)
}

// PastStorage is storage a table had before a truncate.
type PastStorage struct {
	ID uint32
	// Until is the tx of the truncate that ended it, 0 when that is the
	// reading transaction's own (not yet committed) truncate.
	Until uint64
	// Time is Until's commit time (Unix microseconds).
	Time int64
}

// PastStorages returns the storage a table had before its truncates,
// oldest first, as the transaction sees them.
func PastStorages(txn *engine.Txn, d *Descriptor) ([]PastStorage, error) {
	if d.Table == nil {
		return nil, nil
	}
	out := make([]PastStorage, 0, len(d.Table.Truncated))
	for _, id := range d.Table.Truncated {
		_, ver, ok, err := txn.GetVersion(truncKey(id))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, pgerror.Newf(pgcode.DataCorrupted, "catalog: table \"%s\": no truncate record of its storage %d", d.Name, id)
		}
		out = append(out, PastStorage{ID: id, Until: ver.TxID, Time: ver.Time})
	}
	return out, nil
}

// StorageAt returns the id a table's keys were under as of tx.
func StorageAt(txn *engine.Txn, d *Descriptor, tx uint64) (uint32, error) {
	past, err := PastStorages(txn, d)
	if err != nil {
		return 0, err
	}
	for _, p := range past {
		if p.Until == 0 || tx < p.Until {
			return p.ID, nil
		}
	}
	return d.StorageID(), nil
}
