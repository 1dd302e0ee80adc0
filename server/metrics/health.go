package metrics

import (
	"net/http"
	"sync/atomic"
)

// State is where a server is in its life, as /readyz reports it.
type State int32

// The states, in the only order a server goes through them.
const (
	Starting State = iota // databases opening, recovery running
	Ready                 // serving PostgreSQL
	Stopping              // shutdown began: load balancers should drain
)

var stateNames = [...]string{"starting", "ready", "stopping"}

func (s State) String() string { return stateNames[s] }

// Readiness holds a server's State. The zero value is Starting.
type Readiness struct{ state atomic.Int32 }

// Set moves to s. A server never goes back: Set(Ready) after Stopping
// does nothing, so that a shutdown that raced the end of start-up stays
// visible.
func (r *Readiness) Set(s State) {
	for {
		cur := r.state.Load()
		if State(cur) >= s || r.state.CompareAndSwap(cur, int32(s)) {
			return
		}
	}
}

// State returns the current state.
func (r *Readiness) State() State { return State(r.state.Load()) }

// ServeHTTP answers /readyz: 200 "ready", else 503 with the state.
func (r *Readiness) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	s := r.State()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s != Ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_, _ = w.Write([]byte(s.String() + "\n"))
}

// healthz answers /healthz: the process is up and serving HTTP.
func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}
