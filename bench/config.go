package bench

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Config is one run: a workload against one server.
type Config struct {
	// URL is the server's connection string (URL or key=value form).
	URL string
	// Workload is one of Workloads().
	Workload string
	// Connections is the number of workers, each with its own connection.
	Connections int
	// Duration is the measured time, after the warm-up; with Count set it
	// is a cap (0: none).
	Duration time.Duration
	// Count, when > 0, ends the run after this many measured operations.
	Count int64
	// Warmup runs the workload unmeasured first.
	Warmup time.Duration
	// Rows is the table size of the read workloads and the number of hot
	// keys of update-hot; 0 takes the workload's default.
	Rows int64
	// Batch is the rows per transaction of insert-batch and copy; 0 takes
	// the workload's default.
	Batch int
	// Table is the table to use; default bench_<workload with _>.
	Table string
	// NoSetup keeps the table as it is instead of recreating and loading it.
	NoSetup bool
	// Simple sends each statement as text with its values written in
	// (the simple query protocol, as psql, psycopg2 and pgbench's default
	// do), not through a prepared statement.
	Simple bool
}

// tableName is a plain identifier: it is written into SQL unquoted.
var tableName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// maxConnections bounds --connections: PostgreSQL's default is 100 and
// stela's 200 sessions.
const maxConnections = 1000

// withDefaults checks c and fills in the workload's defaults.
func (c Config) withDefaults() (Config, *workload, error) {
	w, ok := workloads[c.Workload]
	if !ok {
		return c, nil, fmt.Errorf("bench: unknown workload %q (one of %s)", c.Workload, strings.Join(Workloads(), ", "))
	}
	switch {
	case c.URL == "":
		return c, nil, errors.New("bench: --url is required")
	case c.Connections < 1 || c.Connections > maxConnections:
		return c, nil, fmt.Errorf("bench: --connections must be between 1 and %d, got %d", maxConnections, c.Connections)
	case c.Count < 0:
		return c, nil, fmt.Errorf("bench: --count must not be negative, got %d", c.Count)
	case c.Count == 0 && c.Duration <= 0:
		return c, nil, errors.New("bench: give a --duration above 0 or a --count")
	case c.Warmup < 0:
		return c, nil, fmt.Errorf("bench: --warmup must not be negative, got %s", c.Warmup)
	case c.Rows < 0 || c.Batch < 0:
		return c, nil, errors.New("bench: --rows and --batch must not be negative")
	}
	if c.Rows == 0 {
		c.Rows = w.defaultRows
	}
	if c.Batch == 0 {
		c.Batch = w.defaultBatch
	}
	if c.Rows < w.minRows {
		return c, nil, fmt.Errorf("bench: workload %s needs --rows of at least %d, got %d", c.Workload, w.minRows, c.Rows)
	}
	if c.Table == "" {
		c.Table = "bench_" + strings.ReplaceAll(c.Workload, "-", "_")
	}
	if !tableName.MatchString(c.Table) {
		return c, nil, fmt.Errorf("bench: --table %q is not a plain lower-case identifier", c.Table)
	}
	return c, w, nil
}

// Workloads lists the workload names, sorted.
func Workloads() []string {
	names := make([]string, 0, len(workloads))
	for n := range workloads {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// StelaOnly reports whether the workload runs only on stela.
func StelaOnly(name string) bool { return workloads[name] != nil && workloads[name].stelaOnly }
