package pgwire

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"github.com/xdg-go/scram"

	"github.com/stela-db/stela/internal/loginlimit"
	"github.com/stela-db/stela/sql"
)

// Server serves the PostgreSQL protocol for one sql.Engine.
type Server struct {
	cfg    Config
	engine *sql.Engine
	log    zerolog.Logger
	keys   cancelKeys
	logins *loginlimit.Limiter

	sessions atomic.Int32 // sessions past startup, for the connection limit
	connID   atomic.Uint64
	stats    serverStats // for monitoring (stats.go)

	mu        sync.Mutex
	listeners []net.Listener // guarded by mu
	conns     map[*conn]struct{}
	closing   bool // set by Shutdown; guarded by mu

	wg sync.WaitGroup // one per connection goroutine

	// The SCRAM channel binding of the server certificate, computed once.
	bindingOnce sync.Once
	binding     scram.ChannelBinding
	bindingOK   bool
}

// NewServer returns a server for engine.
func NewServer(engine *sql.Engine, cfg Config) *Server {
	cfg = cfg.withDefaults()
	logins := cfg.Logins
	if logins == nil {
		logins = loginlimit.New(cfg.FailedLogins)
	}
	return &Server{cfg: cfg, engine: engine, logins: logins, log: cfg.Logger.With().Str("component", "pgwire").Logger(), conns: map[*conn]struct{}{}}
}

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("pgwire: server closed")

// Serve accepts connections on ln until Shutdown; each gets a goroutine.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	s.listeners = append(s.listeners, ln)
	s.mu.Unlock()

	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closing := s.closing
			s.mu.Unlock()
			if closing {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				// Out of file descriptors and the like: wait and retry.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.log.Warn().Err(err).Dur("retry_in", backoff).Msg("accept failed")
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		c := newConn(s, nc)
		s.mu.Lock()
		if s.closing {
			s.mu.Unlock()
			nc.Close()
			continue
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		s.stats.connOpened()
		go func() {
			defer s.wg.Done()
			defer s.stats.connClosed()
			c.serve()
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

// Shutdown stops accepting connections and ends every session: an idle
// session is told 57P01 at once; a running statement is let finish until
// ctx's deadline (commits in flight complete), then canceled. It returns
// when every connection has closed, or with ctx's error after closing the
// sockets of those that did not.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	for _, ln := range s.listeners {
		ln.Close()
	}
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.beginShutdown()
	}

	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	// Grace is over: cancel what still runs (its session ends with
	// 57P01), give it a moment to report, then close the sockets.
	s.mu.Lock()
	for c := range s.conns {
		c.cancelStatementCause(errShutdown)
	}
	s.mu.Unlock()
	select {
	case <-done:
		return nil
	case <-time.After(2 * time.Second):
	}
	s.mu.Lock()
	for c := range s.conns {
		c.raw.Close()
	}
	s.mu.Unlock()
	<-done
	return ctx.Err()
}
