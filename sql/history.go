package sql

import (
	"sort"
	"strconv"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/expr"
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
// only its primary key. Rows come with the table's present columns: a
// column added later reads NULL in older versions, and one whose type
// changed since is converted (history_layouts.go).

// maxHistoryVersions bounds what one history scan holds in memory.
const maxHistoryVersions = 1_000_000

// historyRange is a range of transactions, inclusive: resolved when
// planned, or, for bounds given as parameters, when the scan opens.
type historyRange struct {
	from, to uint64
	params   *parser.HistoryRange // bounds with parameters; nil: all literal
	diff     bool                 // the rows that differ between from-1 and to
}

// resolveHistory turns a clause's literal bounds into tx ids and, for
// bounds that are parameters, sets their types ($n is a bigint for TX, a
// timestamptz for TIMESTAMP) for the execution to resolve.
func resolveHistory(pl *planner, h *parser.HistoryRange, pos int) (historyRange, error) {
	s := pl.s
	r := historyRange{from: 1, to: s.db.Store.LastTx(), diff: h.Diff}
	for _, b := range []parser.Bound{h.From, h.To} {
		if b.Param > 0 {
			t := types.Int8
			if b.Timestamp {
				t = types.TimestampTZType
			}
			pl.params.Set(b.Param, t)
			r.params = h
		}
	}
	if r.params != nil {
		return r, nil
	}
	var err error
	if h.From.Set {
		if r.from, err = boundTx(s, h.From, true, nil, pos); err != nil {
			return r, err
		}
	}
	if h.To.Set {
		if r.to, err = boundTx(s, h.To, false, nil, pos); err != nil {
			return r, err
		}
	}
	return r, nil
}

// resolve returns the range for one execution.
func (r *historyRange) resolve(x *execCtx) (from, to uint64, err error) {
	if r.params == nil {
		return r.from, min(r.to, x.sess.db.Store.LastTx()), nil
	}
	from, to = 1, x.sess.db.Store.LastTx()
	if b := r.params.From; b.Set {
		if from, err = boundTx(x.sess, b, true, x, -1); err != nil {
			return 0, 0, err
		}
	}
	if b := r.params.To; b.Set {
		if to, err = boundTx(x.sess, b, false, x, -1); err != nil {
			return 0, 0, err
		}
	}
	return from, min(to, x.sess.db.Store.LastTx()), nil
}

// boundTx turns one bound into the first (start) or last tx it admits.
// A parameter is read from the execution x.
func boundTx(s *Session, b parser.Bound, start bool, x *execCtx, pos int) (uint64, error) {
	var v types.Datum
	if b.Param > 0 {
		t := types.Int8
		if b.Timestamp {
			t = types.TimestampTZType
		}
		var err error
		if v, err = x.eval(&expr.Param{Index: b.Param, T: t}, nil); err != nil {
			return 0, err
		}
		if v == nil {
			return 0, pgerror.New(pgcode.NullValueNotAllowed, "a history range needs values, not NULL")
		}
	} else if b.Timestamp {
		var err error
		if v, err = types.TimestampTZType.ParseText(b.Value, s.FormatSettings()); err != nil {
			return 0, err
		}
	} else {
		n, err := strconv.ParseInt(b.Value, 10, 64)
		if err != nil {
			return 0, pgerror.Newf(pgcode.InvalidParameterValue, "%s is not a transaction id", b.Value).WithPosition(pos + 1)
		}
		v = n
	}
	switch d := v.(type) {
	case int64:
		if d < 0 {
			return 0, pgerror.Newf(pgcode.InvalidParameterValue, "%d is not a transaction id", d).WithPosition(pos + 1)
		}
		n := uint64(d)
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
	case types.TimestampTZ:
		if !d.IsFinite() {
			return 0, pgerror.New(pgcode.InvalidParameterValue, "a history range needs finite times").WithPosition(pos + 1)
		}
		us := d.UnixMicros()
		// The txs committed at or after a time start after the last one
		// committed before it; those up to a time end at TxAtTime.
		if start == b.Inclusive {
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
	return 0, pgerror.New(pgcode.DatatypeMismatch, "a history bound has the wrong type")
}

// addHistoryColumns appends _tx, _ts and _op to a history scan's
// columns, and tableoid when the query names a system column (scan.sys:
// history's _tx and _ts are always there, so that is the only one to
// add).
func addHistoryColumns(scan *scanNode, cols []column, table string, sys bool) []column {
	cols = append(cols, versionColumns(table)...)
	cols = append(cols, column{name: "_op", table: table, typ: types.Text, hidden: true})
	if sys {
		scan.sys = true
		cols = append(cols, tableOIDCol(table))
	}
	return cols
}

// historyIter produces a history scan's rows.
type historyIter struct {
	n   *scanNode
	x   *execCtx
	dec *historyDecoder
	vs  []historyVersion
	i   int
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
	from, to := uint64(0), uint64(0)
	var err error
	if from, to, err = n.history.resolve(x); err != nil {
		return nil, err
	}
	vs, rekeyed, err := x.tableHistory(n.desc, l, from, to)
	if err != nil {
		return nil, err
	}
	if n.history.params != nil && n.history.params.Diff || n.history.diff {
		vs = diffVersions(vs)
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
	dec, err := x.newHistoryDecoder(n.desc, l, n.need)
	if err != nil {
		return nil, err
	}
	dec.rekeyed = rekeyed
	return &historyIter{n: n, x: x, dec: dec, vs: out}, nil
}

func (it *historyIter) next() ([]types.Datum, error) {
	for it.i < len(it.vs) {
		v := it.vs[it.i]
		it.i++
		row, err := it.dec.decode(it.x, &v)
		if err != nil {
			return nil, err
		}
		row = append(row, int64(v.tx), types.TimestampTZFromUnixMicros(v.time), v.op)
		if it.n.sys {
			row = append(row, dOid(it.n.desc.ID))
		}
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

// diffVersions reduces a history (per key, oldest first, as
// kv.HistoryRange returns it) to one version per key that differs
// between the start and the end of the range: the key's last version,
// as an insert if the key did not exist before the range, a delete if it
// does not exist after it, else an update. A key created and removed
// within the range did not change.
func diffVersions(vs []kv.HistoryVersion) []kv.HistoryVersion {
	var out []kv.HistoryVersion
	for i := 0; i < len(vs); {
		j := i
		for j+1 < len(vs) && string(vs[j+1].Key) == string(vs[i].Key) {
			j++
		}
		before, after := vs[i].HadPrevious, !vs[j].Deleted
		if before || after {
			last := vs[j]
			// HadPrevious now tells whether the row existed before the
			// range: a live last version is an update then, an insert not.
			last.HadPrevious = before
			out = append(out, last)
		}
		i = j + 1
	}
	return out
}
