package engine

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// PrimaryIndexID is the id of every table's primary index (its rows).
const PrimaryIndexID = 1

// tablePrefix opens every row and index-entry key.
const tablePrefix = 0x02

// Layout is what the engine needs to know of a table to store its rows:
// the column types in row order and its indexes. The catalog builds it
// from the table's descriptor.
type Layout struct {
	TableID uint32
	Name    string
	// Types and Names are every column in row-encoding order (dropped
	// columns included; they hold NULL).
	Types []*types.T
	Names []string
	// Indexes[0] is the primary key.
	Indexes []IndexLayout
}

// IndexLayout is one index of a table.
type IndexLayout struct {
	ID     uint16
	Name   string
	Unique bool
	// Cols are the key columns' positions in the row.
	Cols  []int
	Dirs  []keyenc.Dir
	Nulls []keyenc.Nulls
	// Partial marks an index with a predicate: it holds entries for the
	// rows Include accepts only (partial.go).
	Partial bool
	Include func(row []types.Datum) (bool, error)
}

// IndexPrefix is the prefix of every key of an index.
func IndexPrefix(tableID uint32, indexID uint16) []byte {
	return AppendIndexPrefix(make([]byte, 0, 16), tableID, indexID)
}

// AppendIndexPrefix appends the prefix of every key of an index to dst.
func AppendIndexPrefix(dst []byte, tableID uint32, indexID uint16) []byte {
	dst = append(dst, tablePrefix)
	dst = binary.BigEndian.AppendUint32(dst, tableID)
	return binary.BigEndian.AppendUint16(dst, indexID)
}

// KeyTableID is the table (storage) id a row or index key is under; 0
// for a key that is neither.
func KeyTableID(key []byte) uint32 {
	if len(key) < 5 || key[0] != tablePrefix {
		return 0
	}
	return binary.BigEndian.Uint32(key[1:5])
}

// TablePrefix is the prefix of every key of a table (rows and indexes).
func TablePrefix(tableID uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte{tablePrefix}, tableID)
}

