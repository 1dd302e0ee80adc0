package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// ALTER TABLE ... ADD PRIMARY KEY on a table created without one (as
// pg_dump writes every table: CREATE TABLE, COPY, then ADD CONSTRAINT
// ... PRIMARY KEY). Such a table's rows are keyed by a hidden row id, and
// a row's key is its identity in the log, so the rows cannot keep their
// keys: the table gets new storage, as TRUNCATE gives it
// (catalog.Truncate), and every row is written there again under its
// primary key, with its index entries. The old storage stays as it was:
// reads as of an earlier tx read it with the descriptor of then, and
// history reads end its rows at the statement's tx, where the rows under
// their new keys begin. The row id column stays in the row encoding as a
// dropped column (NULL from then on), so versions written before still
// decode.

// addPrimaryKey adds b.pk to b.d, a table keyed by its row id, and moves
// the rows to their new keys.
func (x *execCtx) addPrimaryKey(b *tableBuilder) error {
	d := b.d
	t := d.Table
	rowid := t.Column(t.PrimaryKey.Columns[0].ColumnID)
	if !rowid.Hidden {
		return pgerror.Newf(pgcode.InvalidTableDefinition, "multiple primary keys for table \"%s\" are not allowed", d.Name)
	}
	for _, k := range nodeStrings(b.pk.Keys) {
		// PostgreSQL sets the key columns NOT NULL first, which finds a
		// missing one.
		if c := t.ColumnByName(k); c == nil || c.Hidden {
			return pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", k, d.Name)
		}
	}
	old := catalog.Layout(d)
	ridPos := t.ColumnIndex(rowid.ID)
	if err := b.primaryKey(); err != nil {
		return err
	}
	rowid.Dropped, rowid.NotNull = true, false
	if err := catalog.Truncate(x.txn, d); err != nil { // writes d
		return err
	}
	pl := &planner{s: x.sess, txn: x.txn, params: &expr.ParamTypes{NoParams: true}}
	w, err := pl.writer(d)
	if err != nil {
		return err
	}
	keyPos := make([]int, len(t.PrimaryKey.Columns))
	for i, ic := range t.PrimaryKey.Columns {
		keyPos[i] = t.ColumnIndex(ic.ColumnID)
	}
	row2 := make([]types.Datum, len(t.Columns))
	return x.eachStoredRow(old, func(row []types.Datum) error {
		for _, p := range keyPos {
			if row[p] == nil {
				return x.nullsInColumn(d, t.Columns[p].Name)
			}
		}
		copy(row2, row)
		row2[ridPos] = nil
		return x.aboutTable(asIndexBuild(w.layout.Insert(x.txn, row2)), d)
	})
}
