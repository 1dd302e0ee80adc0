package sql

import (
	"sort"
	"strconv"
	"sync"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Per-table time travel: SELECT ... FROM t AS OF TX 42 reads t — its rows
// and its columns — as they were after tx 42, while the rest of the
// statement reads the present (or the session's AS OF). The clause is cut
// from the text by the parser (parser/timetravel.go); here it is attached
// to the table reference just before it, resolved to a tx, and the scan
// reads through a read-only transaction at that tx.
//
// A literal tx or time is resolved when the statement is planned, and the
// table is planned with its columns as of then. A parameter ($1) is known
// only when the statement runs: the table is planned with its present
// columns, and the execution checks that the table had the same columns
// at the tx read (else 0A000: prepare with a literal instead).

// attachTimeTravel maps each clause of the statement to the location of
// the table reference it follows.
func (pl *planner) attachTimeTravel(stmt parser.Statement) {
	if len(stmt.TimeTravel) == 0 {
		return
	}
	var locs []int
	rangeVars(stmt.AST.ProtoReflect(), func(rv *pg_query.RangeVar) { locs = append(locs, int(rv.Location)) })
	sort.Ints(locs)
	pl.travel = map[int32]*parser.TimeTravel{}
	for i := range stmt.TimeTravel {
		tt := &stmt.TimeTravel[i]
		k := sort.SearchInts(locs, tt.Pos) - 1
		if k < 0 {
			pl.travelErr = pgerror.New(pgcode.Syntax, "AS OF must follow a table name").WithPosition(tt.Pos + 1)
			return
		}
		pl.travel[int32(locs[k])] = tt
	}
}

// rangeVars calls fn for every RangeVar under m, wrapped in a Node (FROM
// items) or not (the target of INSERT, UPDATE, DELETE).
func rangeVars(m protoreflect.Message, fn func(*pg_query.RangeVar)) {
	if rv, ok := m.Interface().(*pg_query.RangeVar); ok {
		fn(rv)
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				rangeVars(l.Get(i).Message(), fn)
			}
		case fd.Message() != nil && !fd.IsMap():
			rangeVars(v.Message(), fn)
		}
		return true
	})
}

// checkTimeTravelUsed refuses a clause that no table read consumed (one
// after an INSERT's target, say).
func (pl *planner) checkTimeTravelUsed() error {
	if pl.travelErr != nil {
		return pl.travelErr
	}
	for loc, tt := range pl.travel {
		if !pl.travelUsed[loc] {
			return pgerror.New(pgcode.FeatureNotSupported, "AS OF applies to tables a query reads, not to this one").WithPosition(tt.Pos + 1)
		}
	}
	return nil
}

// asOfFor returns the clause after a table reference, marking it used.
func (pl *planner) asOfFor(rv *pg_query.RangeVar) *parser.TimeTravel {
	tt := pl.travel[rv.Location]
	if tt != nil {
		if pl.travelUsed == nil {
			pl.travelUsed = map[int32]bool{}
		}
		pl.travelUsed[rv.Location] = true
	}
	return tt
}

// resolveAsOf turns a literal clause into a tx id, with PostgreSQL-style
// 22023 errors for a tx outside the log or a time before it.
func resolveAsOf(s *Session, tt *parser.TimeTravel) (uint64, error) {
	last := s.db.Store.LastTx()
	if !tt.Timestamp {
		n, err := strconv.ParseInt(tt.Value, 10, 64)
		if err != nil || n < 1 {
			return 0, pgerror.Newf(pgcode.InvalidParameterValue, "AS OF TX %s: a transaction id is a positive integer", tt.Value).WithPosition(tt.Pos + 1)
		}
		return txInLog(uint64(n), last, tt.Pos)
	}
	d, err := types.TimestampTZType.ParseText(tt.Value, s.FormatSettings())
	if err != nil {
		return 0, err
	}
	return txAtTimestamp(s, d.(types.TimestampTZ), tt.Value)
}

func txInLog(n, last uint64, pos int) (uint64, error) {
	if n > last {
		return 0, pgerror.Newf(pgcode.InvalidParameterValue, "AS OF TX %d: the last committed transaction is %d", n, last).WithPosition(pos + 1)
	}
	return n, nil
}

func txAtTimestamp(s *Session, ts types.TimestampTZ, text string) (uint64, error) {
	if !ts.IsFinite() {
		return 0, pgerror.Newf(pgcode.InvalidParameterValue, "AS OF TIMESTAMP %s: the time must be finite", text)
	}
	n, err := s.db.Store.TxAtTime(ts.UnixMicros())
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, pgerror.Newf(pgcode.InvalidParameterValue, "AS OF TIMESTAMP %s: no transaction was committed at or before that time", text)
	}
	return n, nil
}