// appendIndexCols appends the encodings of an index's key columns.
func (l *Layout) appendIndexCols(dst []byte, ix *IndexLayout, row []types.Datum) ([]byte, error) {
	var err error
	for i, c := range ix.Cols {
		if dst, err = keyenc.AppendKey(dst, l.Types[c], row[c], ix.Dirs[i], ix.Nulls[i]); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

// KeyPrefix returns the prefix shared by the keys of an index's entries
// whose first n key columns hold row's values.
func (l *Layout) KeyPrefix(ix *IndexLayout, row []types.Datum, n int) ([]byte, error) {
	dst := IndexPrefix(l.TableID, ix.ID)
	var err error
	for i, c := range ix.Cols[:n] {
		if dst, err = keyenc.AppendKey(dst, l.Types[c], row[c], ix.Dirs[i], ix.Nulls[i]); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

// RowKey returns the key of a row: its primary-key columns.
func (l *Layout) RowKey(row []types.Datum) ([]byte, error) {
	return l.appendIndexCols(IndexPrefix(l.TableID, l.Indexes[0].ID), &l.Indexes[0], row)
}

// txnRowKey is RowKey into the transaction's key buffer: valid until the
// next txnRowKey of txn (Put and Get copy what they keep).
func (l *Layout) txnRowKey(txn *Txn, row []types.Datum) ([]byte, error) {
	txn.makeScratch()
	b := AppendIndexPrefix(txn.keyBuf[:0], l.TableID, l.Indexes[0].ID)
	key, err := l.appendIndexCols(b, &l.Indexes[0], row)
	if err == nil {
		txn.keyBuf = key[:0]
	}
	return key, err
}

// indexEntry returns the key and value of a secondary index's entry for a
// row. A unique index whose columns are all non-NULL keys the entry by
// those columns alone, so that two rows with the same values write the
// same key (and a concurrent pair conflicts); its value is the row's
// primary-key suffix. Otherwise the key is the columns followed by the
// primary-key suffix, and the value is empty.
func (l *Layout) indexEntry(ix *IndexLayout, row []types.Datum, pkSuffix []byte) (key, value []byte, unique bool, err error) {
	key, err = l.appendIndexCols(IndexPrefix(l.TableID, ix.ID), ix, row)
	if err != nil {
		return nil, nil, false, err
	}
	if ix.Unique && !anyNull(row, ix.Cols) {
		return key, pkSuffix, true, nil
	}
	return append(key, pkSuffix...), nil, false, nil
}

func anyNull(row []types.Datum, cols []int) bool {
	for _, c := range cols {
		if row[c] == nil {
			return true
		}
	}
	return false
}

// pkSuffix returns the part of a row key after the index prefix.
func (l *Layout) pkSuffix(rowKey []byte) []byte {
	return rowKey[len(IndexPrefix(l.TableID, l.Indexes[0].ID)):]
}

// Insert writes a new row and its index entries, failing with 23505 if
// the primary key or a unique index already holds its values.
func (l *Layout) Insert(txn *Txn, row []types.Datum) error {
	b, err := txn.insertBound(l)
	if err != nil {
		return err
	}
	return l.InsertBounded(txn, row, b)
}

// insertLookup is Insert without a bound: the key is looked up.
func (l *Layout) insertLookup(txn *Txn, row []types.Datum) error {
	key, err := l.txnRowKey(txn, row)
	if err != nil {
		return err
	}
	if _, exists, err := txn.Get(key); err != nil {
		return err
	} else if exists {
		return l.duplicate(&l.Indexes[0], row)
	}
	if err := l.write(txn, key, row); err != nil {
		return err
	}
	txn.noteRows(l.TableID, 1)
	return nil
}

// write writes a row (insert or in-place update) and its index entries,
// checking unique indexes.
func (l *Layout) write(txn *Txn, key []byte, row []types.Datum) error {
	txn.makeScratch()
	val, err := keyenc.AppendRow(txn.rowBuf[:0], l.Types, row)
	if err != nil {
		return err
	}
	txn.rowBuf = val[:0] // Put below copies the row
	suffix := l.pkSuffix(key)
	for i := 1; i < len(l.Indexes); i++ {
		ix := &l.Indexes[i]
		if in, err := ix.includes(row); err != nil {
			return err
		} else if !in {
			continue
		}
		ik, iv, unique, err := l.indexEntry(ix, row, suffix)
		if err != nil {
			return err
		}
		if unique {
			if other, exists, err := txn.Get(ik); err != nil {
				return err
			} else if exists && !bytes.Equal(other, suffix) {
				return l.duplicate(ix, row)
			}
		}
		if err := txn.Put(ik, iv); err != nil {
			return err
		}
	}
	return txn.Put(key, val)
}

// RowKeyFromIndexEntry returns the key of the row a secondary index
// entry points to: the entry's value holds the primary-key suffix for a
// unique entry; otherwise the suffix follows the index columns in the key.
func (l *Layout) RowKeyFromIndexEntry(ix *IndexLayout, key, value []byte) ([]byte, error) {
	suffix := value
	if len(value) == 0 {
		rest := key[len(IndexPrefix(l.TableID, ix.ID)):]
		for i, c := range ix.Cols {
			var err error
			if _, rest, err = keyenc.DecodeKey(rest, l.Types[c], ix.Dirs[i], ix.Nulls[i]); err != nil {
				return nil, err
			}
		}
		suffix = rest
	}
	return append(IndexPrefix(l.TableID, l.Indexes[0].ID), suffix...), nil
}

// Delete removes a row and its index entries.
func (l *Layout) Delete(txn *Txn, row []types.Datum) error {
	key, err := l.RowKey(row)
	if err != nil {
		return err
	}
	if err := l.deleteIndexEntries(txn, l.pkSuffix(key), row); err != nil {
		return err
	}
	if err := txn.Delete(key); err != nil {
		return err
	}
	txn.noteRows(l.TableID, -1)
	return nil
}

func (l *Layout) deleteIndexEntries(txn *Txn, suffix []byte, row []types.Datum) error {
	for i := 1; i < len(l.Indexes); i++ {
		if in, err := l.Indexes[i].includes(row); err != nil {
			return err
		} else if !in {
			continue
		}
		ik, _, _, err := l.indexEntry(&l.Indexes[i], row, suffix)
		if err != nil {
			return err
		}
		if err := txn.Delete(ik); err != nil {
			return err
		}
	}
	return nil
}

// Update replaces old by new. A changed primary key moves the row.
func (l *Layout) Update(txn *Txn, old, new []types.Datum) error {
	return l.RewriteRow(txn, l, old, new)
}

// duplicate is PostgreSQL's unique violation, with the key in the detail.
func (l *Layout) duplicate(ix *IndexLayout, row []types.Datum) error {
	names := make([]string, len(ix.Cols))
	vals := make([]string, len(ix.Cols))
	fs := types.DefaultFormatSettings()
	for i, c := range ix.Cols {
		names[i] = l.Names[c]
		if row[c] == nil {
			vals[i] = "null"
		} else {
			vals[i] = string(l.Types[c].AppendText(nil, row[c], &fs))
		}
	}
	return pgerror.Newf(pgcode.UniqueViolation, "duplicate key value violates unique constraint \"%s\"", ix.Name).
		WithConstraint(ix.Name).
		WithDetail(fmt.Sprintf("Key (%s)=(%s) already exists.", strings.Join(names, ", "), strings.Join(vals, ", ")))
}

// DecodeRow decodes a row value (rows written before columns were added
// have fewer columns: those are NULL).
func (l *Layout) DecodeRow(value []byte) ([]types.Datum, error) {
	return l.DecodeColumns(value, nil)
}

// DecodeColumns is DecodeRow for a reader of the columns need marks
// alone (nil: all): the others come back NULL, undecoded.
func (l *Layout) DecodeColumns(value []byte, need []bool) ([]types.Datum, error) {
	return keyenc.DecodeStoredColumns(value, l.Types, need)
}

// DecodeColumnsInto is DecodeColumns into row (len(l.Types) entries,
// all overwritten), for a reader done with each row before the next.
func (l *Layout) DecodeColumnsInto(row []types.Datum, value []byte, need []bool) error {
	return keyenc.DecodeStoredColumnsInto(row, value, l.Types, need)
}

// DecodeMoreColumnsInto is DecodeColumnsInto that leaves row's values of
// the columns need does not mark as they are, for a reader that decodes
// a row's columns in two steps.
func (l *Layout) DecodeMoreColumnsInto(row []types.Datum, value []byte, need []bool) error {
	return keyenc.DecodeMoreStoredColumnsInto(row, value, l.Types, need)
}

// DecodeRowCopies reports whether the rows DecodeColumns returns for
// need never alias the value decoded (true when every needed column's
// decoder copies), so that a scan may decode from a borrowed value
// (Txn.ScanBorrowed).
func (l *Layout) DecodeRowCopies(need []bool) bool {
	for i, t := range l.Types {
		if need != nil && (i >= len(need) || !need[i]) {
			continue
		}
		if t != nil && !t.DecodeStoredCopies() {
			return false
		}
	}
	return true
}

// Range returns the key range of a whole index.
func (l *Layout) Range(indexID uint16) kv.Range {
	return kv.PrefixRange(IndexPrefix(l.TableID, indexID))
}

// rowIDs hands out the hidden primary keys of tables declared without one:
// increasing per table, above every id the table already holds.
type rowIDs struct {
	mu   sync.Mutex
	last map[uint32]int64 // guarded by mu
}

// NewRowID returns a row id for a table without a primary key: the time
// in microseconds shifted left 10 bits plus a counter, never below an id
// the table already holds (the clock may have gone back since a restart).
func (db *DB) NewRowID(txn *Txn, l *Layout) (int64, error) {
	db.rowIDs.mu.Lock()
	defer db.rowIDs.mu.Unlock()
	if db.rowIDs.last == nil {
		db.rowIDs.last = map[uint32]int64{}
	}
	last, ok := db.rowIDs.last[l.TableID]
	if !ok {
		max, err := db.maxRowID(txn, l)
		if err != nil {
			return 0, err
		}
		last = max
	}
	id := time.Now().UnixMicro() << 10
	if id <= last {
		id = last + 1
	}
	db.rowIDs.last[l.TableID] = id
	return id, nil
}

// maxRowID reads the largest row id the table holds (0 if none).
func (db *DB) maxRowID(txn *Txn, l *Layout) (int64, error) {
	it, err := txn.Scan(l.Range(PrimaryIndexID), true)
	if err != nil {
		return 0, err
	}
	defer it.Close()
	if !it.Next() {
		return 0, it.Err()
	}
	row, err := l.DecodeRow(it.Value())
	if err != nil {
		return 0, err
	}
	v, _ := row[l.Indexes[0].Cols[0]].(int64)
	return v, nil
}

// Backfill writes the entries of a new secondary index for every row the
// table holds (that it includes, for a partial index: partial.go). A
// unique index that two rows would share is PostgreSQL's 23505 "could
// not create unique index".
func (l *Layout) Backfill(txn *Txn, indexID uint16) error {
	var ix *IndexLayout
	for i := 1; i < len(l.Indexes); i++ {
		if l.Indexes[i].ID == indexID {
			ix = &l.Indexes[i]
		}
	}
	if ix == nil {
		return fmt.Errorf("engine: table \"%s\" has no index %d", l.Name, indexID)
	}
	it, err := txn.Scan(l.Range(PrimaryIndexID), false)
	if err != nil {
		return err
	}
	defer it.Close()
	for it.Next() {
		row, err := l.DecodeRow(it.Value())
		if err != nil {
			return err
		}
		if in, err := ix.includes(row); err != nil {
			return err
		} else if !in {
			continue
		}
		ik, iv, unique, err := l.indexEntry(ix, row, l.pkSuffix(it.Key()))
		if err != nil {
			return err
		}
		if unique {
			if _, exists, err := txn.Get(ik); err != nil {
				return err
			} else if exists {
				names, vals := l.keyText(ix, row)
				return pgerror.Newf(pgcode.UniqueViolation, "could not create unique index \"%s\"", ix.Name).
					WithConstraint(ix.Name).
					WithDetail(fmt.Sprintf("Key (%s)=(%s) is duplicated.", names, vals))
			}
		}
		if err := txn.Put(ik, iv); err != nil {
			return err
		}
	}
	return it.Err()
}

// keyText returns an index's column names and a row's values of them, as
// PostgreSQL's key details print them.
func (l *Layout) keyText(ix *IndexLayout, row []types.Datum) (names, vals string) {
	ns := make([]string, len(ix.Cols))
	vs := make([]string, len(ix.Cols))
	fs := types.DefaultFormatSettings()
	for i, c := range ix.Cols {
		ns[i] = l.Names[c]
		if row[c] == nil {
			vs[i] = "null"
		} else {
			vs[i] = string(l.Types[c].AppendText(nil, row[c], &fs))
		}
	}
	return strings.Join(ns, ", "), strings.Join(vs, ", ")
}
