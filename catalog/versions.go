package catalog

import (
	"encoding/json"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// DescAt is one committed version of a descriptor: the descriptor as the
// transaction Tx left it.
type DescAt struct {
	Tx   uint64
	Desc *Descriptor
}

// maxDescVersions bounds the versions Versions reads: each DDL statement
// on an object writes one, so a table far past this is unusual.
const maxDescVersions = 100_000

// Versions returns the committed versions of descriptor id that the
// transaction's snapshot holds, oldest first (a dropped descriptor's
// delete ends the list; versions before it are kept). A history read
// (FOR SYSTEM_TIME) uses them to decode each version of a row with the
// table's columns of the time it was written: a column's type may have
// changed since (ALTER COLUMN ... TYPE rewrites the rows from then on,
// but the older versions keep their encoding).
func Versions(txn *engine.Txn, id uint32) ([]DescAt, error) {
	vs, err := txn.History(kv.PrefixRange(descKey(id)), 1, 0, maxDescVersions)
	if err != nil {
		return nil, err
	}
	out := make([]DescAt, 0, len(vs))
	for _, v := range vs {
		if v.Deleted {
			continue
		}
		var d Descriptor
		if err := json.Unmarshal(v.Value, &d); err != nil {
			return nil, pgerror.Wrapf(err, pgcode.DataCorrupted, "catalog: descriptor %d at tx %d: %v", id, v.TxID, err)
		}
		if err := hydrate(txn, &d); err != nil {
			return nil, err
		}
		out = append(out, DescAt{Tx: v.TxID, Desc: &d})
	}
	return out, nil
}
