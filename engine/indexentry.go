package engine

import (
	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// indexPrefixLen is the length of IndexPrefix: the table prefix byte,
// the table id and the index id.
const indexPrefixLen = 1 + 4 + 2

// DecodeIndexEntry returns what a secondary index entry holds of its row,
// without reading the row: the index's key columns and the primary-key
// columns (the entry's suffix); every other column is NULL. An index-only
// scan uses it when a query reads no other column and every such column
// is keyenc.Decodable.
func (l *Layout) DecodeIndexEntry(ix *IndexLayout, key, value []byte) ([]types.Datum, error) {
	row := make([]types.Datum, len(l.Types))
	if err := l.DecodeIndexEntryInto(row, ix, key, value); err != nil {
		return nil, err
	}
	return row, nil
}

// DecodeIndexEntryInto is DecodeIndexEntry into row, which must have an
// entry per column of the table, all overwritten: for a reader done with
// each row before the next, it spares an allocation a row.
func (l *Layout) DecodeIndexEntryInto(row []types.Datum, ix *IndexLayout, key, value []byte) error {
	if len(row) != len(l.Types) {
		return pgerror.Newf(pgcode.Internal, "engine: a row of %d values for %d columns", len(row), len(l.Types))
	}
	clear(row)
	rest := key[indexPrefixLen:]
	var err error
	for i, c := range ix.Cols {
		if row[c], rest, err = keyenc.DecodeKey(rest, l.Types[c], ix.Dirs[i], ix.Nulls[i]); err != nil {
			return err
		}
	}
	// A unique entry without NULLs keeps the primary-key suffix in its
	// value (indexEntry); any other in its key, after the columns.
	suffix := value
	if len(value) == 0 {
		suffix = rest
	}
	pk := &l.Indexes[0]
	for i, c := range pk.Cols {
		if row[c], suffix, err = keyenc.DecodeKey(suffix, l.Types[c], pk.Dirs[i], pk.Nulls[i]); err != nil {
			return err
		}
	}
	return nil
}

// DecodeRowKey returns the primary-key columns a row's key holds, in a
// row whose other columns are NULL: what is known of a deleted row, whose
// version has no value.
func (l *Layout) DecodeRowKey(key []byte) ([]types.Datum, error) {
	row := make([]types.Datum, len(l.Types))
	rest := key[indexPrefixLen:]
	pk := &l.Indexes[0]
	var err error
	for i, c := range pk.Cols {
		if row[c], rest, err = keyenc.DecodeKey(rest, l.Types[c], pk.Dirs[i], pk.Nulls[i]); err != nil {
			return nil, err
		}
	}
	return row, nil
}
