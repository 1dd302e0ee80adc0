package sql

import (
	"math"
	"runtime"
	"strconv"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// Parallel scans. A large read of a table's rows whose order no one
// relies on is split into key ranges that several goroutines read and
// decode at once (scan_parallel.go); the statement's own goroutine
// does the rest of the plan. The workers filter their rows themselves
// when the filter is one they may evaluate (workerSafe), else the
// statement's goroutine filters them. Reading, decoding and filtering
// are most of a full read's time, so on two CPUs an aggregate over a
// whole table takes a little over half as long.
//
// Which scans. planParallel marks, after narrowing, the scans under an
// aggregation (through filters, projections and joins) whose result
// does not depend on the order it sees rows in: its aggregates do not
// (count, sum, min ...; array_agg and string_agg do), nor does anything
// between it and the scan call a volatile function (nextval, random),
// and a grouped aggregation's own output, whose groups come in the
// order first seen, feeds another such aggregation. A scan the plan
// reads in index order (ordered), under a LIMIT, a sort, a DISTINCT, a
// window or a set operation, or feeding rows to the client keeps its
// order; a read of fewer than stela.parallel_scan_min_rows rows is not
// worth the goroutines. The number of workers is
// max_parallel_workers_per_gather, as in PostgreSQL (where the leader
// reads too, as the statement's goroutine does here), at most one less
// than the CPUs the process may use; 0 turns parallel scans off.

// defaultParallelMinRows is stela.parallel_scan_min_rows: the fewest
// rows a scan reads to run in parallel. Below it, starting the workers
// and the iterators of the key ranges costs more than the second CPU
// saves, and small tables keep the order their rows come in (PostgreSQL's
// threshold is a table of 8 MB, min_parallel_table_scan_size).
const defaultParallelMinRows = "100000"

// maxParallelWorkers bounds max_parallel_workers_per_gather.
const maxParallelWorkers = 1024

func init() {
	register(&setting{name: "max_parallel_workers_per_gather", def: constant("2"),
		check: intRange(0, maxParallelWorkers),
		desc:  "Sets the maximum number of parallel processes per executor node."})
	register(&setting{name: "stela.parallel_scan_min_rows", def: constant(defaultParallelMinRows),
		check: intRange(0, math.MaxInt32),
		desc:  "Sets the fewest rows a scan reads for it to run in parallel."})
}

// parallelism is what planParallel plans with: workers per scan (0:
// none) and the fewest rows a parallel scan reads.
type parallelism struct {
	workers int
	minRows float64
}

// parallelism returns the session's: as workers, how many goroutines a
// parallel scan starts besides the statement's own, which reads too
// (the setting, at most one less than the CPUs the process may use).
// It reads the settings once per statement: every query level asks.
func (pl *planner) parallelism() parallelism {
	if pl.par == nil {
		pl.par = &parallelism{}
		v, _ := pl.s.Setting("max_parallel_workers_per_gather")
		n, err := strconv.Atoi(v)
		if err != nil {
			return *pl.par
		}
		v, _ = pl.s.Setting("stela.parallel_scan_min_rows")
		rows, err := strconv.Atoi(v)
		if err != nil {
			return *pl.par
		}
		// GOMAXPROCS, not NumCPU: by default it is the CPUs the process
		// may use, a container's CPU quota included.
		*pl.par = parallelism{workers: max(min(n, runtime.GOMAXPROCS(0)-1), 0), minRows: float64(rows)}
	}
	return *pl.par
}

// orderFreeAggs are the aggregates whose result does not depend on the
// order of their input rows (up to rounding, for floating-point sums, as
// in PostgreSQL's parallel aggregation). array_agg, string_agg and the
// json aggregates are not among them: without an ORDER BY of their own,
// their result follows the input's order, which users rely on even
// though SQL does not promise it.
var orderFreeAggs = map[string]bool{
	"count": true, "sum": true, "avg": true, "min": true, "max": true,
	"bool_and": true, "bool_or": true, "every": true,
	"bit_and": true, "bit_or": true, "bit_xor": true,
	"stddev": true, "stddev_samp": true, "stddev_pop": true,
	"variance": true, "var_samp": true, "var_pop": true,
	"corr": true, "covar_pop": true, "covar_samp": true, "regr_count": true,
	"regr_avgx": true, "regr_avgy": true, "regr_sxx": true, "regr_syy": true, "regr_sxy": true,
	"regr_slope": true, "regr_intercept": true, "regr_r2": true,
}

// planParallel marks the scans under root that run in parallel (see
// above); it clears the mark of every other scan it reaches, as a query
// planned into an enclosing one is walked again.
func planParallel(root planNode, par parallelism) {
	markParallel(root, false, par)
}

// markParallel walks n; free says that no one above relies on the order
// of n's rows.
func markParallel(n planNode, free bool, par parallelism) {
	switch v := n.(type) {
	case *scanNode:
		v.workers, v.workersFilter = 0, false
		if free && par.workers > 0 && !anyVolatile(v.filter) && v.parallelizable(par.minRows) {
			v.workers = par.workers
			v.workersFilter = v.fullFilter != nil && workerSafe(v.fullFilter)
		}
	case *filterNode:
		markParallel(v.input, free && !anyVolatile(v.pred), par)
	case *projectNode:
		markParallel(v.input, free && !anyVolatile(v.exprs...), par)
	case *renameNode:
		markParallel(v.input, free, par)
	case *withDMLNode:
		markParallel(v.input, free, par)
	case *aggNode:
		// Groups come out in the order they were first seen: a grouped
		// aggregation's own order must not matter either.
		markParallel(v.input, v.orderFree() && (free || len(v.groups) == 0), par)
	case *joinNode:
		free = free && !anyVolatile(v.cond)
		markParallel(v.left, free, par)
		markParallel(v.right, free, par)
	case *lookupJoinNode:
		markParallel(v.left, free && !anyVolatile(v.cond), par)
		markParallel(v.right, false, par)
	case *adaptiveJoinNode:
		// The rows it holds to choose a plan, and the plans, in any order.
		free = free && !anyVolatile(v.hash.cond, v.lookup.cond)
		markParallel(v.hash.left, free, par)
		markParallel(v.hash.right, free, par)
		markParallel(v.lookup.right, false, par)
	case *limitNode:
		markParallel(v.input, false, par)
	case *lockRowsNode:
		markParallel(v.input, free, par)
	case *sortNode:
		markParallel(v.input, false, par)
	case *distinctNode:
		markParallel(v.input, false, par)
	case *windowNode:
		markParallel(v.input, false, par)
	case *setOpNode:
		markParallel(v.left, false, par)
		markParallel(v.right, false, par)
	}
}

// anyVolatile reports whether one of exprs calls a volatile function
// (nextval, random ...): its results would follow the order rows are
// read in, as PostgreSQL keeps such plans serial.
func anyVolatile(exprs ...expr.Expr) bool {
	for _, e := range exprs {
		if e != nil && expr.Volatile(e) {
			return true
		}
	}
	return false
}

// workerSafe reports whether a parallel scan's workers may evaluate e.
// The expressions a worker evaluates are the plan's, shared with the
// statement's goroutine and the other workers: workerSafe admits only
// nodes that keep no state while they evaluate and read nothing of the
// statement but the row, the parameters and the times now() reports
// (each worker has its own expr.Context), and functions neither
// volatile nor restricted (expr.Func.Restricted: they read the session
// or the catalog). A scalar array operation keeps the element in its
// node while it evaluates, a subquery runs a plan, a sequence function
// writes: those filters run on the statement's goroutine.
func workerSafe(e expr.Expr) bool {
	return expr.Walk(e, func(x expr.Expr) bool {
		switch v := x.(type) {
		case *expr.ColRef, *expr.Const, *expr.Param, *expr.And, *expr.Or, *expr.Not,
			*expr.IsNull, *expr.BoolTest, *expr.Case, *expr.Coalesce, *expr.NullIf,
			*expr.Distinct, *expr.MinMax, *expr.FieldSelect, *expr.Subscript,
			*expr.RowBuild, *expr.ArrayExpr, *expr.RowCompare:
			return true
		case *expr.Cast:
			return v.T.Family != types.RegFamily // a reg* value's name is the catalog's
		case *expr.Func:
			return !v.Volatile && !v.Restricted
		}
		return false
	})
}

// orderFree reports whether n's result is the same for its input rows
// in any order: its aggregates are, and no expression it evaluates is
// volatile.
func (n *aggNode) orderFree() bool {
	if anyVolatile(n.groups...) {
		return false
	}
	for _, a := range n.aggs {
		if !orderFreeAggs[a.agg.Name] || anyVolatile(a.filter) || anyVolatile(a.args...) {
			return false
		}
	}
	return true
}

// parallelizable reports whether the scan may be split into key ranges
// read at once: a read of at least minRows of the table's rows (its
// primary key), in no order the plan relies on, not of its history.
func (n *scanNode) parallelizable(minRows float64) bool {
	if n.index != 0 || n.indexOnly || n.ordered || n.reverse || n.history != nil {
		return false
	}
	if n.bounds != nil && !n.bounds.singleValued() {
		return false // IN lists: several ranges, read one after the other
	}
	rows := n.tableRows
	if n.bounds != nil {
		rows = n.path.rows
	}
	return rows >= minRows
}
