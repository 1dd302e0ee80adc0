package sql

import (
	"bytes"
	"sort"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
)

// tableHistory returns the versions of a table's rows written in [from,
// to], key by key and oldest first within a key, as kv.HistoryRange does.
// A table that was truncated had other storage before each truncate
// (catalog/truncate.go): its rows there are read too, with their keys
// moved to the present storage (so that a row truncated and inserted
// again is one key), and each row a truncate emptied gets a delete at
// the truncate's tx, as if the truncate had deleted it.
//
// Storage that ADD PRIMARY KEY left (ddl_addpk.go) keyed its rows by
// their row id, not by the present key: its keys stay as they are, so
// that no row of then is taken for the row whose key has the same bytes
// now, and rekeyed maps that storage to its layout, whose key columns
// decode its deletes.
func (x *execCtx) tableHistory(d *catalog.Descriptor, l *engine.Layout, from, to uint64) (vs []kv.HistoryVersion, rekeyed map[uint32]*engine.Layout, err error) {
	vs, err = x.txn.History(l.Range(engine.PrimaryIndexID), from, to, maxHistoryVersions)
	if err != nil || d == nil || d.Table == nil || len(d.Table.Truncated) == 0 {
		return vs, nil, err
	}
	if to == 0 || to > x.txn.Snapshot() {
		to = x.txn.Snapshot()
	}
	past, err := catalog.PastStorages(x.txn, d)
	if err != nil {
		return nil, nil, err
	}
	if rekeyed, err = x.rekeyedStorage(d); err != nil {
		return nil, nil, err
	}
	prefix := engine.IndexPrefix(l.TableID, engine.PrimaryIndexID)
	var all []kv.HistoryVersion
	for _, p := range past {
		old := *l
		old.TableID = p.ID
		r := old.Range(engine.PrimaryIndexID)
		// Until 0 is this transaction's own truncate: every committed
		// version of the old storage is before it.
		end := to
		if p.Until != 0 && p.Until-1 < end {
			end = p.Until - 1
		}
		pvs, err := x.txn.History(r, from, end, maxHistoryVersions)
		if err != nil {
			return nil, nil, err
		}
		if p.Until != 0 && from <= p.Until && p.Until <= to {
			dels, err := x.truncatedRows(r, p)
			if err != nil {
				return nil, nil, err
			}
			pvs = append(pvs, dels...)
		}
		if rekeyed[p.ID] == nil {
			for i := range pvs {
				pvs[i].Key = append(append(make([]byte, 0, len(pvs[i].Key)), prefix...), pvs[i].Key[len(prefix):]...)
			}
		}
		all = append(all, pvs...)
	}
	if len(all) == 0 {
		return vs, rekeyed, nil
	}
	all = append(all, vs...)
	if len(all) > maxHistoryVersions {
		return nil, nil, engine.HistoryTooLarge(maxHistoryVersions)
	}
	sort.SliceStable(all, func(a, b int) bool {
		if c := bytes.Compare(all[a].Key, all[b].Key); c != 0 {
			return c < 0
		}
		return all[a].TxID < all[b].TxID
	})
	return all, rekeyed, nil
}

// rekeyedStorage maps each storage a table had whose rows were keyed by
// other columns than its present primary key's to the layout of the
// table's last version with that storage.
func (x *execCtx) rekeyedStorage(d *catalog.Descriptor) (map[uint32]*engine.Layout, error) {
	versions, err := catalog.Versions(x.txn, d.ID)
	if err != nil {
		return nil, err
	}
	last := map[uint32]*catalog.Descriptor{}
	for _, v := range versions {
		if v.Desc.Table != nil {
			last[v.Desc.StorageID()] = v.Desc
		}
	}
	var out map[uint32]*engine.Layout
	for id, then := range last {
		if id == d.StorageID() || sameKeyColumns(&then.Table.PrimaryKey, &d.Table.PrimaryKey) {
			continue
		}
		if out == nil {
			out = map[uint32]*engine.Layout{}
		}
		out[id] = catalog.Layout(then)
	}
	return out, nil
}

func sameKeyColumns(a, b *catalog.IndexDesc) bool {
	if len(a.Columns) != len(b.Columns) {
		return false
	}
	for i := range a.Columns {
		if a.Columns[i].ColumnID != b.Columns[i].ColumnID {
			return false
		}
	}
	return true
}

// truncatedRows returns a delete at the truncate's tx for every row the
// old storage r held just before it.
func (x *execCtx) truncatedRows(r kv.Range, p catalog.PastStorage) ([]kv.HistoryVersion, error) {
	then, err := x.sess.db.DB.Begin(engine.TxnOptions{AsOf: p.Until - 1})
	if err != nil {
		return nil, err
	}
	defer then.Rollback()
	it, err := then.Scan(r, false)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []kv.HistoryVersion
	for it.Next() {
		if len(out) >= maxHistoryVersions {
			return nil, engine.HistoryTooLarge(maxHistoryVersions)
		}
		out = append(out, kv.HistoryVersion{Version: kv.Version{Key: it.Key(), TxID: p.Until, Time: p.Time, Deleted: true}, HadPrevious: true})
	}
	return out, it.Err()
}
