package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/stela-db/stela/kv"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/stela-db/stela/internal/buildinfo"
	"github.com/stela-db/stela/pgwire"
	"github.com/stela-db/stela/server"
)

type startOptions struct {
	dataDir, listen, adminPassword string
	tlsCert, tlsKey, tlsClientCA   string
	requireTLS, allowCleartext     bool
	maxConns, maxMessage           int
	logLevel, logFormat            string
	pprofListen                    string
	metricsListen                  string
	metricsPprof                   bool
	signingKey                     string
	shutdownTimeout                time.Duration
	ops                            opsOptions
	http                           httpOptions
}

func newStartCommand() *cobra.Command {
	o := &startOptions{}
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Start the server (PostgreSQL protocol on 127.0.0.1:5432, data in ./data)",
		Long: `start serves the databases in the data directory over the PostgreSQL
protocol. At first start it creates the directory, the databases defaultdb
and postgres, and the superuser admin, whose password comes from
--admin-password (or STELA_ADMIN_PASSWORD) or is generated and printed once.

Every flag can also be set with the environment variable named after it,
or in a TOML config file (--config; default /etc/stela/stela.toml if it
exists) whose keys are the flag names: max-connections = 100 (or
max_connections), shutdown-timeout = "30s". A flag wins over its variable,
which wins over the file, which wins over the default. stela config print
shows the effective settings and where each comes from.`,
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, _ []string) error {
			// First: the process may be replaced (sysmon.go), and
			// what runs before would run, and warn, twice.
			keepSysmonAwake()
			_, err := loadSettings(cmd)
			return err
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return runStart(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.dataDir, "data", "./data", "data directory")
	f.StringVar(&o.listen, "listen", "127.0.0.1:5432", "address of the PostgreSQL protocol listener")
	f.StringVar(&o.adminPassword, "admin-password", "", "password of the admin user, set at first start only")
	f.StringVar(&o.tlsCert, "tls-cert", "", "PEM certificate for TLS")
	f.StringVar(&o.tlsKey, "tls-key", "", "PEM private key for TLS")
	f.StringVar(&o.tlsClientCA, "tls-client-ca", "", "PEM CA bundle to verify client certificates")
	f.BoolVar(&o.requireTLS, "require-tls", false, "refuse connections without TLS")
	f.BoolVar(&o.allowCleartext, "allow-cleartext-password", false, "accept cleartext passwords (only over TLS) instead of SCRAM-SHA-256")
	f.IntVar(&o.maxConns, "max-connections", pgwire.DefaultMaxConnections, "maximum concurrent sessions")
	f.IntVar(&o.maxMessage, "max-message-size", pgwire.DefaultMaxMessageSize, "largest protocol message accepted, in bytes")
	f.StringVar(&o.logLevel, "log-level", "info", "trace, debug, info, warn or error")
	f.StringVar(&o.logFormat, "log-format", "json", "json or console")
	f.StringVar(&o.pprofListen, "pprof-listen", "", "serve Go profiles (/debug/pprof/) on this address; off when empty")
	f.StringVar(&o.metricsListen, "metrics-listen", "127.0.0.1:9497", "address of the Prometheus metrics and health endpoints (/metrics, /healthz, /readyz, /version); off when empty")
	f.BoolVar(&o.metricsPprof, "pprof", false, "also serve Go profiles under /debug/pprof/ on the metrics address")
	f.StringVar(&o.signingKey, "signing-key", "", "PEM private key (Ed25519 or ECDSA P-256, see stela key generate) that signs every checkpoint")
	f.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 30*time.Second, "how long running statements may finish at shutdown")
	addOpsFlags(f, &o.ops)
	addHTTPFlags(f, &o.http)
	documentEnv(cmd)
	return cmd
}

func runStart(cmd *cobra.Command, o *startOptions) error {
	ops, err := openOps(cmd.ErrOrStderr(), &o.ops)
	if err != nil {
		return err
	}
	defer ops.close()
	log, err := newLogger(ops.logOut, o.logLevel, o.logFormat)
	if err != nil {
		return err
	}
	ops.watchSignals(log)
	procs := raiseProcs()
	gogc, memLimit := tuneGC()
	if err := ops.claimPidfile(log); err != nil {
		return err
	}
	if o.pprofListen != "" {
		stopPprof, err := startPprof(o.pprofListen, log)
		if err != nil {
			return fmt.Errorf("pprof: %w; choose another address with --pprof-listen", err)
		}
		defer stopPprof()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv, err := server.Start(ctx, server.Config{
		DataDir: o.dataDir, Listen: o.listen, AdminPassword: o.adminPassword,
		TLSCert: o.tlsCert, TLSKey: o.tlsKey, TLSClientCA: o.tlsClientCA,
		RequireTLS: o.requireTLS, AllowCleartext: o.allowCleartext,
		MaxConnections: o.maxConns, MaxMessageSize: o.maxMessage, Logger: log,
		KV: kv.Options{LogSegmentSize: kv.DefaultLogSegmentSize}, MetricsListen: o.metricsListen, MetricsPprof: o.metricsPprof,
		SigningKey: o.signingKey, HTTP: o.http.config(),
	})
	if errors.Is(err, server.ErrHTTPAddressInUse) {
		return fmt.Errorf("%s is already in use; choose another address with --http-listen (empty disables the HTTP API)", o.http.listen)
	}
	if errors.Is(err, server.ErrAddressInUse) {
		return fmt.Errorf("%s is already in use; choose another address with --listen", o.listen)
	}
	if errors.Is(err, server.ErrMetricsAddressInUse) {
		return fmt.Errorf("%s is already in use; choose another address with --metrics-listen, or turn metrics off with --metrics-listen ''", o.metricsListen)
	}
	if err != nil {
		return err
	}
	if err := ops.writePidfile(); err != nil {
		_ = srv.Shutdown(context.Background())
		return err
	}
	if srv.GeneratedPassword != "" {
		fmt.Fprintf(cmd.OutOrStdout(), "Created user admin with the generated password %s\nIt is shown this once and stored only as a SCRAM-SHA-256 verifier: keep it.\n", srv.GeneratedPassword)
	}
	log.Info().Str("version", buildinfo.Version).Str("commit", buildinfo.CommitOrVCS()).Str("go", buildinfo.GoVersion()).
		Str("data", o.dataDir).Int("procs", procs).Int("gogc", gogc).Int64("memory_limit", memLimit).Bool("malloc_tuned", mallocTuned()).Bool("sysmon_awake", sysmonAwake()).Str("listen", srv.Addr.String()).Strs("databases", srv.Engine.Databases()).
		Bool("tls", o.tlsCert != "").Str("metrics", addrString(srv.MetricsAddr)).Str("http", addrString(srv.HTTPAddr)).Msg("stela started")

	select {
	case <-ctx.Done():
	case err := <-srv.Done():
		if err != nil && !errors.Is(err, pgwire.ErrServerClosed) {
			log.Error().Err(err).Msg("listener failed")
			_ = srv.Shutdown(context.Background())
			return err
		}
	}
	stop()
	log.Info().Dur("timeout", o.shutdownTimeout).Msg("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), o.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Error().Err(err).Msg("shutdown")
		return err
	}
	log.Info().Msg("stopped")
	return nil
}

// addrString is addr's text, or "" for none (metrics off).
func addrString(addr net.Addr) string {
	if addr == nil {
		return ""
	}
	return addr.String()
}
