package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/stela-db/stela/audit"
	"github.com/stela-db/stela/kv/checkpoint"
)

type auditOptions struct {
	url, server, stateDir, metricsListen string
	publicKey, webhook                   string
	databases                            []string
	interval                             time.Duration
	sample                               int
	once                                 bool
	logLevel, logFormat                  string
}

func newAuditCommand() *cobra.Command {
	o := &auditOptions{}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Watch a server: check its signed state, consistency and sampled rows at an interval",
		Long: `audit keeps the last trusted checkpoint of each database in --state-dir and,
every --interval, checks for each database that the server's current
checkpoint is signed by the pinned --public-key (or, without one, by the key
first seen), that it extends the trusted one (consistency proof), and that
--sample random rows verify against it; then it trusts the new checkpoint.

Results are exported on --metrics-listen (/metrics) as stela_audit_result
{server,database}: 1 ok, 0 tampered, -1 not yet checked, -2 error; each check
is logged (JSON), and a failed one POSTed to --webhook. --once runs one round
and exits: 0 all ok, 1 tampering found, 2 a check could not run.

Every flag can also be set with the environment variable named after it.`,
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, _ []string) error {
			return bindEnv(cmd)
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return runAudit(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.url, "url", "", "server connection URL; its database is replaced by each of --databases (default: the PG* environment variables)")
	f.StringVar(&o.server, "server", "", "the server's name in metrics, logs and trusted states (default the URL's host:port); keep it fixed")
	f.StringSliceVar(&o.databases, "databases", []string{"defaultdb"}, "databases to check, comma-separated")
	f.DurationVar(&o.interval, "interval", 5*time.Minute, "time between rounds")
	f.StringVar(&o.stateDir, "state-dir", defaultAuditStateDir(), "directory of the trusted checkpoints (made with mode 0700)")
	f.StringVar(&o.metricsListen, "metrics-listen", "127.0.0.1:9477", "serve Prometheus metrics (/metrics) on this address; off when empty")
	f.StringVar(&o.publicKey, "public-key", "", "PEM public key every checkpoint must be signed with (stela key generate writes PREFIX.pub)")
	f.StringVar(&o.webhook, "webhook", "", "URL to POST a JSON report to for every check that is not ok")
	f.IntVar(&o.sample, "sample", audit.DefaultSample, "rows verified per database and round (0: none)")
	f.BoolVar(&o.once, "once", false, "run one round and exit (1: tampered, 2: error)")
	f.StringVar(&o.logLevel, "log-level", "info", "trace, debug, info, warn or error")
	f.StringVar(&o.logFormat, "log-format", "json", "json or console")
	documentEnv(cmd)
	return cmd
}

// defaultAuditStateDir is $XDG_CONFIG_HOME/stela/audit or its platform
// equivalent.
func defaultAuditStateDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "stela-audit"
	}
	return filepath.Join(dir, "stela", "audit")
}

func runAudit(cmd *cobra.Command, o *auditOptions) error {
	log, err := newLogger(cmd.ErrOrStderr(), o.logLevel, o.logFormat)
	if err != nil {
		return err
	}
	if o.interval <= 0 {
		return errors.New("--interval must be positive, such as 5m")
	}
	sample := o.sample
	if sample == 0 {
		sample = -1 // audit.Config: 0 means the default
	}
	cfg := audit.Config{URL: o.url, Server: o.server, Databases: o.databases, StateDir: o.stateDir,
		Sample: sample, Webhook: o.webhook, Logger: log}
	if o.publicKey != "" {
		b, err := os.ReadFile(o.publicKey)
		if err != nil {
			return fmt.Errorf("--public-key: %w", err)
		}
		// The name is a placeholder: the auditor names the key after
		// each database's origin.
		v, err := checkpoint.ParseVerifierPEM("stela.local/key", b)
		if err != nil {
			return fmt.Errorf("--public-key %s: %w", o.publicKey, err)
		}
		cfg.PublicKey = v.PublicKey()
	}
	a, err := audit.New(cfg)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if o.once {
		return auditOnce(cmd, a.Round(ctx))
	}
	if o.metricsListen != "" {
		ln, err := net.Listen("tcp", o.metricsListen)
		if err != nil {
			return fmt.Errorf("metrics: %w; choose another address with --metrics-listen", err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", a.Handler())
		hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = hs.Serve(ln) }()
		defer hs.Close()
		log.Info().Str("listen", ln.Addr().String()).Msg("metrics listening")
	}
	log.Info().Str("server", cfg.Server).Strs("databases", o.databases).Dur("interval", o.interval).
		Bool("pinned_key", cfg.PublicKey != nil).Str("state_dir", o.stateDir).Msg("audit started")
	a.Run(ctx, o.interval)
	log.Info().Msg("audit stopped")
	return nil
}

// auditOnce prints one line per check and maps the round to an exit code.
func auditOnce(cmd *cobra.Command, checks []audit.Check) error {
	out := cmd.OutOrStdout()
	var failed []string
	for _, c := range checks {
		switch c.Result {
		case audit.ResultOK:
			fmt.Fprintf(out, "%s: ok at tx %d (trusted before: %d), %d rows verified\n", c.Database, c.Tx, c.PreviousTx, c.Rows)
		default:
			fmt.Fprintf(out, "%s: %s: %v\n", c.Database, c.Result, c.Err)
			failed = append(failed, c.Database+" "+c.Result.String())
		}
	}
	switch audit.Worst(checks) {
	case audit.ResultOK:
		return nil
	case audit.ResultTampered:
		return &exitError{code: exitVerifyFailed, err: fmt.Errorf("audit failed (%s); the trusted state was kept", strings.Join(failed, ", "))}
	default:
		return &exitError{code: exitVerifyError, err: fmt.Errorf("audit could not run (%s); see the log", strings.Join(failed, ", "))}
	}
}