// snapshotTxn returns a read-only transaction at tx, one per tx and
// execution.
func (x *execCtx) snapshotTxn(tx uint64) (*engine.Txn, error) {
	if t, ok := x.snapshots[tx]; ok {
		return t, nil
	}
	t, err := x.sess.db.DB.Begin(engine.TxnOptions{AsOf: tx, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	if x.snapshots == nil {
		x.snapshots = map[uint64]*engine.Txn{}
	}
	x.snapshots[tx] = t
	return t, nil
}

// scanAsOf is a scan's time travel: a tx fixed at planning, or a
// parameter read at execution.
type scanAsOf struct {
	tx        uint64
	param     *expr.Param
	timestamp bool
	// sameLayoutAt holds the descriptor versions (the txs that wrote
	// them) already found to have the planned layout, with the storage id
	// of each (0: the planned one; a uint32), so that a prepared
	// AS OF $1 read decodes and compares the table's definition of then
	// once per version, not once per execution. A plan may serve several
	// executions at once: a sync.Map.
	sameLayoutAt sync.Map
}

// txn returns the transaction a time-travelling scan reads through,
// checking, for a parameter, that the table had the planned columns then
// (n is nil for a virtual relation, which has no stored layout). For a
// parameter, storage is the id the table's keys were under then when a
// TRUNCATE since has moved them (0: the planned layout's).
func (a *scanAsOf) txn(x *execCtx, n *scanNode) (t *engine.Txn, storage uint32, err error) {
	tx, err := a.resolve(x)
	if err != nil {
		return nil, 0, err
	}
	if t, err = x.snapshotTxn(tx); err != nil {
		return nil, 0, err
	}
	if a.param != nil && n != nil {
		ver, ok, err := catalog.DescVersion(t, n.desc.ID)
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			return nil, 0, pgerror.Newf(pgcode.UndefinedTable, "relation \"%s\" does not exist as of tx %d", n.desc.Name, tx)
		}
		if id, same := a.sameLayoutAt.Load(ver); same {
			return t, id.(uint32), nil
		}
		then, err := catalog.Get(t, n.desc.ID)
		if err != nil {
			return nil, 0, err
		}
		if then == nil {
			return nil, 0, pgerror.Newf(pgcode.UndefinedTable, "relation \"%s\" does not exist as of tx %d", n.desc.Name, tx)
		}
		if !sameLayout(catalog.Layout(then), n.layout) {
			return nil, 0, pgerror.Newf(pgcode.FeatureNotSupported, "table \"%s\" had other columns or indexes at tx %d than now", n.desc.Name, tx).
				WithHint("With AS OF $n the table is planned with its present columns; use a literal AS OF TX to read it with its columns of then.")
		}
		if id := then.StorageID(); id != n.layout.TableID {
			storage = id
		}
		a.sameLayoutAt.Store(ver, storage)
	}
	return t, storage, nil
}

// resolve returns the tx read: the planned one, or the parameter's value
// in this execution.
func (a *scanAsOf) resolve(x *execCtx) (uint64, error) {
	if a.param == nil {
		return a.tx, nil
	}
	v, err := x.eval(a.param, nil)
	if err != nil {
		return 0, err
	}
	if v == nil {
		return 0, pgerror.New(pgcode.NullValueNotAllowed, "AS OF needs a value, not NULL")
	}
	ts, isTS := v.(types.TimestampTZ)
	k, isInt := v.(int64)
	switch {
	case a.timestamp && isTS:
		return txAtTimestamp(x.sess, ts, "$"+strconv.Itoa(a.param.Index))
	case a.timestamp || !isInt:
		return 0, pgerror.Newf(pgcode.DatatypeMismatch, "AS OF $%d has the wrong type", a.param.Index)
	case k < 1:
		return 0, pgerror.Newf(pgcode.InvalidParameterValue, "AS OF TX %d: a transaction id is a positive integer", k)
	}
	return txInLog(uint64(k), x.sess.db.Store.LastTx(), -1)
}

// sameLayout reports whether two layouts store rows and index entries
// alike, if perhaps under other storage (a TRUNCATE between them).
func sameLayout(a, b *engine.Layout) bool {
	if len(a.Types) != len(b.Types) || len(a.Indexes) != len(b.Indexes) {
		return false
	}
	for i := range a.Types {
		if !a.Types[i].Equal(b.Types[i]) {
			return false
		}
	}
	for i := range a.Indexes {
		x, y := a.Indexes[i], b.Indexes[i]
		if x.ID != y.ID || len(x.Cols) != len(y.Cols) {
			return false
		}
		for j := range x.Cols {
			if x.Cols[j] != y.Cols[j] || x.Dirs[j] != y.Dirs[j] {
				return false
			}
		}
	}
	return true
}

// planAsOf resolves a table reference's clause for planning: the
// transaction its descriptor is read in, and the scan's time travel.
func (pl *planner) planAsOf(tt *parser.TimeTravel) (*engine.Txn, *scanAsOf, error) {
	if tt.Param > 0 {
		t := types.Int8
		if tt.Timestamp {
			t = types.TimestampTZType
		}
		pl.params.Set(tt.Param, t)
		return pl.txn, &scanAsOf{param: &expr.Param{Index: tt.Param, T: t}, timestamp: tt.Timestamp}, nil
	}
	tx, err := resolveAsOf(pl.s, tt)
	if err != nil {
		return nil, nil, err
	}
	t, err := pl.s.db.DB.Begin(engine.TxnOptions{AsOf: tx, ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	return t, &scanAsOf{tx: tx}, nil
}
