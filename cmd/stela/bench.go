package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/stela-db/stela/bench"
)

func newBenchCommand() *cobra.Command {
	var (
		cfg     bench.Config
		setup   bool
		noSetup bool
		jsonOut bool
		quiet   bool
	)
	cmd := &cobra.Command{
		Use:   "bench --url URL --workload W",
		Short: "Load a PostgreSQL-protocol server (stela or PostgreSQL) and report throughput and latency",
		Long: `bench runs a workload against any server that speaks the PostgreSQL
protocol, stela or PostgreSQL, with the same SQL on both, and reports
operations and rows per second and per-operation latency.

Workloads (table bench_<workload>, or --table; dropped and recreated
unless --no-setup):
  insert         single-row autocommit INSERT, one prepared statement per
                 connection, keys unique across connections
  insert-batch   transactions of --batch (100) rows: BEGIN, one INSERT per
                 row (a round trip each), COMMIT; an op is a transaction
  copy           COPY FROM STDIN of --batch (10,000) rows per op (one
                 transaction each): see rows/s
  point-select   SELECT by primary key, random keys, over --rows (100,000)
                 rows loaded by COPY
  range-scan     SELECT of 1,000 consecutive keys from a random start
  update-hot     autocommit UPDATE of one of --rows (10) keys: connections
                 collide; 40001 answers are retried and reported apart
                 from errors
  as-of-read     point read AS OF TX n, n random among the transactions
                 after the load (setup commits 1,000 updates to make
                 history): stela only
  verified-read  point read with its proof checked here by the Go client
                 package against a trusted state in a temporary directory:
                 stela only

With --simple, statements go by the simple query protocol, their values
written into the text by the client, as psql, psycopg2 and pgbench's
default send them; without it each worker prepares its statement once.
copy and verified-read are the same either way.

Measuring: each connection is a worker in a closed loop, sending its next
operation when the previous one has returned (no schedule, so no
coordinated omission to correct: the figures are what the server gave
the workers). Latency is per operation, from sending it to receiving its
last result. Operations of the --warmup are not counted. The run ends
after --duration, or --count operations (then --duration, if given, is a
cap), or at Ctrl-C, which still prints the summary.

Output: a progress line a second on stderr (rewritten in place on a
terminal; --quiet for none), then a summary on stdout, and last one
line for machines: "RESULT " and a JSON object with workload,
connections, duration_s, ops, rows, ops_per_s, rows_per_s, p50_ms,
p90_ms, p99_ms, p999_ms, max_ms (latency, ms), errors, errors_by_code
(by SQLSTATE), serialization_failures and retried_ops (update-hot),
server_version, stela and interrupted. With --json only the JSON object
is printed. The exit status is 1 if any operation failed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("setup") && setup && noSetup {
				return errors.New("--setup and --no-setup contradict each other")
			}
			cfg.NoSetup = noSetup || !setup
			if cfg.Count > 0 && !cmd.Flags().Changed("duration") {
				cfg.Duration = 0 // the count alone ends the run
			}
			ctx, stop := benchContext(cmd.Context())
			defer stop()
			var progress *bench.Progress
			if !quiet && !jsonOut {
				progress = &bench.Progress{W: cmd.ErrOrStderr()}
				if f, ok := cmd.ErrOrStderr().(*os.File); ok && term.IsTerminal(int(f.Fd())) {
					progress.TTY = true
				}
			}
			res, err := bench.Run(ctx, cfg, progress)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if jsonOut {
				line := &strings.Builder{}
				if err := res.WriteLine(line); err != nil {
					return err
				}
				fmt.Fprint(out, strings.TrimPrefix(line.String(), "RESULT "))
			} else {
				res.WriteSummary(out)
				if err := res.WriteLine(out); err != nil {
					return err
				}
			}
			if res.Errors > 0 {
				return &exitError{code: 1, err: fmt.Errorf("bench: %d operations failed", res.Errors)}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.URL, "url", "", "server connection URL, e.g. postgres://admin:PW@127.0.0.1:5432/defaultdb (required)")
	f.StringVar(&cfg.Workload, "workload", "", "workload: "+strings.Join(bench.Workloads(), ", ")+" (required)")
	f.IntVar(&cfg.Connections, "connections", 1, "connections, one worker each")
	f.DurationVar(&cfg.Duration, "duration", 30*time.Second, "measured time after the warm-up")
	f.Int64Var(&cfg.Count, "count", 0, "end after this many measured operations instead of a duration")
	f.DurationVar(&cfg.Warmup, "warmup", 5*time.Second, "unmeasured time first")
	f.Int64Var(&cfg.Rows, "rows", 0, "table size of the read workloads (default 100000), hot keys of update-hot (default 10)")
	f.IntVar(&cfg.Batch, "batch", 0, "rows per transaction of insert-batch (default 100) and copy (default 10000)")
	f.StringVar(&cfg.Table, "table", "", "table to use (default bench_<workload>)")
	f.BoolVar(&setup, "setup", true, "drop, recreate and load the table first")
	f.BoolVar(&noSetup, "no-setup", false, "use the table as it is (same as --setup=false)")
	f.BoolVar(&cfg.Simple, "simple", false, "send statements as text with the values written in (simple query protocol, as psql and psycopg2), not prepared")
	f.BoolVar(&jsonOut, "json", false, "print only the result's JSON object")
	f.BoolVar(&quiet, "quiet", false, "no progress lines")
	cmd.AddCommand(newBenchCompareCommand())
	return cmd
}

// benchContext is ctx canceled by Ctrl-C or SIGTERM.
func benchContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}
