// Package server assembles a stela server: the SQL engine over its data
// directory and the PostgreSQL protocol listener, with start-up (first
// admin, TLS) and graceful shutdown. cmd/stela and end-to-end tests use it.
package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/httpapi"
	"github.com/stela-db/stela/internal/loginlimit"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/pgwire"
	"github.com/stela-db/stela/sql"
)

// Config configures a server.
type Config struct {
	DataDir string
	Listen  string
	// AdminPassword sets the admin's password at first start; empty:
	// generate one (Server.GeneratedPassword).
	AdminPassword  string
	TLSCert        string
	TLSKey         string
	TLSClientCA    string
	RequireTLS     bool
	AllowCleartext bool
	MaxConnections int
	MaxMessageSize int
	Logger         zerolog.Logger
	// KV is the template of the stores' options.
	KV kv.Options
	// MetricsListen is the address of the metrics and health endpoints
	// (ops.go); empty: none. MetricsPprof adds Go's profiles to them.
	MetricsListen string
	MetricsPprof  bool
	// SigningKey is a PEM private key file (Ed25519 or ECDSA P-256) that
	// signs every checkpoint of every store; empty: unsigned (signing.go).
	SigningKey string
	// HTTP configures the HTTP API (httpapi); an empty Listen disables it.
	// Its TLS, session limit and login slowdown are set from the above.
	HTTP httpapi.Config
}

// Server is a running stela server.
type Server struct {
	Engine *sql.Engine
	PG     *pgwire.Server
	// Addr is the address the PostgreSQL listener is bound to.
	Addr net.Addr
	// GeneratedPassword is the admin password generated at first start
	// (empty otherwise): shown once, never stored.
	GeneratedPassword string
	// MetricsAddr is the address of the metrics and health endpoints (nil
	// without Config.MetricsListen).
	MetricsAddr net.Addr
	// HTTP is the HTTP API and HTTPAddr its address (nil when disabled).
	HTTP     *httpapi.Server
	HTTPAddr net.Addr

	serveErr chan error
	ops      *opsServer // nil without Config.MetricsListen (ops.go)
}

// ErrAddressInUse is returned when the listen address is taken.
var ErrAddressInUse = errors.New("address already in use")

// Start listens, opens the data directory and serves in the background.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	tlsConfig, err := loadTLS(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.SigningKey != "" && cfg.KV.Signer == nil {
		if cfg.KV.SignerFor, err = signerFor(cfg.SigningKey, cfg.Logger); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("%s: %w", cfg.Listen, ErrAddressInUse)
		}
		return nil, err
	}
	// Health endpoints first: /readyz answers 503 while recovery runs.
	ops, err := startMetrics(cfg)
	if err != nil {
		ln.Close()
		return nil, err
	}
	engine, err := sql.Open(ctx, sql.Config{
		DataDir: cfg.DataDir, KV: cfg.KV, Logger: cfg.Logger,
		MaxConnections: cfgOr(cfg.MaxConnections, pgwire.DefaultMaxConnections),
	})
	if err != nil {
		ln.Close()
		ops.close()
		return nil, err
	}
	_, generated, err := engine.EnsureAdmin(ctx, cfg.AdminPassword)
	if err != nil {
		ln.Close()
		engine.Close()
		ops.close()
		return nil, err
	}
	logins := loginlimit.New(loginlimit.Limits{}) // one slowdown for both front ends
	pg := pgwire.NewServer(engine, pgwire.Config{
		TLS: tlsConfig, RequireTLS: cfg.RequireTLS, AllowCleartext: cfg.AllowCleartext,
		MaxConnections: cfg.MaxConnections, MaxMessageSize: cfg.MaxMessageSize, Logger: cfg.Logger, Logins: logins,
	})
	s := &Server{Engine: engine, PG: pg, Addr: ln.Addr(), GeneratedPassword: generated, serveErr: make(chan error, 1), ops: ops}
	if err := s.startHTTP(cfg, tlsConfig, logins); err != nil {
		ln.Close()
		engine.Close()
		ops.close()
		return nil, err
	}
	go func() { s.serveErr <- pg.Serve(ln) }()
	s.MetricsAddr = ops.ready(engine, pg)
	return s, nil
}

func cfgOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// Shutdown stops the listener, ends the sessions (57P01), lets in-flight
// statements finish until ctx ends, then closes the stores.
func (s *Server) Shutdown(ctx context.Context) error {
	s.ops.stopping()
	var herr error
	if s.HTTP != nil {
		herr = s.HTTP.Shutdown(ctx)
	}
	err := errors.Join(herr, s.PG.Shutdown(ctx))
	err = errors.Join(err, s.Engine.Close())
	s.ops.close()
	return err
}

// Done reports the listener's end (after Shutdown, pgwire.ErrServerClosed).
func (s *Server) Done() <-chan error { return s.serveErr }

// loadTLS builds the TLS configuration from certificate files.
func loadTLS(cfg Config) (*tls.Config, error) {
	if cfg.TLSCert == "" && cfg.TLSKey == "" {
		if cfg.RequireTLS {
			return nil, errors.New("--require-tls needs --tls-cert and --tls-key")
		}
		if cfg.TLSClientCA != "" {
			return nil, errors.New("--tls-client-ca needs --tls-cert and --tls-key")
		}
		return nil, nil
	}
	if cfg.TLSCert == "" || cfg.TLSKey == "" {
		return nil, errors.New("TLS needs both --tls-cert and --tls-key")
	}
	cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("load TLS certificate: %w", err)
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if cfg.TLSClientCA != "" {
		pem, err := os.ReadFile(cfg.TLSClientCA)
		if err != nil {
			return nil, fmt.Errorf("read --tls-client-ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--tls-client-ca %s holds no PEM certificate", cfg.TLSClientCA)
		}
		tc.ClientCAs = pool
		tc.ClientAuth = tls.VerifyClientCertIfGiven
	}
	return tc, nil
}
