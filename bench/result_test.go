package bench

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestResultLine(t *testing.T) {
	res := Result{Workload: "insert", Connections: 8, DurationS: 2, Ops: 10, Rows: 10, OpsPerS: 5, RowsPerS: 5,
		P50Ms: 1, P90Ms: 2, P99Ms: 3, P999Ms: 4, MaxMs: 5, Errors: 1, ErrorsByCode: map[string]int64{"23505": 1},
		ServerVersion: "PostgreSQL 15", Stela: false}
	var b bytes.Buffer
	if err := res.WriteLine(&b); err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSuffix(b.String(), "\n")
	if !strings.HasPrefix(line, "RESULT {") || strings.Contains(line, "\n") {
		t.Fatalf("line %q", line)
	}
	// The documented fields, by name.
	var m map[string]any
	if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "RESULT ")), &m); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"workload", "connections", "duration_s", "ops", "rows", "ops_per_s", "rows_per_s",
		"p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms", "errors", "errors_by_code", "serialization_failures",
		"retried_ops", "server_version", "stela"} {
		if _, ok := m[f]; !ok {
			t.Errorf("field %s missing from %s", f, line)
		}
	}
	back, err := ParseLine(line)
	if err != nil || back.P999Ms != 4 || back.ErrorsByCode["23505"] != 1 {
		t.Errorf("parsed back %+v, %v", back, err)
	}
	if _, err := ParseLine("RESUL {}"); err == nil {
		t.Error("ParseLine took a line without the prefix")
	}
}

func TestGroup(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -12345: "-12,345"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
}
