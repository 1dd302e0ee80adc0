package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/spf13/pflag"

	"github.com/stela-db/stela/internal/passwd"
)

// reexecEnv makes the test binary run main() instead of the tests: the
// start tests run the real command in a child process, which they can
// signal and whose exit code they see.
const reexecEnv = "GO_TEST_STELA_MAIN"

// The GODEBUG the tests were started with, which the child processes get
// back. The test process itself runs with schedtrace named, or a `start`
// run in process (runCLI) would re-execute the test binary from the top
// (keepSysmonAwake), running the tests before it twice and leaving
// their temporary directories behind.
var testGodebug, testHadGodebug = os.LookupEnv("GODEBUG")

func TestMain(m *testing.M) {
	if os.Getenv(reexecEnv) == "1" {
		main()
		os.Exit(0)
	}
	if godebug, ok := godebugWithSchedtrace(testGodebug); ok {
		os.Setenv("GODEBUG", godebug)
	}
	os.Exit(m.Run())
}

// lockedBuffer collects a child's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// stelaProc is `stela <args>` running in a child process.
type stelaProc struct {
	cmd *exec.Cmd
	// stdout is a file the child writes directly: what it printed before
	// its "started" log line is there once that line is read (a pipe's
	// copying goroutine could lag behind stderr's).
	stdout *os.File
	stderr lockedBuffer
	lines  chan string // stderr lines, as they come
	done   chan struct{}
	err    error // of Wait, once done is closed
}

// startStela runs the command with args and env (on top of a copy of the
// test's environment without STELA_ variables).
func startStela(t *testing.T, env []string, args ...string) *stelaProc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := &stelaProc{cmd: exec.Command(exe, args...), lines: make(chan string, 1000), done: make(chan struct{})}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "STELA_") && !strings.HasPrefix(kv, reexecEnv+"=") && !strings.HasPrefix(kv, "GODEBUG=") {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	if testHadGodebug {
		p.cmd.Env = append(p.cmd.Env, "GODEBUG="+testGodebug)
	}
	// Metrics on a free port and the HTTP API off unless the test says
	// otherwise: their default ports would collide between concurrent
	// tests (and every other run on the host).
	p.cmd.Env = append(append(p.cmd.Env, reexecEnv+"=1", "STELA_METRICS_LISTEN=127.0.0.1:0", "STELA_HTTP_LISTEN="), env...)
	if p.stdout, err = os.CreateTemp(t.TempDir(), "stdout"); err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout = p.stdout
	pr, pw := io.Pipe()
	p.cmd.Stderr = pw
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// done waits for the scanner too: a test that reads stderr after the
	// exit must see all of it.
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			p.stderr.Write([]byte(line + "\n"))
			select {
			case p.lines <- line:
			default:
			}
		}
	}()
	go func() {
		p.err = p.cmd.Wait()
		pw.Close()
		<-scanned
		close(p.done)
	}()
	t.Cleanup(func() {
		defer p.stdout.Close()
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// out returns what the child printed on stdout so far.
func (p *stelaProc) out() string {
	b, _ := os.ReadFile(p.stdout.Name())
	return string(b)
}

// ready waits for the "stela started" log line and returns the listen
// address it names.
func (p *stelaProc) ready(t *testing.T) string { return p.started(t).Listen }

// startedLine is the fields of the "stela started" log line tests read.
type startedLine struct {
	Message string `json:"message"`
	Listen  string `json:"listen"`
	Metrics string `json:"metrics"`
	// SysmonAwake is whether the server re-executed itself to keep the
	// runtime's monitor from parking (sysmon.go).
	SysmonAwake bool `json:"sysmon_awake"`
}

// started waits for the "stela started" log line and returns it.
func (p *stelaProc) started(t *testing.T) startedLine {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case line := <-p.lines:
			var entry startedLine
			if json.Unmarshal([]byte(line), &entry) == nil && entry.Message == "stela started" {
				return entry
			}
		case <-p.done:
			t.Fatalf("stela exited before it started: %v\nstdout:\n%s\nstderr:\n%s", p.err, p.out(), p.stderr.String())
		case <-timeout:
			t.Fatalf("stela did not start\nstderr:\n%s", p.stderr.String())
		}
	}
}

