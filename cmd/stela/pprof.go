package main

import (
	"errors"
	"net"
	"net/http"
	"net/http/pprof"

	"github.com/rs/zerolog"
)

// startPprof serves Go's profiling endpoints under /debug/pprof/ on addr.
// It is off unless --pprof-listen is given: profiles expose internals and
// cost CPU, so an operator turns them on for an investigation, on loopback.
func startPprof(addr string, log zerolog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error().Err(err).Msg("pprof listener failed")
		}
	}()
	log.Info().Str("listen", ln.Addr().String()).Msg("pprof enabled")
	return func() { _ = srv.Close() }, nil
}
