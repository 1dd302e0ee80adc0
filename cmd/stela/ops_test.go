package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// logEntry is one JSON log line.
type logEntry map[string]any

// readLog parses every whole line of a JSON log file.
func readLog(t *testing.T, path string) []logEntry {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Only whole lines: the server may be writing the last one.
	text := string(b[:bytes.LastIndexByte(b, '\n')+1])
	var entries []logEntry
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if line == "" {
			continue
		}
		var e logEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", line, err)
		}
		entries = append(entries, e)
	}
	return entries
}

// waitLog polls the log file until an entry has message msg, and returns
// it; it fails if p exits first.
func waitLog(t *testing.T, p *stelaProc, path, msg string) logEntry {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			for _, e := range readLog(t, path) {
				if e["message"] == msg {
					return e
				}
			}
		}
		select {
		case <-p.done:
			t.Fatalf("stela exited before logging %q: %v\nstderr:\n%s", msg, p.err, p.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in %s\nstderr:\n%s", msg, path, p.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A config file alone configures start: it serves on the file's address
// with the file's password, logs JSON lines to the file's log-file (not
// stderr), writes its pidfile once serving, reopens the log on SIGHUP,
// and removes the pidfile at shutdown.
func TestStartConfigFileLogAndPidfile(t *testing.T) {
	const pw = "File!pw0rd"
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	logPath := filepath.Join(dir, "stela.log")
	pidPath := filepath.Join(dir, "stela.pid")
	conf := writeConfig(t, fmt.Sprintf(`data = %q
listen = "127.0.0.1:0"
admin_password = %q
log-file = %q
pidfile = %q
log-format = "json"
`, data, pw, logPath, pidPath))
	p := startStela(t, nil, "start", "--config", conf)
	started := waitLog(t, p, logPath, "stela started")
	addr, _ := started["listen"].(string)
	if addr == "" || started["version"] == nil || started["data"] != data || started["databases"] == nil {
		t.Fatalf("start-up line lacks version, data, listen or databases: %v", started)
	}
	if err := login(t, addr, pw); err != nil {
		t.Fatalf("password from the config file: %v", err)
	}
	b, err := os.ReadFile(pidPath)
	if err != nil || string(b) != strconv.Itoa(p.cmd.Process.Pid)+"\n" {
		t.Fatalf("pidfile: %q, %v; want %d", b, err, p.cmd.Process.Pid)
	}
	if fi, err := os.Stat(logPath); err != nil || fi.Mode().Perm() != 0o640 {
		t.Fatalf("log file mode: %v, %v", fi.Mode(), err)
	}

	// logrotate: move the file away, SIGHUP, the server writes a new one.
	if err := os.Rename(logPath, logPath+".1"); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitLog(t, p, logPath, "SIGHUP: reopened log file")

	p.stop(t)
	if _, err := os.Stat(pidPath); !os.IsNotExist(err) {
		t.Fatalf("pidfile not removed at shutdown: %v", err)
	}
	if !hasMessage(readLog(t, logPath), "stopped") {
		t.Fatal("no \"stopped\" in the reopened log")
	}
	if errOut := p.stderr.String(); errOut != "" {
		t.Fatalf("logs went to stderr too:\n%s", errOut)
	}
}

func hasMessage(entries []logEntry, msg string) bool {
	for _, e := range entries {
		if e["message"] == msg {
			return true
		}
	}
	return false
}

// A pidfile naming a live process stops start-up in one line; the data
// directory is not touched.
func TestStartPidfileLive(t *testing.T) {
	dir := t.TempDir()
	pidPath := filepath.Join(dir, "stela.pid")
	live := strconv.Itoa(os.Getpid()) // this test: alive
	if err := os.WriteFile(pidPath, []byte(live+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	p := startStela(t, nil, "start", "--data", data, "--listen", "127.0.0.1:0", "--admin-password", "Flag!pw0rd", "--pidfile", pidPath)
	code := p.exitCode(t, 20*time.Second)
	errOut := p.stderr.String()
	if code == 0 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, pidPath) || !strings.Contains(errOut, "process "+live+", which is running") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if b, _ := os.ReadFile(pidPath); string(b) != live+"\n" {
		t.Fatalf("pidfile changed to %q", b)
	}
	if _, err := os.Stat(data); err == nil {
		t.Fatal("the data directory was created")
	}
}

// A stale pidfile (its process is gone) is replaced, with a warning.
func TestStartPidfileStale(t *testing.T) {
	dir := t.TempDir()
	pidPath := filepath.Join(dir, "stela.pid")
	// Above any pid_max Linux allows (2^22): no such process.
	const stale = "2147483646"
	if err := os.WriteFile(pidPath, []byte(stale+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startStela(t, nil, "start", "--data", filepath.Join(dir, "data"), "--listen", "127.0.0.1:0", "--admin-password", "Flag!pw0rd", "--pidfile", pidPath)
	p.ready(t)
	if b, err := os.ReadFile(pidPath); err != nil || string(b) != strconv.Itoa(p.cmd.Process.Pid)+"\n" {
		t.Fatalf("pidfile: %q, %v", b, err)
	}
	if errOut := p.stderr.String(); !strings.Contains(errOut, `"message":"replacing stale pidfile"`) || !strings.Contains(errOut, stale) {
		t.Fatalf("no warning about the stale pidfile:\n%s", errOut)
	}
	p.stop(t)
	if _, err := os.Stat(pidPath); !os.IsNotExist(err) {
		t.Fatalf("pidfile not removed: %v", err)
	}
}
