package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Target is one server of a comparison.
type Target struct{ Name, URL string }

// PlanItem is a workload and the connection counts to run it with.
type PlanItem struct {
	Workload    string
	Connections []int
}

// DefaultPlan is what `stela bench compare` runs unless told otherwise:
// the workloads both servers run, at the connection counts that show
// single-session latency and contention.
const DefaultPlan = "insert:1,8,64 insert-batch:1,8 copy:1 point-select:1,8 range-scan:1 update-hot:8"

// ParsePlan reads "workload:c1,c2 workload:c3 ...".
func ParsePlan(s string) ([]PlanItem, error) {
	var plan []PlanItem
	for _, f := range strings.Fields(s) {
		name, list, ok := strings.Cut(f, ":")
		if !ok || workloads[name] == nil {
			return nil, fmt.Errorf("bench: plan item %q is not workload:connections,... with a known workload", f)
		}
		item := PlanItem{Workload: name}
		for _, c := range strings.Split(list, ",") {
			n, err := strconv.Atoi(c)
			if err != nil || n < 1 || n > maxConnections {
				return nil, fmt.Errorf("bench: plan item %q: bad connection count %q", f, c)
			}
			item.Connections = append(item.Connections, n)
		}
		plan = append(plan, item)
	}
	if len(plan) == 0 {
		return nil, errors.New("bench: empty plan")
	}
	return plan, nil
}

// CompareConfig is a comparison of two servers: every plan item, Rounds
// times, taking turns (A B A B ...), so that a drift of the machine (disk
// cache, thermal, a neighbour) touches both alike.
type CompareConfig struct {
	A, B     Target
	Plan     []PlanItem
	Rounds   int
	Duration time.Duration
	Warmup   time.Duration
	Rows     int64
	// Simple runs the workloads' statements by the simple query
	// protocol (Config.Simple).
	Simple bool
}

// Cell is one workload at one connection count: the runs on A and B.
type Cell struct {
	Workload    string
	Connections int
	A, B        []Result
	// BSkipped: B is not stela and the workload needs stela.
	BSkipped bool
}

// Compare runs the comparison, writing a line per run to log.
func Compare(ctx context.Context, cc CompareConfig, log io.Writer) ([]Cell, error) {
	if cc.Rounds < 1 {
		return nil, fmt.Errorf("bench: --rounds must be at least 1, got %d", cc.Rounds)
	}
	var cells []Cell
	for _, item := range cc.Plan {
		for _, conns := range item.Connections {
			cell := Cell{Workload: item.Workload, Connections: conns}
			for round := 1; round <= cc.Rounds; round++ {
				for i, t := range []Target{cc.A, cc.B} {
					isB := i == 1
					if isB && cell.BSkipped {
						continue
					}
					cfg := Config{URL: t.URL, Workload: item.Workload, Connections: conns,
						Duration: cc.Duration, Warmup: cc.Warmup, Rows: cc.Rows, Simple: cc.Simple}
					res, err := Run(ctx, cfg, nil)
					if isB && errors.Is(err, errNeedsStela) {
						cell.BSkipped = true
						fmt.Fprintf(log, "%s: skipped on %s (needs stela)\n", item.Workload, t.Name)
						continue
					}
					if err != nil {
						return cells, fmt.Errorf("%s, %d connections, on %s: %w", item.Workload, conns, t.Name, err)
					}
					if ctx.Err() != nil {
						return cells, ctx.Err()
					}
					fmt.Fprintf(log, "round %d/%d %-13s %3d conns %-10s %12s ops/s %12s rows/s  p99 %8.3f ms  errors %d\n",
						round, cc.Rounds, item.Workload, conns, t.Name, group(int64(res.OpsPerS)), group(int64(res.RowsPerS)), res.P99Ms, res.Errors)
					if !isB {
						cell.A = append(cell.A, res)
					} else {
						cell.B = append(cell.B, res)
					}
				}
			}
			cells = append(cells, cell)
		}
	}
	return cells, nil
}

// rateOf is the figure a workload is judged by: rows/s for copy (its ops
// are batches), operations (statements or transactions) per second
// otherwise.
func rateOf(workload string) (unit string, get func(Result) float64) {
	if workload == "copy" {
		return "rows/s", func(r Result) float64 { return r.RowsPerS }
	}
	if workload == "insert-batch" {
		return "tx/s", func(r Result) float64 { return r.OpsPerS }
	}
	return "ops/s", func(r Result) float64 { return r.OpsPerS }
}

// median of the values (0 for none); the mean of the middle two for an
// even count.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// WriteMarkdown writes the comparison as a Markdown table: every run, the
// medians, and the ratio of A's median to B's.
func WriteMarkdown(w io.Writer, a, b string, cells []Cell) {
	fmt.Fprintf(w, "| workload | connections | unit | %s (runs) | %s (runs) | ratio %s/%s | p99 ms %s / %s | errors |\n", a, b, a, b, a, b)
	fmt.Fprintln(w, "|---|---:|---|---|---|---:|---:|---:|")
	for _, c := range cells {
		unit, get := rateOf(c.Workload)
		runs := func(rs []Result) (string, float64, float64, int64) {
			if len(rs) == 0 {
				return "—", 0, 0, 0
			}
			var vals, p99 []float64
			var errs int64
			parts := make([]string, len(rs))
			for i, r := range rs {
				vals = append(vals, get(r))
				p99 = append(p99, r.P99Ms)
				parts[i] = group(int64(get(r)))
				errs += r.Errors
			}
			m := median(vals)
			return strings.Join(parts, " / ") + " → **" + group(int64(m)) + "**", m, median(p99), errs
		}
		aRuns, aMed, aP99, aErr := runs(c.A)
		bRuns, bMed, bP99, bErr := runs(c.B)
		if c.BSkipped {
			bRuns = "— (needs stela)"
		}
		ratio, bp99 := "—", "—"
		if bMed > 0 {
			ratio = fmt.Sprintf("%.2fx", aMed/bMed)
		}
		if len(c.B) > 0 {
			bp99 = fmt.Sprintf("%.2f", bP99)
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %.2f / %s | %d / %d |\n",
			c.Workload, c.Connections, unit, aRuns, bRuns, ratio, aP99, bp99, aErr, bErr)
	}
}