// exitCode waits for the process and returns its exit code.
func (p *stelaProc) exitCode(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(within):
		t.Fatalf("stela still running after %v\nstderr:\n%s", within, p.stderr.String())
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		t.Fatal(p.err)
	}
	return 0
}

// stop sends SIGTERM and expects a clean exit.
func (p *stelaProc) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.exitCode(t, 20*time.Second); code != 0 {
		t.Fatalf("exit code %d after SIGTERM\nstderr:\n%s", code, p.stderr.String())
	}
}

// pgConfig is a pgx configuration for user and password at addr, on
// defaultdb; the password is set directly so that it needs no escaping.
func pgConfig(t *testing.T, addr, user, password string) *pgx.ConnConfig {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%s user=%s dbname=defaultdb sslmode=disable connect_timeout=10", host, port, user))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Password = password
	return cfg
}

// login connects, runs SELECT 1 and closes; it returns the error.
func login(t *testing.T, addr, password string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.ConnectConfig(ctx, pgConfig(t, addr, "admin", password))
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	var one int
	return c.QueryRow(ctx, "SELECT 1").Scan(&one)
}

func wantAuthFailure(t *testing.T, err error, what string) {
	t.Helper()
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "28P01" {
		t.Fatalf("%s: want 28P01, got %v", what, err)
	}
}

func TestStartAdminPasswordFlagAndEnv(t *testing.T) {
	const pw = "Flag!pw0rd"
	data := filepath.Join(t.TempDir(), "data")
	p := startStela(t, nil, "start", "--data", data, "--listen", "127.0.0.1:0", "--admin-password", pw)
	addr := p.ready(t)
	if err := login(t, addr, pw); err != nil {
		t.Fatalf("password from --admin-password: %v", err)
	}
	wantAuthFailure(t, login(t, addr, "Other!pw0rd"), "another password")
	p.stop(t)
	if strings.Contains(p.out(), "generated password") || strings.Contains(p.stderr.String(), pw) {
		t.Fatalf("the password was printed or logged:\nstdout %s\nstderr %s", p.out(), p.stderr.String())
	}

	// The password is set at first start only: a later --admin-password
	// changes nothing.
	p = startStela(t, nil, "start", "--data", data, "--listen", "127.0.0.1:0", "--admin-password", "Later!pw0rd")
	addr = p.ready(t)
	if err := login(t, addr, pw); err != nil {
		t.Fatalf("first password after restart: %v", err)
	}
	wantAuthFailure(t, login(t, addr, "Later!pw0rd"), "a later --admin-password")
	p.stop(t)

	// Every flag from the environment: STELA_DATA, STELA_LISTEN,
	// STELA_ADMIN_PASSWORD, STELA_LOG_FORMAT...
	const envPw = "Env!pw0rd9"
	data2 := filepath.Join(t.TempDir(), "data")
	p = startStela(t, []string{"STELA_DATA=" + data2, "STELA_LISTEN=127.0.0.1:0", "STELA_ADMIN_PASSWORD=" + envPw, "STELA_LOG_LEVEL=info"}, "start")
	addr = p.ready(t)
	if err := login(t, addr, envPw); err != nil {
		t.Fatalf("password from STELA_ADMIN_PASSWORD: %v", err)
	}
	p.stop(t)
	if _, err := os.Stat(filepath.Join(data2, "system")); err != nil {
		t.Fatalf("STELA_DATA not used: %v", err)
	}

	// A flag wins over its variable.
	data3 := filepath.Join(t.TempDir(), "data")
	p = startStela(t, []string{"STELA_ADMIN_PASSWORD=" + envPw}, "start", "--data", data3, "--listen", "127.0.0.1:0", "--admin-password", pw)
	addr = p.ready(t)
	if err := login(t, addr, pw); err != nil {
		t.Fatalf("flag over env: %v", err)
	}
	wantAuthFailure(t, login(t, addr, envPw), "the variable's password when the flag is set")
	p.stop(t)
}

var generatedRE = regexp.MustCompile(`generated password (\S+)`)

