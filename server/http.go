package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"

	"github.com/stela-db/stela/httpapi"
	"github.com/stela-db/stela/internal/loginlimit"
	"github.com/stela-db/stela/pgwire"
)

// startHTTP starts the HTTP API when cfg.HTTP.Listen is set: over TLS
// when pgwire has TLS, counting its sessions against the same connection
// limit and slowing failed logins with the same counters.
func (s *Server) startHTTP(cfg Config, tlsConfig *tls.Config, logins *loginlimit.Limiter) error {
	if cfg.HTTP.Listen == "" {
		return nil
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("%s: %w", cfg.HTTP.Listen, ErrHTTPAddressInUse)
		}
		return err
	}
	hc := cfg.HTTP
	if tlsConfig != nil {
		hc.TLS = tlsConfig.Clone()
		hc.TLS.NextProtos = []string{"h2", "http/1.1"}
	}
	hc.MaxSessions = cfgOr(cfg.MaxConnections, pgwire.DefaultMaxConnections)
	hc.Logins = logins
	hc.Logger = cfg.Logger
	s.HTTP = httpapi.New(s.Engine, hc)
	s.HTTPAddr = ln.Addr()
	go func() {
		if err := s.HTTP.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			cfg.Logger.Error().Err(err).Msg("HTTP API listener failed")
		}
	}()
	return nil
}

// ErrHTTPAddressInUse is returned when the HTTP API's address is taken.
var ErrHTTPAddressInUse = errors.New("HTTP API address already in use")
