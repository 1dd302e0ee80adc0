package httpapi

import (
	"context"
	"crypto/tls"
	"errors"
	stdlog "log"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/internal/loginlimit"
	"github.com/stela-db/stela/sql"
)

// Defaults of Config.
const (
	DefaultListen   = "127.0.0.1:8080"
	DefaultMaxBody  = 32 << 20
	DefaultTokenTTL = time.Hour
)

// Config configures the HTTP API.
type Config struct {
	// Listen is the address to serve on; empty disables the API.
	Listen string
	// MaxBody bounds a request body in bytes (default 32 MiB); a larger
	// one is refused with 413.
	MaxBody int64
	// TokenTTL is how long a login token lives (default 1h).
	TokenTTL time.Duration
	// MaxSessions bounds the sessions of every front end together (the
	// server's connection limit); 0: no bound of its own.
	MaxSessions int
	// TLS, when set, serves HTTPS only.
	TLS *tls.Config
	// Logins is the failed-login slowdown shared with pgwire; nil: one
	// of its own.
	Logins *loginlimit.Limiter
	Logger zerolog.Logger
}

// Server is the HTTP API of one engine.
type Server struct {
	cfg    Config
	engine *sql.Engine
	log    zerolog.Logger
	tokens *tokenStore
	http   *http.Server
	mux    *http.ServeMux
}

// route is one endpoint; routes lists them all, so that the OpenAPI test
// can check each is documented.
type route struct {
	pattern string // ServeMux pattern: "METHOD /path/{wildcard}"
	handle  func(*Server, http.ResponseWriter, *http.Request)
}

var routes = []route{
	{"GET /api/v1/openapi.json", (*Server).openAPI},
	{"POST /api/v1/login", (*Server).login},
	{"POST /api/v1/logout", (*Server).logout},
	{"POST /api/v1/db/{db}/sql", (*Server).sqlQuery},
	{"GET /api/v1/db/{db}/kv", kv((*Server).kvScan)},
	{"GET /api/v1/db/{db}/kv/{key}", kv((*Server).kvGet)},
	{"PUT /api/v1/db/{db}/kv/{key}", kv((*Server).kvPut)},
	{"DELETE /api/v1/db/{db}/kv/{key}", kv((*Server).kvDelete)},
	{"GET /api/v1/db/{db}/kv/{key}/history", kv((*Server).kvHistory)},
	{"GET /api/v1/db/{db}/kv/{key}/proof", kv((*Server).kvProof)},
	{"GET /api/v1/db/{db}/state", (*Server).state},
	{"GET /api/v1/db/{db}/proof/consistency", (*Server).consistency},
	{"GET /api/v1/db/{db}/tx/{n}", (*Server).tx},
}

// New returns the API of engine; Serve starts it.
func New(engine *sql.Engine, cfg Config) *Server {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = DefaultTokenTTL
	}
	if cfg.Logins == nil {
		cfg.Logins = loginlimit.New(loginlimit.Limits{})
	}
	s := &Server{cfg: cfg, engine: engine, log: cfg.Logger.With().Str("component", "httpapi").Logger(),
		tokens: newTokenStore(time.Now), mux: http.NewServeMux()}
	for _, r := range routes {
		s.mux.HandleFunc(r.pattern, func(w http.ResponseWriter, req *http.Request) {
			// Bodies are bounded before any handler reads them.
			req.Body = http.MaxBytesReader(w, req.Body, s.cfg.MaxBody)
			r.handle(s, w, req)
		})
	}
	// Anything else under the API, and other methods on its paths, get a
	// JSON error rather than ServeMux's plain text.
	s.mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		writeError(w, notFound("no such endpoint: %s %s", req.Method, req.URL.Path))
	})
	s.http = &http.Server{
		Handler:           s.mux,
		TLSConfig:         cfg.TLS,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// net/http's own complaints (TLS handshakes, malformed
		// requests) go to the server's log, at debug level: a client's
		// mistake, not the server's.
		ErrorLog: stdlog.New(debugWriter{s.log}, "", 0),
	}
	return s
}

// debugWriter logs each write (a line of net/http's) at debug level.
type debugWriter struct{ log zerolog.Logger }

func (w debugWriter) Write(p []byte) (int, error) {
	w.log.Debug().Str("source", "net/http").Msg(strings.TrimSpace(string(p)))
	return len(p), nil
}

// Handler is the API's handler (tests may serve it themselves).
func (s *Server) Handler() http.Handler { return s.mux }

// Serve serves on ln until Shutdown; it returns http.ErrServerClosed then.
func (s *Server) Serve(ln net.Listener) error {
	if s.cfg.TLS != nil {
		return s.http.ServeTLS(ln, "", "")
	}
	return s.http.Serve(ln)
}

// Shutdown stops accepting requests and waits for running ones until ctx
// ends.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		_ = s.http.Close()
	}
	return err
}
