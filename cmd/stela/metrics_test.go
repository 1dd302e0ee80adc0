package main

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func getStatus(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestStartMetrics: --metrics-listen (from the environment) serves the
// endpoints, --pprof adds the profiles, and the started line names the
// address; an empty --metrics-listen turns them off.
func TestStartMetrics(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	p := startStela(t, []string{"STELA_METRICS_LISTEN=127.0.0.1:0"}, "start", "--data", data, "--listen", "127.0.0.1:0",
		"--admin-password", "Flag!pw0rd", "--pprof")
	addr := p.started(t).Metrics
	if addr == "" {
		t.Fatal("the started line names no metrics address")
	}
	for path, want := range map[string]int{"/readyz": 200, "/healthz": 200, "/version": 200, "/debug/pprof/": 200} {
		if code, body := getStatus(t, "http://"+addr+path); code != want {
			t.Errorf("%s: status %d, want %d\n%s", path, code, want, body)
		}
	}
	if _, body := getStatus(t, "http://"+addr+"/metrics"); !strings.Contains(body, `stela_database_last_tx{database="defaultdb"}`) {
		t.Errorf("/metrics lacks defaultdb's last tx:\n%.2000s", body)
	}
	p.stop(t)

	p = startStela(t, nil, "start", "--data", data, "--listen", "127.0.0.1:0", "--metrics-listen", "")
	if addr := p.started(t).Metrics; addr != "" {
		t.Errorf("metrics served on %s with --metrics-listen ''", addr)
	}
	p.stop(t)
}

// TestStartMetricsAddressInUse: one line naming the address and the flag
// to change, and no data directory created.
func TestStartMetricsAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	data := filepath.Join(t.TempDir(), "data")
	p := startStela(t, nil, "start", "--data", data, "--listen", "127.0.0.1:0", "--admin-password", "Flag!pw0rd",
		"--metrics-listen", ln.Addr().String())
	if code := p.exitCode(t, 20*time.Second); code == 0 {
		t.Fatal("exit code 0 with the metrics port in use")
	}
	errOut := p.stderr.String()
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "--metrics-listen") || !strings.Contains(lines[0], ln.Addr().String()) {
		t.Fatalf("want one line naming the address and --metrics-listen, got:\n%s", errOut)
	}
	if _, err := os.Stat(data); err == nil {
		t.Fatal("the data directory was created although the server could not listen")
	}
}
