package sql

import (
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
}

func (n *joinNode) cols() []column { return n.columns }

// buildRow is a row of the hashed input, laid out as a joined row.
type buildRow struct {
	row     []types.Datum
	matched bool
}

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
	// The build side: hashed by key, or a list for a nested loop. A
	// single integer key (a join on ids, the usual one) is hashed by its
	// value in ints, sparing an encoded string per row on both sides.
	table  map[string][]*buildRow
	ints   map[int64][]*buildRow
	hashed bool
	list   []*buildRow
	held   int64
	probe  rowIter
	// The probe row being joined and its candidates.
	cur     []types.Datum
	cands   []*buildRow
	ci      int
	matched bool
	// After the probe side: unmatched build rows (RIGHT, FULL).
	tail  bool
	ti    int
	tailL []*buildRow
	buf   []byte
	k     int
}

// build reads the build side into memory, as joined-row layouts.
func (it *joinIter) build(in planNode) error {
	src, err := in.open(it.x)
	if err != nil {
		return err
	}
	defer src.close()
	n := it.n
	it.hashed = len(n.leftKeys) > 0
	switch {
	case n.intKeyed():
		it.ints = map[int64][]*buildRow{}
	case it.hashed:
		it.table = map[string][]*buildRow{}
	}
	for {
		row, err := src.next()
		if err != nil {
			return err
		}
		if row == nil {
			return nil
		}
		if it.k++; it.k&1023 == 0 {
			if err := it.x.checkCanceled(); err != nil {
				return err
			}
		}
		joined := make([]types.Datum, it.nl+it.nr)
		if n.buildLeft {
			copy(joined, row)
		} else {
			copy(joined[it.nl:], row)
		}
		br := &buildRow{row: joined}
		sz := rowSize(joined) + 16
		it.held += sz
		if err := it.x.mem.grow(sz); err != nil {
			return err
		}
		if !it.hashed {
			it.list = append(it.list, br)
			continue
		}
		keys := n.rightKeys
		if n.buildLeft {
			keys = n.leftKeys
		}
		// A NULL key matches nothing; an outer build side still emits
		// the row (tailL).
		it.tailL = append(it.tailL, br)
		if it.ints != nil {
			v, err := it.x.eval(keys[0], joined)
			if err != nil {
				return err
			}
			if v != nil {
				k, err := intKey(v)
				if err != nil {
					return err
				}
				it.ints[k] = append(it.ints[k], br)
			}
			continue
		}
		key, null, err := it.key(keys, joined)
		if err != nil {
			return err
		}
		if !null {
			it.table[key] = append(it.table[key], br)
		}
	}
}

// intKeyed reports whether the join has one key and it is encoded as
// an integer (int2, int4, int8, oid; equiKeys made both sides encode
// alike): its values are int64s to hash as they are.
func (n *joinNode) intKeyed() bool {
	return len(n.keyTypes) == 1 && keyenc.SameEncoding(n.keyTypes[0], types.Int8)
}

// intKey is an integer key's value.
func intKey(v types.Datum) (int64, error) {
	k, ok := v.(int64)
	if !ok {
		return 0, pgerror.Newf(pgcode.Internal, "join key %T is not an integer", v)
	}
	return k, nil
}

// candidates returns the build rows whose key is the probe row's.
func (it *joinIter) candidates(keys []expr.Expr, row []types.Datum) ([]*buildRow, error) {
	if it.ints != nil {
		v, err := it.x.eval(keys[0], row)
		if err != nil || v == nil {
			return nil, err
		}
		k, err := intKey(v)
		return it.ints[k], err
	}
	key, null, err := it.key(keys, row)
	if err != nil || null {
		return nil, err
	}
	return it.table[key], nil
}

// key evaluates key expressions over a row; null reports a NULL value.
func (it *joinIter) key(keys []expr.Expr, row []types.Datum) (string, bool, error) {
	it.buf = it.buf[:0]
	for i, e := range keys {
		v, err := it.x.eval(e, row)
		if err != nil {
			return "", false, err
		}
		if v == nil {
			return "", true, nil
		}
		if it.buf, err = keyenc.AppendKey(it.buf, it.n.keyTypes[i], v, keyenc.Asc, keyenc.NullsLast); err != nil {
			return "", false, err
		}
	}
	return string(it.buf), false, nil
}

func (it *joinIter) next() ([]types.Datum, error) {
	n := it.n
	for {
		if it.tail {
			return it.nextUnmatched()
		}
		if it.cur != nil && it.ci < len(it.cands) {
			br := it.cands[it.ci]
			it.ci++
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
				if !it.hashed {
					it.tailL = it.list
				}
				continue
			}
			return nil, nil
		}
		if it.k++; it.k&1023 == 0 {
			if err := it.x.checkCanceled(); err != nil {
				return nil, err
			}
		}
		it.cur, it.ci, it.matched = row, 0, false
		if !it.hashed {
			it.cands = it.list
			continue
		}
		probeKeys := n.leftKeys
		keyRow := row
		if n.buildLeft {
			probeKeys = n.rightKeys
			keyRow = make([]types.Datum, it.nl+it.nr)
			copy(keyRow[it.nl:], row)
		}
		if it.cands, err = it.candidates(probeKeys, keyRow); err != nil {
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

// combine lays the probe row into a copy of a build row.
func (it *joinIter) combine(br *buildRow) []types.Datum {
	joined := make([]types.Datum, it.nl+it.nr)
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
	joined := make([]types.Datum, it.nl+it.nr)
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
	for it.ti < len(it.tailL) {
		br := it.tailL[it.ti]
		it.ti++
		if !br.matched {
			return append([]types.Datum(nil), br.row...), nil
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
	it.table, it.ints, it.list, it.tailL = nil, nil, nil, nil
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
