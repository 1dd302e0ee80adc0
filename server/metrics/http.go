package metrics

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/internal/buildinfo"
)

// Options configure the endpoints.
type Options struct {
	// Pprof mounts Go's profiles under /debug/pprof/. Off by default:
	// profiles expose internals and cost CPU.
	Pprof  bool
	Logger zerolog.Logger
}

// Server serves the endpoints on one listener.
type Server struct {
	// Readiness is what /readyz reports; the owner moves it along.
	Readiness *Readiness
	// Collector is what /metrics reports beyond the Go runtime and the
	// process; the owner attaches it once the engine is open.
	Collector *Collector

	ln   net.Listener
	http *http.Server
	log  zerolog.Logger
}

// Serve serves the endpoints on ln until Close, in the background.
func Serve(ln net.Listener, opts Options) *Server {
	s := &Server{Readiness: &Readiness{}, Collector: &Collector{}, ln: ln, log: opts.Logger.With().Str("component", "metrics").Logger()}
	s.http = &http.Server{Handler: Handler(s.Collector, s.Readiness, opts.Pprof), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error().Err(err).Msg("metrics listener failed")
		}
	}()
	return s
}

// Addr is the address the endpoints are served on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Close stops serving.
func (s *Server) Close() error { return s.http.Close() }

// Handler routes the endpoints (doc.go) to c and r, with a registry of
// its own: c, the Go runtime and the process.
func Handler(c *Collector, r *Readiness, withPprof bool) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(c, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", healthz)
	mux.Handle("/readyz", r)
	mux.HandleFunc("/version", version)
	if withPprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}

// Version is the JSON body of /version.
type Version struct {
	Version string `json:"version"` // release, "dev" when built without the Makefile
	Commit  string `json:"commit"`  // VCS revision, "unknown" when not recorded
	Go      string `json:"go"`      // Go release the binary was built with
}

func version(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(Version{Version: buildinfo.Version, Commit: buildinfo.CommitOrVCS(), Go: buildinfo.GoVersion()})
}
