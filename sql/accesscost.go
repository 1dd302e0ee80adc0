package sql

import "github.com/stela-db/stela/sql/expr"

// What reading a scan's rows costs, in units of one row read in
// primary-key order (a sequential read of the table). The constants
// were measured on a 1M-row table with ~60-byte rows (docs/BENCHMARKS.md,
// "Access paths by cost"): reading 250,000 rows by primary-key range took
// 105-125 ms, the same number of secondary index entries alone 65 ms,
// and those entries with their rows 555 ms; the whole table, with a
// filter, 430-570 ms.
const (
	// seekCost is opening one key range: positioning an iterator and
	// its first block, about what reading ten rows in order costs.
	seekCost = 10
	// indexEntryCost is reading one secondary index entry: a shorter
	// key and value than the row's.
	indexEntryCost = 0.5
	// rowFetchCost is reading the row a secondary index entry leads to:
	// a seek by primary key, out of the index's order.
	rowFetchCost = 4
	// topNRowCost is passing a row through a top-N sort (ORDER BY ...
	// LIMIT): a comparison with the heap's worst.
	topNRowCost = 0.5
	// minFullReadRows is the fewest rows a full read of a table is
	// costed at (cheapest).
	minFullReadRows = 100
)

// accessPath is one way to read a scan's rows: an index (0, the primary
// key, is the table itself), the key ranges that narrow it (nil: all of
// it) and the conjuncts those ranges enforce.
type accessPath struct {
	index     int
	bounds    *indexBounds
	boundConj []int
	// narrowConj are the conjuncts rows was estimated by: boundConj and
	// those that only imply a bound (colPred.implied), which stay in
	// the filter but must not count against its rows again.
	narrowConj []int
	// rows is the estimated number of index entries the bounds keep;
	// seeks, of key ranges they make.
	rows, seeks float64
	// vague marks bounds whose rows are a guess about a value not
	// known yet (boundedPath).
	vague bool
}

// cost estimates reading the path's rows; covered reports whether the
// query needs only the columns a secondary index's entries hold (nil:
// unknown, assume not).
func (p *accessPath) cost(covered func(index int) bool) float64 {
	return p.seeks*seekCost + p.rows*p.rowCost(covered)
}

// rowCost is the cost of one row read along the path.
func (p *accessPath) rowCost(covered func(index int) bool) float64 {
	if p.index == 0 {
		return 1
	}
	if covered != nil && covered(p.index) {
		return indexEntryCost
	}
	return indexEntryCost + rowFetchCost
}

// cheapest returns the scan's least costly path. A bounded path wins
// ties with the full read, and the full read counts at least
// minFullReadRows rows: a row count lags the rows a transaction has just
// written, and a narrow read also keeps a SERIALIZABLE transaction's
// read set narrow, so on a small table the index is read, as PostgreSQL
// does for a table of fewer than ten pages. Nor does a full read replace
// a vague path: a statement is planned once, before its parameters are
// known (PostgreSQL plans with their values at first), and the rows a
// query asks for by an indexed column's parameter are usually few.
// Among bounded paths the first of the least cost wins (the primary
// key's before the secondary indexes, in their order).
func (n *scanNode) cheapest(covered func(index int) bool) *accessPath {
	full := &n.paths[0]
	fullCost := full.seeks*seekCost + max(full.rows, minFullReadRows)
	var best *accessPath
	bestCost, vague := 0.0, false
	for i := 1; i < len(n.paths); i++ {
		p := &n.paths[i]
		vague = vague || p.vague
		if c := p.cost(covered); best == nil || c < bestCost {
			best, bestCost = p, c
		}
	}
	if best == nil || (fullCost < bestCost && !vague) {
		return full
	}
	return best
}

// usePath makes the scan read along p: the conjuncts p's bounds do not
// enforce become the scan's filter, and its estimate is p's rows that
// pass the filter.
func (n *scanNode) usePath(p *accessPath) {
	n.path = *p
	n.index, n.bounds = p.index, p.bounds
	n.listSubqueries()
	n.filter = n.restOf(p)
	n.est = max(max(p.rows, 1)*n.filterPasses(p), 1)
}

// restOf is the conjuncts p's bounds do not enforce.
func (n *scanNode) restOf(p *accessPath) expr.Expr { return andOf(without(n.conj, p.boundConj)) }

// pathCost is the cost of the path the scan takes, assuming it reads
// every row a secondary index finds.
func (n *scanNode) pathCost() float64 { return n.path.cost(nil) }

// filterPasses estimates the share of p's rows that pass the conjuncts
// its bounds do not enforce, beyond what p.rows already counts of them.
func (n *scanNode) filterPasses(p *accessPath) float64 {
	return selectivityWith(andOf(without(n.conj, p.narrowConj)), n.stats)
}
