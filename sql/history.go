package sql

import (
	"sort"
	"strconv"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// History reads: SELECT ... FROM t FOR SYSTEM_TIME ALL (or BETWEEN ...
// AND ..., FROM ... TO ..., or immudb's SINCE/AFTER/UNTIL/BEFORE TX n)
// returns every version of every row written in the range, in tx order
// (and, within a tx, in the order it wrote them), with the hidden columns
// _tx, _ts and _op ('insert', 'update' or 'delete'). A delete's row holds
// only its primary key. Rows decode with the table's present columns: a
// column added later reads NULL in older versions.

// maxHistoryVersions bounds what one history scan holds in memory.
const maxHistoryVersions = 1_000_000

// historyRange is a resolved range of transactions, inclusive.
type historyRange struct{ from, to uint64 }

// resolveHistory turns a clause's bounds into tx ids.
func resolveHistory(s *Session, h *parser.HistoryRange, pos int) (historyRange, error) {
	last := s.db.Store.LastTx()
	r := historyRange{from: 1, to: last}
	bound := func(b parser.Bound, start bool) (uint64, error) {
		if !b.Timestamp {
			n, err := strconv.ParseUint(b.Value, 10, 64)
			if err != nil {
				return 0, pgerror.Newf(pgcode.InvalidParameterValue, "%s is not a transaction id", b.Value).WithPosition(pos + 1)
			}
			switch {
			case start && !b.Inclusive:
				n++
			case !start && !b.Inclusive:
				if n == 0 {
					return 0, nil
				}
				n--
			}
			return n, nil
		}
		d, err := types.TimestampTZType.ParseText(b.Value, s.FormatSettings())
		if err != nil {
			return 0, err
		}
		ts := d.(types.TimestampTZ)
		if !ts.IsFinite() {
			return 0, pgerror.Newf(pgcode.InvalidParameterValue, "a history range needs finite times, not %s", b.Value).WithPosition(pos + 1)
		}
		us := ts.UnixMicros()
		// The txs committed at or after a time start after the last one
		// committed before it; those up to a time end at TxAtTime.
		switch {
		case start && b.Inclusive:
			us--
		case !start && !b.Inclusive:
			us--
		}
		n, err := s.db.Store.TxAtTime(us)
		if err != nil {
			return 0, err
		}
		if start {
			n++
		}
		return n, nil
	}
	var err error
	if h.From.Set {
		if r.from, err = bound(h.From, true); err != nil {
			return r, err
		}
	}
	if h.To.Set {
		if r.to, err = bound(h.To, false); err != nil {
			return r, err
		}
		if r.to > last {
			r.to = last
		}
	}
	return r, nil
}

// addHistoryColumns appends _tx, _ts and _op to a history scan's columns.
func addHistoryColumns(cols []column, table string) []column {
	return append(cols,
		column{name: "_tx", table: table, typ: types.Int8, hidden: true},
		column{name: "_ts", table: table, typ: types.TimestampTZType, hidden: true},
		column{name: "_op", table: table, typ: types.Text, hidden: true})
}

// historyIter produces a history scan's rows.
type historyIter struct {
	n      *scanNode
	x      *execCtx
	layout *engine.Layout
	vs     []historyVersion
	i      int
}

type historyVersion struct {
	key, value []byte
	tx         uint64
	time       int64
	index      uint32
	op         string
}

func (n *scanNode) openHistory(x *execCtx) (rowIter, error) {
	l := n.layout
	vs, err := x.txn.History(l.Range(engine.PrimaryIndexID), n.history.from, n.history.to, maxHistoryVersions)
	if err != nil {
		return nil, err
	}
	out := make([]historyVersion, len(vs))
	var held int64
	for i, v := range vs {
		op := "insert"
		switch {
		case v.Deleted:
			op = "delete"
		case v.HadPrevious:
			op = "update"
		}
		out[i] = historyVersion{key: v.Key, value: v.Value, tx: v.TxID, time: v.Time, index: v.Index, op: op}
		held += int64(len(v.Key) + len(v.Value) + 64)
	}
	if err := x.mem.grow(held); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].tx != out[b].tx {
			return out[a].tx < out[b].tx
		}
		return out[a].index < out[b].index
	})
	return &historyIter{n: n, x: x, layout: l, vs: out}, nil
}

func (it *historyIter) next() ([]types.Datum, error) {
	for it.i < len(it.vs) {
		v := it.vs[it.i]
		it.i++
		var row []types.Datum
		var err error
		if v.op == "delete" {
			row, err = it.layout.DecodeRowKey(v.key)
		} else {
			row, err = it.layout.DecodeRow(v.value)
		}
		if err != nil {
			return nil, err
		}
		row = append(row, int64(v.tx), types.TimestampTZFromUnixMicros(v.time), v.op)
		if it.n.filter != nil {
			ok, err := it.x.evalBool(it.n.filter, row)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		return row, nil
	}
	return nil, nil
}

func (it *historyIter) close() {}
