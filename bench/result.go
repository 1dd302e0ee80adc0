package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"
)

// Result is what a run measured; its JSON form is the RESULT line (see
// the package doc for the fields).
type Result struct {
	Workload              string            `json:"workload"`
	Connections           int               `json:"connections"`
	DurationS             float64           `json:"duration_s"`
	Ops                   int64             `json:"ops"`
	Rows                  int64             `json:"rows"`
	OpsPerS               float64           `json:"ops_per_s"`
	RowsPerS              float64           `json:"rows_per_s"`
	P50Ms                 float64           `json:"p50_ms"`
	P90Ms                 float64           `json:"p90_ms"`
	P99Ms                 float64           `json:"p99_ms"`
	P999Ms                float64           `json:"p999_ms"`
	MaxMs                 float64           `json:"max_ms"`
	Errors                int64             `json:"errors"`
	ErrorsByCode          map[string]int64  `json:"errors_by_code,omitempty"`
	ErrorSamples          map[string]string `json:"error_samples,omitempty"`
	SerializationFailures int64             `json:"serialization_failures"`
	RetriedOps            int64             `json:"retried_ops"`
	ServerVersion         string            `json:"server_version"`
	Stela                 bool              `json:"stela"`
	Simple                bool              `json:"simple,omitempty"`
	Interrupted           bool              `json:"interrupted,omitempty"`
}

// resultPrefix starts the machine-readable line.
const resultPrefix = "RESULT "

func (r *run) result(s *stats, elapsed time.Duration, interrupted bool) Result {
	res := Result{
		Workload: r.cfg.Workload, Connections: r.cfg.Connections,
		DurationS: elapsed.Seconds(), Ops: s.ops, Rows: s.rows,
		Errors: s.errors, SerializationFailures: s.serializationFailures, RetriedOps: s.retriedOps,
		Interrupted: interrupted, Simple: r.cfg.Simple,
	}
	if len(s.errorsByCode) > 0 {
		res.ErrorsByCode, res.ErrorSamples = s.errorsByCode, s.errorSamples
	}
	if sec := elapsed.Seconds(); sec > 0 {
		res.OpsPerS, res.RowsPerS = float64(s.ops)/sec, float64(s.rows)/sec
	}
	if s.ops > 0 {
		ms := func(q float64) float64 { return float64(s.hist.ValueAtQuantile(q)) / 1000 }
		res.P50Ms, res.P90Ms, res.P99Ms, res.P999Ms = ms(50), ms(90), ms(99), ms(99.9)
		res.MaxMs = float64(s.maxLatency) / float64(time.Millisecond)
	}
	return res
}

// WriteLine writes the RESULT line.
func (res Result) WriteLine(w io.Writer) error {
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s%s\n", resultPrefix, b)
	return err
}

// ParseLine reads a RESULT line back (for compare and tests).
func ParseLine(line string) (Result, error) {
	var res Result
	if len(line) < len(resultPrefix) || line[:len(resultPrefix)] != resultPrefix {
		return res, fmt.Errorf("bench: not a RESULT line: %.40q", line)
	}
	err := json.Unmarshal([]byte(line[len(resultPrefix):]), &res)
	return res, err
}

// WriteSummary writes the human summary.
func (res Result) WriteSummary(w io.Writer) {
	fmt.Fprintf(w, "workload     %s, %d connections, on %s\n", res.Workload, res.Connections, res.ServerVersion)
	if res.Interrupted {
		fmt.Fprintf(w, "             interrupted\n")
	}
	fmt.Fprintf(w, "measured     %.2f s (warm-up excluded)\n", res.DurationS)
	fmt.Fprintf(w, "ops          %s  (%s/s)\n", group(res.Ops), group(int64(res.OpsPerS)))
	fmt.Fprintf(w, "rows         %s  (%s/s)\n", group(res.Rows), group(int64(res.RowsPerS)))
	fmt.Fprintf(w, "latency ms   p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
		res.P50Ms, res.P90Ms, res.P99Ms, res.P999Ms, res.MaxMs)
	if res.SerializationFailures > 0 || res.Workload == "update-hot" {
		fmt.Fprintf(w, "retries      %d serialization failures (40001) retried, %d ops needed a retry\n",
			res.SerializationFailures, res.RetriedOps)
	}
	fmt.Fprintf(w, "errors       %d", res.Errors)
	codes := make([]string, 0, len(res.ErrorsByCode))
	for c := range res.ErrorsByCode {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	fmt.Fprintln(w)
	for _, c := range codes {
		fmt.Fprintf(w, "  %s: %d, first: %s\n", c, res.ErrorsByCode[c], res.ErrorSamples[c])
	}
}
