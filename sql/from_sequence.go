package sql

// A sequence in FROM (SELECT last_value, is_called FROM seq, as pg_dump
// reads it) is a relation of one row: last_value, log_cnt, is_called,
// as PostgreSQL shows a sequence's tuple. The row is the sequence's
// shared state, read when the statement runs: sequences are not
// transactional, so a value another session took is seen at once, and
// one taken by a transaction that rolled back stays taken.

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// seqRelColumns are a sequence relation's columns, in PostgreSQL's order.
var seqRelColumns = [...]struct {
	name string
	typ  *types.T
}{{"last_value", types.Int8}, {"log_cnt", types.Int8}, {"is_called", types.Bool}}

// planSequence makes the FROM item of a sequence. Its past states are
// not kept (the log holds only the reserved marks, not the values handed
// out), so reading one AS OF a transaction, or its history, is refused.
func (pl *planner) planSequence(d *catalog.Descriptor, rv *pg_query.RangeVar, alias string, past bool, pos int) (*fromItem, error) {
	if past {
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "reading sequence \"%s\" as of a past transaction is not supported", d.Name).
			WithDetail("A sequence's values are not transactional and their history is not kept.").WithPosition(pos + 1)
	}
	n := &seqRelNode{desc: d}
	for i, c := range seqRelColumns {
		n.columns = append(n.columns, column{name: c.name, table: alias, typ: c.typ, tableOID: d.ID, attNum: int16(i + 1), ref: rv})
	}
	if pl.sysCols {
		n.tableOID = true
		n.columns = append(n.columns, tableOIDCol(alias))
	}
	cols, err := aliasColumns(n.columns, alias, rv.Alias)
	if err != nil {
		return nil, err
	}
	for i := range cols {
		cols[i].sequence = true
	}
	n.columns = cols
	return &fromItem{node: n, cols: cols, est: 1}, nil
}

// seqRelNode produces a sequence's one row.
type seqRelNode struct {
	desc    *catalog.Descriptor
	columns []column
	// tableOID appends the system column tableoid.
	tableOID bool
}

func (n *seqRelNode) cols() []column { return n.columns }

func (n *seqRelNode) open(x *execCtx) (rowIter, error) {
	r, err := x.sess.db.DB.SeqRow(seqParams(n.desc))
	if err != nil {
		return nil, err
	}
	row := []types.Datum{r.LastValue, r.LogCnt, r.IsCalled}
	if n.tableOID {
		row = append(row, dOid(n.desc.ID))
	}
	return &sliceIter{rows: [][]types.Datum{row}}, nil
}
