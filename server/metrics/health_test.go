package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b)
}

// TestReadiness walks /readyz through a server's life, including a
// shutdown that races the end of start-up.
func TestReadiness(t *testing.T) {
	r := &Readiness{}
	h := Handler(&Collector{}, r, false)
	for _, step := range []struct {
		set  State
		code int
		body string
	}{
		{-1, http.StatusServiceUnavailable, "starting\n"}, // -1: no Set, the zero value
		{Ready, http.StatusOK, "ready\n"},
		{Stopping, http.StatusServiceUnavailable, "stopping\n"},
		{Ready, http.StatusServiceUnavailable, "stopping\n"}, // never back
		{Starting, http.StatusServiceUnavailable, "stopping\n"},
	} {
		if step.set >= 0 {
			r.Set(step.set)
		}
		if code, body := get(t, h, "/readyz"); code != step.code || body != step.body {
			t.Fatalf("after Set(%d): /readyz %d %q, want %d %q", step.set, code, body, step.code, step.body)
		}
		if code, _ := get(t, h, "/healthz"); code != http.StatusOK {
			t.Fatalf("/healthz %d while %v, want 200 always", code, r.State())
		}
	}
}

// TestMetricsBeforeAttach: while the databases open, /metrics serves the
// build and runtime metrics and no server ones.
func TestMetricsBeforeAttach(t *testing.T) {
	code, body := get(t, Handler(&Collector{}, &Readiness{}, false), "/metrics")
	if code != http.StatusOK || !strings.Contains(body, "stela_build_info{") || !strings.Contains(body, "go_goroutines") {
		t.Fatalf("/metrics before Attach: %d\n%s", code, body)
	}
	if strings.Contains(body, "stela_connections_total") || strings.Contains(body, "stela_database_") {
		t.Fatalf("/metrics before Attach reports a server:\n%s", body)
	}
}

// TestPprofOnlyWhenAsked: profiles are mounted only with the option.
func TestPprofOnlyWhenAsked(t *testing.T) {
	for _, on := range []bool{false, true} {
		want := http.StatusNotFound
		if on {
			want = http.StatusOK
		}
		if code, _ := get(t, Handler(&Collector{}, &Readiness{}, on), "/debug/pprof/"); code != want {
			t.Errorf("pprof=%v: /debug/pprof/ status %d, want %d", on, code, want)
		}
	}
}
