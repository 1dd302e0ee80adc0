package server

import (
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/stela-db/stela/pgwire"
	"github.com/stela-db/stela/server/metrics"
	"github.com/stela-db/stela/sql"
)

// ErrMetricsAddressInUse is returned when Config.MetricsListen is taken.
var ErrMetricsAddressInUse = errors.New("metrics address already in use")

// opsServer is the metrics and health listener (server/metrics) through
// the server's life: up before the databases open, so that /readyz
// answers 503 during recovery; ready once the PostgreSQL listener serves;
// stopping from the first moment of Shutdown; closed at its end. A nil
// *opsServer (no Config.MetricsListen) does nothing.
type opsServer struct{ srv *metrics.Server }

func startMetrics(cfg Config) (*opsServer, error) {
	if cfg.MetricsListen == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsListen)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("%s: %w", cfg.MetricsListen, ErrMetricsAddressInUse)
		}
		return nil, fmt.Errorf("metrics listener: %w", err)
	}
	return &opsServer{srv: metrics.Serve(ln, metrics.Options{Pprof: cfg.MetricsPprof, Logger: cfg.Logger})}, nil
}

// ready attaches the collector to the running server, marks it ready and
// returns the endpoints' address.
func (o *opsServer) ready(engine *sql.Engine, pg *pgwire.Server) net.Addr {
	if o == nil {
		return nil
	}
	o.srv.Collector.Attach(engine, pg)
	o.srv.Readiness.Set(metrics.Ready)
	return o.srv.Addr()
}

func (o *opsServer) stopping() {
	if o != nil {
		o.srv.Readiness.Set(metrics.Stopping)
	}
}

func (o *opsServer) close() {
	if o != nil {
		_ = o.srv.Close()
	}
}
