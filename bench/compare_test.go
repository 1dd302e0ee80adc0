package bench

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

func TestParsePlan(t *testing.T) {
	plan, err := ParsePlan(DefaultPlan)
	if err != nil || len(plan) != 6 || plan[0].Workload != "insert" || len(plan[0].Connections) != 3 || plan[0].Connections[2] != 64 {
		t.Fatalf("default plan: %+v %v", plan, err)
	}
	for _, bad := range []string{"", "insert", "nope:1", "insert:0", "insert:1,x"} {
		if _, err := ParsePlan(bad); err == nil {
			t.Errorf("ParsePlan(%q) accepted", bad)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestWriteMarkdown(t *testing.T) {
	cells := []Cell{
		{Workload: "insert", Connections: 8,
			A: []Result{{OpsPerS: 100, P99Ms: 1}, {OpsPerS: 300, P99Ms: 3}, {OpsPerS: 200, P99Ms: 2}},
			B: []Result{{OpsPerS: 400, P99Ms: 1}, {OpsPerS: 400, P99Ms: 1}, {OpsPerS: 100, P99Ms: 1, Errors: 2}}},
		{Workload: "copy", Connections: 1, A: []Result{{OpsPerS: 1, RowsPerS: 10000}}, B: []Result{{OpsPerS: 1, RowsPerS: 5000}}},
		{Workload: "as-of-read", Connections: 1, A: []Result{{OpsPerS: 10}}, BSkipped: true},
	}
	var b bytes.Buffer
	WriteMarkdown(&b, "stela", "PostgreSQL", cells)
	out := b.String()
	for _, want := range []string{
		"| insert | 8 | ops/s | 100 / 300 / 200 → **200** | 400 / 400 / 100 → **400** | 0.50x | 2.00 / 1.00 | 0 / 2 |",
		"| copy | 1 | rows/s | 10,000 → **10,000** | 5,000 → **5,000** | 2.00x |",
		"| as-of-read | 1 | ops/s | 10 → **10** | — (needs stela) | — |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// TestCompareTakesTurns compares a server with itself: every cell has a
// run per round on each side.
func TestCompareTakesTurns(t *testing.T) {
	url := startStela(t)
	plan, _ := ParsePlan("insert:1,2 as-of-read:1")
	cc := CompareConfig{A: Target{"a", url}, B: Target{"b", url}, Plan: plan, Rounds: 2,
		Duration: 150 * time.Millisecond, Rows: 500}
	var log bytes.Buffer
	cells, err := Compare(context.Background(), cc, &log)
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 3 {
		t.Fatalf("%d cells", len(cells))
	}
	for _, c := range cells {
		if len(c.A) != 2 || len(c.B) != 2 || c.BSkipped {
			t.Errorf("%s/%d: %d and %d runs", c.Workload, c.Connections, len(c.A), len(c.B))
		}
		for _, r := range append(c.A, c.B...) {
			if r.Ops == 0 || r.Errors != 0 {
				t.Errorf("%s/%d: %+v", c.Workload, c.Connections, r)
			}
		}
	}
	if n := strings.Count(log.String(), "round "); n != 12 {
		t.Errorf("%d run lines:\n%s", n, log.String())
	}
	WriteMarkdown(io.Discard, "a", "b", cells)
}