func TestStartGeneratedPassword(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	p := startStela(t, nil, "start", "--data", data, "--listen", "127.0.0.1:0")
	addr := p.ready(t)
	out := p.out()
	m := generatedRE.FindAllStringSubmatch(out, -1)
	if len(m) != 1 {
		t.Fatalf("stdout does not show the generated password once:\n%s", out)
	}
	pw := m[0][1]
	if err := passwd.Policy(pw); err != nil {
		t.Fatalf("generated password %q: %v", pw, err)
	}
	if err := login(t, addr, pw); err != nil {
		t.Fatalf("generated password: %v", err)
	}
	p.stop(t)
	if strings.Contains(p.stderr.String(), pw) {
		t.Fatalf("the generated password is in the logs:\n%s", p.stderr.String())
	}

	p = startStela(t, nil, "start", "--data", data, "--listen", "127.0.0.1:0")
	addr = p.ready(t)
	if out := p.out(); out != "" {
		t.Fatalf("second start printed:\n%s", out)
	}
	if err := login(t, addr, pw); err != nil {
		t.Fatalf("generated password after restart: %v", err)
	}
	p.stop(t)
}

func TestStartAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	data := filepath.Join(t.TempDir(), "data")
	p := startStela(t, nil, "start", "--data", data, "--listen", ln.Addr().String(), "--admin-password", "Flag!pw0rd")
	code := p.exitCode(t, 20*time.Second)
	errOut := p.stderr.String()
	if code == 0 {
		t.Fatalf("exit code 0 with the port in use")
	}
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "--listen") || !strings.Contains(lines[0], ln.Addr().String()) {
		t.Fatalf("want one line naming the address and --listen, got:\n%s", errOut)
	}
	if _, err := os.Stat(data); err == nil {
		t.Fatal("the data directory was created although the server could not listen")
	}
}

// SIGTERM: idle clients are told 57P01, a running statement completes,
// the process exits 0.
func TestStartSIGTERM(t *testing.T) {
	const pw = "Flag!pw0rd"
	data := filepath.Join(t.TempDir(), "data")
	p := startStela(t, nil, "start", "--data", data, "--listen", "127.0.0.1:0", "--admin-password", pw, "--shutdown-timeout", "10s")
	addr := p.ready(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	idle, err := pgconn.ConnectConfig(ctx, &pgConfig(t, addr, "admin", pw).Config)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close(ctx)
	busy, err := pgconn.ConnectConfig(ctx, &pgConfig(t, addr, "admin", pw).Config)
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close(ctx)

	idleErr := make(chan error, 1)
	go func() { idleErr <- idle.WaitForNotification(ctx) }()
	type result struct {
		err     error
		elapsed time.Duration
	}
	busyRes := make(chan result, 1)
	go func() {
		start := time.Now()
		_, err := busy.Exec(ctx, "SELECT pg_sleep(1)").ReadAll()
		busyRes <- result{err, time.Since(start)}
	}()
	time.Sleep(200 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	select {
	case err := <-idleErr:
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "57P01" || pe.Severity != "FATAL" || pe.Message != "terminating connection due to administrator command" {
			t.Fatalf("idle client: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("idle client not told of the shutdown")
	}
	r := <-busyRes
	if r.err != nil || r.elapsed < 900*time.Millisecond {
		t.Fatalf("running statement: %v after %v", r.err, r.elapsed)
	}
	if code := p.exitCode(t, 10*time.Second); code != 0 {
		t.Fatalf("exit code %d\nstderr:\n%s", code, p.stderr.String())
	}
	errOut := p.stderr.String()
	if !strings.Contains(errOut, `"message":"shutting down"`) || !strings.Contains(errOut, `"message":"stopped"`) {
		t.Fatalf("shutdown not logged:\n%s", errOut)
	}
	// The port is free again.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("address still in use after exit: %v", err)
	}
	ln.Close()
}

// With a short --shutdown-timeout, a long statement is canceled and the
// process still exits 0.
func TestStartShutdownTimeout(t *testing.T) {
	const pw = "Flag!pw0rd"
	data := filepath.Join(t.TempDir(), "data")
	p := startStela(t, nil, "start", "--data", data, "--listen", "127.0.0.1:0", "--admin-password", pw, "--shutdown-timeout", "200ms")
	addr := p.ready(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	busy, err := pgconn.ConnectConfig(ctx, &pgConfig(t, addr, "admin", pw).Config)
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close(ctx)
	busyErr := make(chan error, 1)
	go func() {
		_, err := busy.Exec(ctx, "SELECT pg_sleep(60)").ReadAll()
		busyErr <- err
	}()
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.exitCode(t, 10*time.Second); code != 0 {
		t.Fatalf("exit code %d\nstderr:\n%s", code, p.stderr.String())
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("exit after %v", d)
	}
	var pe *pgconn.PgError
	if err := <-busyErr; !errors.As(err, &pe) || (pe.Code != "57014" && pe.Code != "57P01") {
		t.Fatalf("long statement at shutdown: %v", err)
	}
}

// SIGINT (Ctrl-C) stops the server as SIGTERM does.
func TestStartSIGINT(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	p := startStela(t, nil, "start", "--data", data, "--listen", "127.0.0.1:0", "--admin-password", "Flag!pw0rd")
	p.ready(t)
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := p.exitCode(t, 20*time.Second); code != 0 {
		t.Fatalf("exit code %d after SIGINT", code)
	}
}

func TestStartHelpListsEnv(t *testing.T) {
	out, errOut, code := runCLI(t, "start", "--help")
	if code != 0 {
		t.Fatalf("start --help: exit %d, %s", code, errOut)
	}
	n := 0
	newStartCommand().Flags().VisitAll(func(f *pflag.Flag) {
		n++
		var line string
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, "--"+f.Name+" ") || strings.HasSuffix(l, "--"+f.Name) {
				line = l
			}
		}
		if line == "" {
			t.Errorf("--%s not in the help", f.Name)
			return
		}
		if want := "(env " + envName(f.Name) + ")"; !strings.Contains(line, want) {
			t.Errorf("--%s: %q does not name %s", f.Name, line, want)
		}
	})
	for _, name := range []string{"data", "listen", "admin-password", "tls-cert", "tls-key", "tls-client-ca", "require-tls",
		"allow-cleartext-password", "max-connections", "max-message-size", "log-level", "log-format", "shutdown-timeout"} {
		if !strings.Contains(out, "STELA_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_"))) {
			t.Errorf("STELA_ variable of --%s missing from the help", name)
		}
	}
	if n < 13 {
		t.Errorf("only %d flags", n)
	}
}

