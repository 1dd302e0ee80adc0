package sql

import (
	"bytes"
	"slices"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// scanNode reads a table's rows in the order of one of its indexes: the
// primary key (the rows themselves) or a secondary index, whose entries
// lead to the rows. Its output row is the table's row encoding, every
// column in order (dropped ones are hidden, unnamed NULLs).
type scanNode struct {
	desc    *catalog.Descriptor
	layout  *engine.Layout
	columns []column
	// index is the position of the index read in layout.Indexes.
	index int
	// bounds narrow the index to key ranges (nil: all of it).
	bounds *indexBounds
	// filter is the rest of the predicate pushed down to the scan: the
	// conjuncts the bounds do not enforce. fullFilter is all of it, for
	// when the bounds cannot be applied in full (too many IN
	// combinations) and for a lookup join that seeks with other bounds.
	filter     expr.Expr
	fullFilter expr.Expr
	// conj are the pushed-down conjuncts and paths the ways to read
	// the rows they select; path is the one taken, whose index and
	// bounds the fields above repeat (accesscost.go). ordered
	// marks a scan whose index order the plan relies on (ORDER BY,
	// min/max): its path is fixed.
	conj    []expr.Expr
	paths   []accessPath
	path    accessPath
	ordered bool
	reverse bool
	// implied holds, by index position, the predicate of each partial
	// index the pushed-down conjuncts imply (index_implied.go): the
	// partial indexes the scan may read. nil for the others.
	implied []expr.Expr
	// keyExprs are the key expressions of the table's expression
	// indexes over the scan's row (index_expr_match.go).
	keyExprs []indexKeyExpr
	// indexOnly reads a secondary index's entries alone (indexonly.go).
	indexOnly bool
	// need marks the columns the scan's consumers read (narrow.go);
	// the others are left NULL, undecoded. nil: every column. readsNone
	// marks a need of no column at all (count(*)): a row's value is then
	// not read, only its presence.
	need      []bool
	readsNone bool
	// split is how the scan decodes its rows in two steps, around its
	// filter (scan_split.go); nil: in one.
	split *decodeSplit
	// reuse: the consumer is done with each row before it asks for the
	// next (narrow.go), so every row is decoded into the same slice.
	reuse bool
	// asOf reads the table as of a past tx (timetravel.go); nil: the
	// statement's transaction.
	asOf *scanAsOf
	// sys appends the system columns _tx, _ts and tableoid to each row
	// (syscols.go).
	sys bool
	// history reads every version in a range of txs (history.go).
	history *historyRange
	// est is the estimated number of rows produced; tableRows, of rows
	// in the table.
	est       float64
	tableRows float64
	// stats are the table's column statistics, for est (nil: none,
	// before ANALYZE).
	stats *colStats
	// workers is how many goroutines read the rows at once (parallel.go);
	// 0: the scan reads them itself. workersFilter: they apply the
	// filter to the rows they read (workerSafe).
	workers       int
	workersFilter bool
}

func (n *scanNode) cols() []column { return n.columns }

func (n *scanNode) open(x *execCtx) (rowIter, error) {
	if n.history != nil {
		return n.openHistory(x)
	}
	txn, l := x.txn, n.layout
	if n.asOf != nil {
		var err error
		var storage uint32
		if txn, storage, err = n.asOf.txn(x, n); err != nil {
			return nil, err
		}
		if storage != 0 {
			// AS OF $n before a TRUNCATE: the keys of then.
			then := *l
			then.TableID = storage
			l = &then
		}
	}
	ix := &l.Indexes[n.index]
	var spans []kv.Range
	filter := n.filter
	point := false
	if n.bounds != nil {
		var exact bool
		var err error
		if spans, exact, err = n.bounds.spans(x, l, ix); err != nil {
			return nil, err
		}
		if !exact {
			filter = n.fullFilter
			if n.fetchesWhole(l, ix, spans) {
				// More values came than the plan expected (an IN
				// subquery): every row of the index would be fetched
				// by its key, so read the rows themselves instead.
				ix = &l.Indexes[0]
				spans = []kv.Range{l.Range(ix.ID)}
			}
		}
		// Every primary-key column pinned: each span is one row's key,
		// read with a point lookup (bloom-filtered) instead of a scan.
		point = exact && n.index == 0 && len(n.bounds.eq) == len(ix.Cols) && n.bounds.lo == nil && n.bounds.hi == nil
	} else {
		spans = []kv.Range{l.Range(ix.ID)}
	}
	if n.reverse {
		for a, b := 0, len(spans)-1; a < b; a, b = a+1, b-1 {
			spans[a], spans[b] = spans[b], spans[a]
		}
	}
	var reads engine.Reads
	if txn == x.txn {
		reads = x.stmtReads()
	} else {
		reads = txn.StatementReads() // AS OF: a snapshot without writes
	}
	si := &scanIter{n: n, x: x, reads: reads, layout: l, ix: ix, spans: spans, filter: filter, point: point}
	if filter != nil {
		// Bounds that enforce every conjunct leave nothing to split by.
		si.split = n.split
	}
	// A primary-key scan decodes each row before the next, and when no
	// column's decoder keeps the bytes it may read them where the
	// storage engine has them. With a split, it is enough that the
	// filter's columns' decoders do not: a row the filter keeps is
	// copied then if the others' would (materialize).
	si.borrow = si.primary() && (l.DecodeRowCopies(n.need) || si.split != nil && l.DecodeRowCopies(si.split.early))
	if n.workers > 0 && si.primary() && !point && len(spans) == 1 {
		return n.openParallel(x, si, spans[0])
	}
	return si, nil
}

// fetchesWhole reports whether spans are the whole of a secondary index
// whose entries the scan follows to their rows, in no order anyone
// relies on: the primary key then gives the same rows for one read each.
func (n *scanNode) fetchesWhole(l *engine.Layout, ix *engine.IndexLayout, spans []kv.Range) bool {
	if n.index == 0 || n.indexOnly || n.ordered || len(spans) != 1 {
		return false
	}
	whole := l.Range(ix.ID)
	return bytes.Equal(spans[0].Start, whole.Start) && bytes.Equal(spans[0].End, whole.End)
}

type scanIter struct {
	n *scanNode
	x *execCtx
	// reads are x.txn's as the statement first read (x.stmtReads), or
	// the AS OF snapshot's.
	reads engine.Reads
	// layout is n.layout, or for AS OF $n before a TRUNCATE, the same
	// with the storage id of then.
	layout *engine.Layout
	ix     *engine.IndexLayout
	spans  []kv.Range
	filter expr.Expr
	point  bool // spans are single row keys (open)
	borrow bool // rows are read in the storage engine's memory (open)
	it     *engine.Iterator
	k      int
	// buf is the row every row is decoded into when the node reuses.
	buf []types.Datum
	// split, when set, decodes the columns the filter reads first
	// (scan_split.go); spare is a row the filter dropped, decoded into
	// again when the node does not reuse.
	split *decodeSplit
	spare []types.Datum
}

func (s *scanIter) next() ([]types.Datum, error) {
	if s.point {
		return s.nextPoint()
	}
	for {
		if s.it == nil {
			if len(s.spans) == 0 {
				return nil, nil
			}
			scan := s.reads.Scan
			if s.borrow {
				scan = s.reads.ScanBorrowed
			}
			it, err := scan(s.spans[0], s.n.reverse)
			if err != nil {
				return nil, err
			}
			s.it, s.spans = it, s.spans[1:]
		}
		if !s.it.Next() {
			err := s.it.Err()
			s.it.Close()
			s.it = nil
			if err != nil {
				return nil, err
			}
			continue
		}
		if err := s.counted(); err != nil {
			return nil, err
		}
		row, err := s.kept()
		if err != nil {
			return nil, err
		}
		if row == nil {
			continue
		}
		return row, nil
	}
}

// counted counts a row read, checking every 1,024 whether the statement
// was canceled.
func (s *scanIter) counted() error {
	if s.k++; s.k&1023 == 0 {
		return s.x.checkCanceled()
	}
	return nil
}

// keep applies the scan's filter to a row it read.
func (s *scanIter) keep(row []types.Datum) (bool, error) {
	if s.filter == nil {
		return true, nil
	}
	return s.x.evalBool(s.filter, row)
}

// nextPoint reads the next of the row keys the spans start with.
func (s *scanIter) nextPoint() ([]types.Datum, error) {
	for len(s.spans) > 0 {
		key := s.spans[0].Start
		s.spans = s.spans[1:]
		v, ver, ok, err := s.reads.GetVersion(key)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		row, err := s.materialize(v, ver)
		if err != nil {
			return nil, err
		}
		if row != nil {
			return row, nil
		}
	}
	return nil, nil
}

// primary reports whether the scan reads the primary key: its entries
// are the rows. It is n's index, or the primary key in its place
// (fetchesWhole).
func (s *scanIter) primary() bool { return s.ix.ID == engine.PrimaryIndexID }

// fellBack reports whether the scan reads the primary key instead of the
// secondary index it was planned on (fetchesWhole); EXPLAIN ANALYZE
// counts these.
func (s *scanIter) fellBack() bool { return s.n.index != 0 && s.primary() }

// kept reads the row at the iterator, the value itself for the primary
// key, the row the entry points to for a secondary index, and applies
// the filter: nil when the filter drops it, or the entry's row is gone.
func (s *scanIter) kept() ([]types.Datum, error) {
	l := s.layout
	if s.primary() {
		return s.materialize(s.it.Value(), s.it.Version())
	}
	if s.n.indexOnly {
		var row []types.Datum
		var err error
		if !s.n.reuse {
			row, err = l.DecodeIndexEntry(s.ix, s.it.Key(), s.it.Value())
		} else {
			row = s.reused()
			err = l.DecodeIndexEntryInto(row, s.ix, s.it.Key(), s.it.Value())
		}
		if err != nil {
			return nil, err
		}
		return s.filtered(row)
	}
	rowKey, err := l.RowKeyFromIndexEntry(s.ix, s.it.Key(), s.it.Value())
	if err != nil {
		return nil, err
	}
	v, ver, ok, err := s.reads.GetVersion(rowKey)
	if err != nil || !ok {
		return nil, err
	}
	return s.materialize(v, ver)
}

// materialize decodes the row value v, of version ver, and applies the
// filter: nil when the filter drops the row. With a split (scan_split.go)
// it decodes the columns the filter reads, and the others the scan's
// consumers read only if the filter keeps the row.
func (s *scanIter) materialize(v []byte, ver engine.RowVersion) ([]types.Datum, error) {
	split := s.split
	if split == nil {
		row, err := s.decode(v)
		if err != nil {
			return nil, err
		}
		if s.n.sys {
			row = withSystem(row, ver, s.n.desc.ID)
		}
		return s.filtered(row)
	}
	row := s.splitRow()
	if err := s.layout.DecodeColumnsInto(row, v, split.early); err != nil {
		return nil, err
	}
	full := row
	if s.n.sys {
		full = withSystem(row, ver, s.n.desc.ID)
	}
	if ok, err := s.keep(full); err != nil || !ok {
		return nil, err // row is decoded into again (splitRow)
	}
	if err := split.decodeLate(s.layout, row, v, s.borrow); err != nil {
		return nil, err
	}
	s.spare = nil
	return full, nil
}

// filtered is row if the filter keeps it, else nil.
func (s *scanIter) filtered(row []types.Datum) ([]types.Datum, error) {
	if ok, err := s.keep(row); err != nil || !ok {
		return nil, err
	}
	return row, nil
}

// decode decodes a row value: the columns the consumer reads, into the
// reused slice when the node reuses.
func (s *scanIter) decode(v []byte) ([]types.Datum, error) {
	if s.n.readsNone {
		return s.noColumns(), nil
	}
	if !s.n.reuse {
		return s.layout.DecodeColumns(v, s.n.need)
	}
	row := s.reused()
	if err := s.layout.DecodeColumnsInto(row, v, s.n.need); err != nil {
		return nil, err
	}
	return row, nil
}

// noColumns is the row of a scan that reads none of its columns: all
// NULL. Its consumers read nothing of it (narrow.go), so the stored
// value is neither decoded nor checked; walking it cost a fifth of
// count(*)'s time, most of it in the first touch of its bytes.
func (s *scanIter) noColumns() []types.Datum {
	if !s.n.reuse {
		return make([]types.Datum, len(s.layout.Types))
	}
	row := s.reused()
	clear(row)
	return row
}

// reused returns the slice every row is decoded into when the node
// reuses.
func (s *scanIter) reused() []types.Datum {
	n := len(s.layout.Types)
	if s.buf == nil {
		s.buf = make([]types.Datum, n, n+systemWidth) // room for the system columns
	}
	return s.buf[:n]
}

// reusedRow returns *buf, made with n values the first time: the row an
// iterator whose consumer is done with each row before the next (see
// narrow.go, consumed) hands out every time.
func reusedRow(buf *[]types.Datum, n int) []types.Datum {
	if *buf == nil {
		*buf = make([]types.Datum, n)
	}
	return *buf
}

func (s *scanIter) close() {
	if s.it != nil {
		s.it.Close()
		s.it = nil
	}
}

// indexBounds are the key ranges of an index a predicate allows: values
// for the leading key columns (several for an IN list) and an optional
// range on the next one. The expressions do not read the row: they are
// constants, parameters or outer references, evaluated when the scan
// opens.
type indexBounds struct {
	eq [][]expr.Expr
	// lo and hi bound key column len(eq) (nil: unbounded); loRow and
	// hiRow continue them over the next key columns, a row comparison's
	// bound (access_row.go): lo then compares with the key they make.
	lo, hi         expr.Expr
	loRow, hiRow   []expr.Expr
	loIncl, hiIncl bool
	// loLike, hiLike: lo or hi is a bound of a LIKE pattern known when
	// the statement runs (access_like_param.go): an empty lo or a NULL
	// hi is then no bound.
	loLike, hiLike bool
}

// maxSpans bounds the cross product of IN lists a scan seeks.
const maxSpans = 4096

// spans evaluates the bounds into key ranges, in index order; exact is
// false when they were not applied in full.
func (b *indexBounds) spans(x *execCtx, l *engine.Layout, ix *engine.IndexLayout) (_ []kv.Range, exact bool, _ error) {
	if b.lo == nil && b.hi == nil && b.singleValued() {
		return b.pointSpan(x, l, ix)
	}
	prefixes := [][]byte{engine.IndexPrefix(l.TableID, ix.ID)}
	var ds []types.Datum // one entry's values
	for i, alts := range b.eq {
		col := ix.Cols[i]
		var next [][]byte
		vals := make([][]byte, 0, len(alts))
		for _, e := range alts {
			var err error
			if ds, err = appendBoundValues(ds[:0], x, e); err != nil {
				return nil, false, err
			}
			t := boundType(l.Types[col], e)
			for _, d := range ds {
				if d == nil {
					continue // = NULL matches nothing
				}
				enc, err := keyenc.AppendKey(nil, t, d, ix.Dirs[i], ix.Nulls[i])
				if err != nil {
					return nil, false, err
				}
				vals = append(vals, enc)
			}
		}
		vals = sortUniqueBytes(vals)
		if len(prefixes)*len(vals) > maxSpans {
			// Too many combinations: stop narrowing here; the filter
			// checks the rest.
			return prefixRanges(prefixes), false, nil
		}
		for _, p := range prefixes {
			for _, v := range vals {
				next = append(next, append(append([]byte(nil), p...), v...))
			}
		}
		prefixes = next
		if len(prefixes) == 0 {
			return nil, true, nil
		}
	}
	if b.lo == nil && b.hi == nil {
		return prefixRanges(prefixes), true, nil
	}
	i := len(b.eq)
	col := ix.Cols[i]
	desc := ix.Dirs[i] == keyenc.Desc
	// enc evaluates a bound and encodes it as a key; null reports a
	// NULL bound, empty an empty string (open for a LIKE's lower bound).
	enc := func(e expr.Expr) (k []byte, null, empty bool, err error) {
		v, err := x.eval(e, nil)
		if err != nil || v == nil {
			return nil, v == nil, false, err
		}
		k, err = keyenc.AppendKey(nil, boundType(l.Types[col], e), v, ix.Dirs[i], ix.Nulls[i])
		return k, false, v == "", err
	}
	var lo, hi []byte
	loIncl, hiIncl := b.loIncl, b.hiIncl
	loOpen, hiOpen := b.lo == nil, b.hi == nil
	if b.lo != nil {
		k, null, empty, err := enc(b.lo)
		if err != nil || null {
			return nil, true, err // a NULL bound matches nothing
		}
		if b.loLike && empty {
			loOpen = true // every string is at least ''
		} else if lo, loIncl, err = appendRowKey(x, k, b.loRow, l, ix, i, loIncl); err != nil {
			return nil, false, err
		}
	}
	if b.hi != nil {
		k, null, _, err := enc(b.hi)
		if err == nil && null && b.hiLike {
			hiOpen = true
		} else if err != nil || null {
			return nil, true, err
		} else if hi, hiIncl, err = appendRowKey(x, k, b.hiRow, l, ix, i, hiIncl); err != nil {
			return nil, false, err
		}
	}
	if loOpen && hiOpen {
		// A LIKE pattern that starts with a wildcard: no range. Not
		// exact when nothing else narrows the index, so that the scan
		// reads the table itself (fetchesWhole).
		return prefixRanges(prefixes), len(b.eq) > 0, nil
	}
	if desc {
		// A descending column stores larger values first.
		lo, hi = hi, lo
		loIncl, hiIncl = hiIncl, loIncl
	}
	var out []kv.Range
	for _, p := range prefixes {
		// Non-NULL values of the column lie in [p+0x01, p+0xFF): NULL
		// markers are 0x00 and 0xFF.
		start := append(append([]byte(nil), p...), 0x01)
		end := append(append([]byte(nil), p...), 0xFF)
		if lo != nil {
			start = append(append([]byte(nil), p...), lo...)
			if !loIncl {
				start = kv.PrefixEnd(start)
			}
		}
		if hi != nil {
			end = append(append([]byte(nil), p...), hi...)
			if hiIncl {
				end = kv.PrefixEnd(end)
			}
		}
		if string(start) < string(end) {
			out = append(out, kv.Range{Start: start, End: end})
		}
	}
	return out, true, nil
}

// singleValued reports whether every bounded key column has one value
// (no IN list): the bounds are then one key prefix.
func (b *indexBounds) singleValued() bool {
	for _, alts := range b.eq {
		if !oneValue(alts) {
			return false
		}
	}
	return true
}

// pointSpan is spans for single-valued bounds without a range, the shape
// of every primary-key lookup: the prefix and its end are built in one
// buffer, where the general case makes a slice per column.
func (b *indexBounds) pointSpan(x *execCtx, l *engine.Layout, ix *engine.IndexLayout) ([]kv.Range, bool, error) {
	// The span and the bytes of its bounds in one allocation (a longer
	// key moves its bytes out by itself).
	one := new(struct {
		span [1]kv.Range
		buf  [64]byte
	})
	spans := one.span[:]
	key := engine.AppendIndexPrefix(one.buf[:0], l.TableID, ix.ID)
	for i, alts := range b.eq {
		v, err := x.eval(alts[0], nil)
		if err != nil || v == nil {
			return nil, true, err // = NULL matches nothing
		}
		col := ix.Cols[i]
		if key, err = keyenc.AppendKey(key, boundType(l.Types[col], alts[0]), v, ix.Dirs[i], ix.Nulls[i]); err != nil {
			return nil, false, err
		}
	}
	n := len(key)
	key = kv.AppendPrefixEnd(key, key)
	spans[0] = kv.Range{Start: key[:n:n]}
	if len(key) > n {
		spans[0].End = key[n:]
	}
	return spans, true, nil
}

// boundType is the type a bound value is encoded as: its own, which
// shares the column's encoding (asColPred checked) but may hold values
// the column's cannot (id > 9999999999 on an int4 key, a text value
// with trailing spaces against a bpchar key), so the range stays exact.
func boundType(col *types.T, e expr.Expr) *types.T {
	if t := e.Type(); t != nil && keyenc.SameEncoding(col, t) {
		return t
	}
	return col
}

// prefixRanges turns key prefixes into ranges.
func prefixRanges(prefixes [][]byte) []kv.Range {
	out := make([]kv.Range, len(prefixes))
	for i, p := range prefixes {
		out[i] = kv.PrefixRange(p)
	}
	return out
}

// sortUniqueBytes sorts byte strings and drops duplicates.
func sortUniqueBytes(v [][]byte) [][]byte {
	if len(v) < 2 {
		return v
	}
	slices.SortFunc(v, bytes.Compare)
	out := v[:1]
	for _, b := range v[1:] {
		if string(b) != string(out[len(out)-1]) {
			out = append(out, b)
		}
	}
	return out
}
