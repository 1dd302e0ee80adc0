package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/stela-db/stela/bench"
)

func newBenchCompareCommand() *cobra.Command {
	var (
		cc   bench.CompareConfig
		plan string
	)
	cmd := &cobra.Command{
		Use:   "compare --a URL --b URL",
		Short: "Run workloads on two servers in turn (A B A B ...) and print a Markdown table of medians",
		Long: `compare runs every workload of --plan at each of its connection counts
on server A then server B, --rounds times in turn (A B A B ...), so that
both see the same drift of the machine, then prints a Markdown table:
every run's figure, the medians, the ratio of A's median to B's, median
p99 latency and errors. The figure is ops/s, tx/s for insert-batch and
rows/s for copy. Each run recreates its table. Stela-only workloads are
run on A alone when B is not stela.

A line per run goes to stderr as the runs finish; the table goes to
stdout. See "stela bench --help" for the workloads and how latency is
measured.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cc.A.URL == "" || cc.B.URL == "" {
				return fmt.Errorf("--a and --b are required")
			}
			var err error
			if cc.Plan, err = bench.ParsePlan(plan); err != nil {
				return err
			}
			ctx, stop := benchContext(cmd.Context())
			defer stop()
			started := time.Now()
			cells, err := bench.Compare(ctx, cc, cmd.ErrOrStderr())
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "\nround(s): %d of %s each (warm-up %s), interleaved %s / %s, %s:\n\n",
				cc.Rounds, cc.Duration, cc.Warmup, cc.A.Name, cc.B.Name, started.Format("2006-01-02"))
			bench.WriteMarkdown(out, cc.A.Name, cc.B.Name, cells)
			fmt.Fprintf(out, "\n```sh\n%s\n```\n", commandLine())
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&cc.A.URL, "a", "", "connection URL of server A (required)")
	f.StringVar(&cc.A.Name, "a-name", "stela", "name of server A in the table")
	f.StringVar(&cc.B.URL, "b", "", "connection URL of server B (required)")
	f.StringVar(&cc.B.Name, "b-name", "PostgreSQL", "name of server B in the table")
	f.StringVar(&plan, "plan", bench.DefaultPlan, "workloads and connection counts, as workload:c1,c2 separated by spaces")
	f.IntVar(&cc.Rounds, "rounds", 3, "runs of each workload on each server")
	f.DurationVar(&cc.Duration, "duration", 20*time.Second, "measured time of each run")
	f.DurationVar(&cc.Warmup, "warmup", 5*time.Second, "unmeasured time before each run")
	f.BoolVar(&cc.Simple, "simple", false, "send statements as text with the values written in (simple query protocol), not prepared")
	f.Int64Var(&cc.Rows, "rows", 0, "table size of the read workloads (default 100000; hot keys of update-hot, default 10)")
	return cmd
}

// commandLine is this process's command line with the URLs' passwords
// hidden, for the table's readers to rerun it.
func commandLine() string {
	args := make([]string, len(os.Args))
	for i, a := range os.Args {
		args[i] = shellQuote(hidePassword(a))
	}
	return strings.Join(args, " ")
}

// plainArg needs no quoting in a POSIX shell.
var plainArg = regexp.MustCompile(`^[A-Za-z0-9_./:=,@%+*-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if plainArg.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// keywordPassword is the password of a key=value connection string.
var keywordPassword = regexp.MustCompile(`password=\S+`)

// hidePassword replaces the password of a postgres:// URL or of a
// key=value connection string with "***".
func hidePassword(s string) string {
	s = keywordPassword.ReplaceAllString(s, "password=***")
	for _, scheme := range []string{"postgres://", "postgresql://"} {
		i := strings.Index(s, scheme)
		if i < 0 {
			continue
		}
		rest := s[i+len(scheme):]
		at := strings.Index(rest, "@")
		colon := strings.Index(rest, ":")
		if at > 0 && colon >= 0 && colon < at {
			return s[:i+len(scheme)] + rest[:colon+1] + "***" + rest[at:]
		}
	}
	return s
}
