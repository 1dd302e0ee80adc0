package sql

import (
	"math"

	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

type joinKind uint8

const (
	joinInner joinKind = iota
	joinLeft
	joinRight
	joinFull
)

var joinNames = [...]string{"Inner", "Left", "Right", "Full"}

// joinNode joins two inputs; its row is the left row then the right row.
// With equality keys it is a hash join: one input (the right, or for an
// inner join the smaller) goes into a hash table keyed by the key
// encoding of its key values, the other streams past it. Without keys it
// is a nested loop over the materialized right input. Rows of the outer
// side(s) that match nothing come out padded with NULLs.
type joinNode struct {
	kind        joinKind
	left, right planNode
	// leftKeys are evaluated over the left row, rightKeys over the joined
	// row (whose left part is then NULL).
	leftKeys, rightKeys []expr.Expr
	keyTypes            []*types.T
	// cond is the rest of the join condition, over the joined row.
	cond      expr.Expr
	buildLeft bool
	columns   []column
	est       float64
	// reuseOut: the consumer is done with each joined row before it
	// asks for the next, so every one is laid into the same slice
	// (narrow.go).
	reuseOut bool
}

func (n *joinNode) cols() []column { return n.columns }

// buildRow is a row of the build input, laid out as a joined row. The
// rows sit in one slice, their values in shared chunks, and the rows of
// one key are chained by index: the build side makes no allocation per
// row (it made three, and collecting them was a sixth of a large join).
type buildRow struct {
	row     []types.Datum
	next    int32 // the next row of the same key, or -1
	matched bool
}

// chain is the first and last build row of one key, in build order.
type chain struct{ head, tail int32 }

func (n *joinNode) open(x *execCtx) (rowIter, error) {
	nl, nr := len(n.left.cols()), len(n.right.cols())
	it := &joinIter{n: n, x: x, nl: nl, nr: nr}
	build, probe := n.right, n.left
	if n.buildLeft {
		build, probe = n.left, n.right
	}
	if err := it.build(build); err != nil {
		it.close()
		return nil, err
	}
	in, err := probe.open(x)
	if err != nil {
		it.close()
		return nil, err
	}
	it.probe = in
	return it, nil
}

type joinIter struct {
	n      *joinNode
	x      *execCtx
	nl, nr int
	// The build side, in build order, and for a hash join its chains by
	// key. A single integer key (a join on ids, the usual one) is hashed
	// by its value in ints, sparing an encoded string per row on both
	// sides.
	rows  []buildRow
	slab  []types.Datum
	table map[string]chain
	ints  map[int64]chain
	// Integer keys that are dense (ids, say) are looked up in an array
	// by key - lo instead: probes in key order then walk the array where
	// a hash table misses the cache on every one (a quarter of a large
	// join's time).
	dense []int32
	lo    int64
	held  int64
	probe rowIter
	// The probe row being joined and the next build row to try (-1:
	// none left).
	cur     []types.Datum
	cand    int32
	matched bool
	keyRow  []types.Datum
	// After the probe side: unmatched build rows (RIGHT, FULL).
	tail bool
	ti   int
	buf  []byte
	k    int
	// out is the joined row every one is laid into with reuseOut.
	out []types.Datum
}

// hashed reports whether the join has equality keys to hash; without
// them it is a nested loop.
func (n *joinNode) hashed() bool { return len(n.leftKeys) > 0 }

// buildRowChunk is how many joined rows' values one slab chunk holds at
// most; the first chunks are smaller, as many rows as are built so far,
// so that a small build side (one opened per outer row, say) stays small.
const buildRowChunk = 256

// build reads the build side into memory, as joined-row layouts.
func (it *joinIter) build(in planNode) error {
	src, err := in.open(it.x)
	if err != nil {
		return err
	}
	defer src.close()
	n := it.n
	switch {
	case n.intKeyed():
		it.ints = map[int64]chain{}
	case n.hashed():
		it.table = map[string]chain{}
	}
	keys := n.rightKeys
	if n.buildLeft {
		keys = n.leftKeys
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for {
		row, err := src.next()
		if err != nil {
			return err
		}
		if row == nil {
			it.densify(lo, hi)
			return nil
		}
		if it.k++; it.k&1023 == 0 {
			if err := it.x.checkCanceled(); err != nil {
				return err
			}
		}
		if len(it.rows) == math.MaxInt32 {
			return pgerror.New(pgcode.ProgramLimitExceeded, "hash join input has too many rows")
		}
		joined := it.newRow()
		if n.buildLeft {
			copy(joined, row)
		} else {
			copy(joined[it.nl:], row)
		}
		sz := rowSize(joined) + 16
		it.held += sz
		if err := it.x.mem.grow(sz); err != nil {
			return err
		}
		i := int32(len(it.rows))
		it.rows = append(it.rows, buildRow{row: joined, next: -1})
		// A NULL key matches nothing; an outer build side still emits
		// the row after the probe side.
		switch {
		case it.ints != nil:
			v, err := it.x.eval(keys[0], joined)
			if err != nil {
				return err
			}
			if v != nil {
				k, err := intKey(v)
				if err != nil {
					return err
				}
				c, ok := it.ints[k]
				it.ints[k] = it.link(c, ok, i)
				lo, hi = min(lo, k), max(hi, k)
			}
		case it.table != nil:
			key, null, err := it.key(keys, joined)
			if err != nil {
				return err
			}
			if !null {
				c, ok := it.table[string(key)]
				it.table[string(key)] = it.link(c, ok, i)
			}
		}
	}
}

// newRow returns an empty joined row carved from the slab.
func (it *joinIter) newRow() []types.Datum {
	w := it.nl + it.nr
	if len(it.slab) < w {
		it.slab = make([]types.Datum, w*min(max(len(it.rows), 4), buildRowChunk))
	}
	row := it.slab[:w:w]
	it.slab = it.slab[w:]
	return row
}

// denseSpan is how many array slots per distinct key a dense key table
// may take: four bytes each, against the twenty or so bytes a hash table
// entry takes.
const denseSpan = 8

// densify moves the integer keys, between lo and hi, from the hash
// table into an array when they are dense enough and the statement's
// memory allows.
func (it *joinIter) densify(lo, hi int64) {
	n := len(it.ints)
	if n == 0 {
		return
	}
	// hi - lo, not the span, is compared: the span of the whole int64
	// range does not fit in one.
	d := uint64(hi) - uint64(lo)
	if d >= uint64(denseSpan*n) {
		return
	}
	span := d + 1
	size := int64(span) * 4
	if err := it.x.mem.grow(size); err != nil {
		it.x.mem.shrink(size)
		return
	}
	it.held += size
	it.dense, it.lo = make([]int32, span), lo
	for i := range it.dense {
		it.dense[i] = -1
	}
	for k, c := range it.ints {
		it.dense[uint64(k)-uint64(lo)] = c.head
	}
	it.ints = nil
}

// link appends build row i to a key's chain (found: the key had one).
func (it *joinIter) link(c chain, found bool, i int32) chain {
	if !found {
		return chain{head: i, tail: i}
	}
	it.rows[c.tail].next = i
	c.tail = i
	return c
}

// intKeyed reports whether the join has one key and it is encoded as
// an integer (int2, int4, int8, oid; equiKeys made both sides encode
// alike): its values are int64s to hash as they are.
func (n *joinNode) intKeyed() bool {
	return len(n.keyTypes) == 1 && keyenc.SameEncoding(n.keyTypes[0], types.Int8)
}

// intKey is an integer key's value (a join's, or an IN set's).
func intKey(v types.Datum) (int64, error) {
	k, ok := v.(int64)
	if !ok {
		return 0, pgerror.Newf(pgcode.Internal, "internal error: integer key of Go type %T", v)
	}
	return k, nil
}

// firstCandidate returns the first build row whose key is the probe
// row's (every row, for a nested loop), or -1.
func (it *joinIter) firstCandidate(keys []expr.Expr, row []types.Datum) (int32, error) {
	switch {
	case it.dense != nil || it.ints != nil:
		v, err := it.x.eval(keys[0], row)
		if err != nil || v == nil {
			return -1, err
		}
		k, err := intKey(v)
		if err != nil {
			return -1, err
		}
		if it.dense != nil {
			if i := uint64(k) - uint64(it.lo); i < uint64(len(it.dense)) {
				return it.dense[i], nil
			}
			return -1, nil
		}
		if c, ok := it.ints[k]; ok {
			return c.head, nil
		}
		return -1, nil
	case it.table != nil:
		key, null, err := it.key(keys, row)
		if err != nil || null {
			return -1, err
		}
		if c, ok := it.table[string(key)]; ok { // no copy for a lookup
			return c.head, nil
		}
		return -1, nil
	case len(it.rows) > 0:
		return 0, nil
	}
	return -1, nil
}

// nextCandidate returns the build row to try after row i, or -1.
func (it *joinIter) nextCandidate(i int32) int32 {
	if it.n.hashed() {
		return it.rows[i].next
	}
	if int(i)+1 < len(it.rows) {
		return i + 1
	}
	return -1
}

// key evaluates key expressions over a row into it.buf, valid until the
// next call; null reports a NULL value.
func (it *joinIter) key(keys []expr.Expr, row []types.Datum) ([]byte, bool, error) {
	it.buf = it.buf[:0]
	for i, e := range keys {
		v, err := it.x.eval(e, row)
		if err != nil {
			return nil, false, err
		}
		if v == nil {
			return nil, true, nil
		}
		if it.buf, err = keyenc.AppendKey(it.buf, it.n.keyTypes[i], v, keyenc.Asc, keyenc.NullsLast); err != nil {
			return nil, false, err
		}
	}
	return it.buf, false, nil
}

func (it *joinIter) next() ([]types.Datum, error) {
	n := it.n
	for {
		if it.tail {
			return it.nextUnmatched()
		}
		if it.cur != nil && it.cand >= 0 {
			br := &it.rows[it.cand]
			it.cand = it.nextCandidate(it.cand)
			joined := it.combine(br)
			if n.cond != nil {
				ok, err := it.x.evalBool(n.cond, joined)
				if err != nil {
					return nil, err
				}
				if !ok {
					continue
				}
			}
			it.matched, br.matched = true, true
			return joined, nil
		}
		if it.cur != nil {
			cur := it.cur
			it.cur = nil
			if !it.matched && it.probeIsOuter() {
				return it.padProbe(cur), nil
			}
		}
		row, err := it.probe.next()
		if err != nil {
			return nil, err
		}
		if row == nil {
			if it.buildIsOuter() {
				it.tail = true
				continue
			}
			return nil, nil
		}
		if it.k++; it.k&1023 == 0 {
			if err := it.x.checkCanceled(); err != nil {
				return nil, err
			}
		}
		it.cur, it.matched = row, false
		probeKeys, keyRow := n.leftKeys, row
		if n.buildLeft {
			// The right keys read a joined row; its left part stays
			// NULL in this scratch row.
			if it.keyRow == nil {
				it.keyRow = make([]types.Datum, it.nl+it.nr)
			}
			probeKeys, keyRow = n.rightKeys, it.keyRow
			copy(keyRow[it.nl:], row)
		}
		if it.cand, err = it.firstCandidate(probeKeys, keyRow); err != nil {
			return nil, err
		}
	}
}

func (it *joinIter) probeIsOuter() bool {
	if it.n.buildLeft {
		return it.n.kind == joinRight || it.n.kind == joinFull
	}
	return it.n.kind == joinLeft || it.n.kind == joinFull
}

func (it *joinIter) buildIsOuter() bool {
	if it.n.buildLeft {
		return it.n.kind == joinLeft || it.n.kind == joinFull
	}
	return it.n.kind == joinRight || it.n.kind == joinFull
}

// outRow returns the slice a joined row is laid into: a new one, or
// with reuseOut the same one each time.
func (it *joinIter) outRow() []types.Datum {
	if !it.n.reuseOut {
		return make([]types.Datum, it.nl+it.nr)
	}
	return reusedRow(&it.out, it.nl+it.nr)
}

// combine lays the probe row into a copy of a build row.
func (it *joinIter) combine(br *buildRow) []types.Datum {
	joined := it.outRow()
	copy(joined, br.row)
	if it.n.buildLeft {
		copy(joined[it.nl:], it.cur)
	} else {
		copy(joined, it.cur)
	}
	return joined
}

// padProbe pads an unmatched probe row with NULLs.
func (it *joinIter) padProbe(row []types.Datum) []types.Datum {
	joined := it.outRow()
	clear(joined)
	if it.n.buildLeft {
		copy(joined[it.nl:], row)
	} else {
		copy(joined, row)
	}
	return joined
}

// nextUnmatched emits the build rows nothing matched (their probe part
// is already NULL).
func (it *joinIter) nextUnmatched() ([]types.Datum, error) {
	for it.ti < len(it.rows) {
		br := &it.rows[it.ti]
		it.ti++
		if !br.matched {
			joined := it.outRow()
			copy(joined, br.row)
			return joined, nil
		}
	}
	return nil, nil
}

func (it *joinIter) close() {
	if it.probe != nil {
		it.probe.close()
		it.probe = nil
	}
	it.x.mem.shrink(it.held)
	it.held = 0
	it.table, it.ints, it.dense, it.rows, it.slab = nil, nil, nil, nil, nil
}

// equiKeys splits join conditions over a joined row (left columns first,
// nl of them) into equality keys between the sides and the rest.
func equiKeys(conds []expr.Expr, nl int) (lk, rk []expr.Expr, kt []*types.T, rest []expr.Expr) {
	for _, c := range conds {
		f, ok := c.(*expr.Func)
		if ok && f.Name == "=" && len(f.Args) == 2 && !f.Volatile {
			a, b := f.Args[0], f.Args[1]
			sa, sb := side(a, nl), side(b, nl)
			if sa == 2 && sb == 1 {
				a, b, sa, sb = b, a, sb, sa
			}
			if sa == 1 && sb == 2 && keyenc.SameEncoding(a.Type(), b.Type()) && keyenc.Indexable(a.Type()) {
				lk, rk = append(lk, a), append(rk, b)
				kt = append(kt, a.Type())
				continue
			}
		}
		rest = append(rest, c)
	}
	return lk, rk, kt, rest
}

// side tells which side of a join an expression reads: 1 left, 2
// right, 0 neither or both (or something volatile or a subquery).
func side(e expr.Expr, nl int) int {
	s := 0
	ok := true
	expr.Walk(e, func(x expr.Expr) bool {
		switch v := x.(type) {
		case *expr.ColRef:
			k := 1
			if v.Idx >= nl {
				k = 2
			}
			if s != 0 && s != k {
				ok = false
			}
			s = k
		case *subqueryExpr:
			ok = false
		}
		return ok
	})
	if !ok || expr.Volatile(e) {
		return 0
	}
	return s
}

// newJoin joins an item to the plan so far with conditions over the
// joined row: a lookup join when the item is a table with an index on the
// join keys and the left input is much smaller (or may turn out to be:
// an adaptive join), else a hash join on the equality keys, else a nested
// loop.
func (pl *planner) newJoin(kind joinKind, left planNode, it *fromItem, conds []expr.Expr, leftEst float64) planNode {
	nl := len(left.cols())
	columns := append(append([]column(nil), left.cols()...), it.cols...)
	lk, rk, kt, rest := equiKeys(conds, nl)
	rightEst := it.est
	est := leftEst * rightEst
	if len(lk) > 0 {
		est = max(leftEst, rightEst)
	}
	var lookup *lookupJoinNode
	if it.scan != nil && it.scan.history == nil && (kind == joinInner || kind == joinLeft) && len(lk) > 0 {
		if lj := pl.lookupJoin(kind, left, it, lk, rk, rest, leftEst, columns, false); lj != nil {
			return lj
		}
		lookup = pl.lookupJoin(kind, left, it, lk, rk, rest, leftEst, columns, true)
	}
	j := &joinNode{kind: kind, left: left, right: it.node, leftKeys: lk, rightKeys: rk, keyTypes: kt,
		cond: andOf(rest), columns: columns, est: est}
	if kind == joinInner && len(lk) > 0 && leftEst < rightEst {
		j.buildLeft = true
	}
	// The estimate said hash join; the left input may still turn out
	// small (adaptivejoin.go).
	if limit := int(min(it.tableRows/30, maxAdaptiveRows)); lookup != nil && limit >= 1 {
		return &adaptiveJoinNode{lookup: lookup, hash: j, limit: limit}
	}
	return j
}