// Bad settings fail before anything starts, naming what is wrong. (In
// child processes: a setting wrongly accepted would start a server.)
func TestStartBadSettings(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{[]string{"STELA_MAX_CONNECTIONS=lots"}, nil, "STELA_MAX_CONNECTIONS"},
		{[]string{"STELA_REQUIRE_TLS=maybe"}, nil, "STELA_REQUIRE_TLS"},
		{nil, []string{"--log-level", "loud"}, "unknown log level"},
		{nil, []string{"--log-format", "xml"}, "unknown log format"},
		{nil, []string{"--require-tls"}, "--require-tls needs --tls-cert"},
		{[]string{"STELA_REQUIRE_TLS=true"}, nil, "--require-tls needs --tls-cert"},
		{nil, []string{"--tls-cert", "x.pem"}, "both --tls-cert and --tls-key"},
		{nil, []string{"--max-connections", "x"}, "--max-connections"},
		{nil, []string{"extra-arg"}, "unknown command"},
	} {
		data := filepath.Join(t.TempDir(), "data")
		args := append([]string{"start", "--data", data, "--listen", "127.0.0.1:0", "--admin-password", "Flag!pw0rd"}, tc.args...)
		p := startStela(t, tc.env, args...)
		code := p.exitCode(t, 20*time.Second)
		errOut := p.stderr.String()
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v %v: exit %d, %q (want %q)", tc.env, tc.args, code, errOut, tc.want)
		}
		if n := strings.Count(strings.TrimSuffix(errOut, "\n"), "\n"); n != 0 {
			t.Errorf("%v %v: %d lines on stderr:\n%s", tc.env, tc.args, n+1, errOut)
		}
		if _, err := os.Stat(data); err == nil {
			t.Errorf("%v %v: the data directory was created", tc.env, tc.args)
		}
	}
}
