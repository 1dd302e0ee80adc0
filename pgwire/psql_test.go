package pgwire_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stela-db/stela/internal/testcert"
)

var updatePsql = flag.Bool("update-psql", false, "rewrite pgwire/testdata/psql/*.out with psql's output")

// psqlPath returns the psql binary or skips the test.
func psqlPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("psql")
	if err != nil {
		t.Skip("psql is not on PATH")
	}
	return p
}

// runPsql runs psql -X against ts as admin on defaultdb with args, stdin
// as its input, and returns stdout, stderr and the exit code.
func runPsql(t *testing.T, ts *testServer, stdin string, args ...string) (string, string, int) {
	t.Helper()
	return runPsqlEnv(t, ts, nil, stdin, args...)
}

// runPsqlEnv is runPsql with more environment variables (PGSSLMODE...).
func runPsqlEnv(t *testing.T, ts *testServer, extraEnv []string, stdin string, args ...string) (string, string, int) {
	t.Helper()
	host, port, _ := net.SplitHostPort(ts.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	all := append([]string{"-X", "-h", host, "-p", port, "-U", "admin"}, args...)
	all = append(all, "defaultdb")
	cmd := exec.CommandContext(ctx, psqlPath(t), all...)
	// A clean environment: no PG* settings of the machine, no ~/.pgpass,
	// messages in English.
	env := []string{"PGPASSWORD=" + adminPassword, "PGCONNECT_TIMEOUT=10", "HOME=" + t.TempDir(), "LC_ALL=C", "LANG=C", "PGTZ=UTC"}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, extraEnv...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("psql: %v", err)
		}
		code = ee.ExitCode()
	}
	return out.String(), errOut.String(), code
}

// versionWarning is psql's warning about a server of another major
// version (psql 15 against "16.6"): expected, and left out of
// comparisons.
var versionWarning = regexp.MustCompile(`(?m)^WARNING: psql major version \d+, server major version \d+\.\n\s+Some psql features might not work\.\n`)

func TestPsqlCommand(t *testing.T) {
	ts := startServer(t, nil)
	out, errOut, code := runPsql(t, ts, "", "-c", "SELECT 1")
	if code != 0 {
		t.Fatalf("psql -c: exit %d, stderr %s", code, errOut)
	}
	want := " ?column? \n----------\n        1\n(1 row)\n\n"
	if out != want {
		t.Fatalf("psql -c 'SELECT 1':\n%q\nwant\n%q", out, want)
	}

	out, errOut, code = runPsql(t, ts, "", "-At", "-c", "SELECT 1 AS a, 'x y' AS b, NULL::text AS c, true, 2.50::numeric")
	if code != 0 || out != "1|x y||t|2.50\n" {
		t.Fatalf("psql -At: exit %d, out %q, stderr %s", code, out, errOut)
	}
	out, _, code = runPsql(t, ts, "", "-At", "-F", ",", "-c", "SELECT 1, 2", "-c", "SHOW server_version_num")
	if code != 0 || out != "1,2\n160006\n" {
		t.Fatalf("two -c: exit %d, out %q", code, out)
	}

	// An error: exit 1 (a -c command that fails), the message on stderr.
	out, errOut, code = runPsql(t, ts, "", "-c", "SELECT 1/0")
	if code != 1 || out != "" || !strings.Contains(errOut, "ERROR:  division by zero") {
		t.Fatalf("psql -c 1/0: exit %d, out %q, stderr %q", code, out, errOut)
	}

	// A wrong password: exit 2 and the server's message.
	host, port, _ := net.SplitHostPort(ts.addr)
	cmd := exec.Command(psqlPath(t), "-X", "-w", "-h", host, "-p", port, "-U", "admin", "-c", "SELECT 1", "defaultdb")
	cmd.Env = []string{"PGPASSWORD=nope", "HOME=" + t.TempDir(), "LC_ALL=C", "PATH=" + os.Getenv("PATH")}
	b, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(b), `password authentication failed for user "admin"`) {
		t.Fatalf("wrong password: %v\n%s", err, b)
	}
}

func TestPsqlFile(t *testing.T) {
	ts := startServer(t, nil)
	dir := t.TempDir()
	file := filepath.Join(dir, "script.sql")
	script := "SELECT 1 AS one;\n" +
		"SET application_name = 'psql-file';\n" +
		"SHOW application_name;\n" +
		"SELECT 2 AS two,\n" +
		"       3 AS three FORM nowhere;\n" +
		"SELECT 'not reached';\n"
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runPsql(t, ts, "", "-v", "ON_ERROR_STOP=1", "-f", file)
	if code != 3 {
		t.Fatalf("ON_ERROR_STOP: exit %d, want 3; stderr %s", code, errOut)
	}
	if strings.Contains(out, "not reached") || !strings.Contains(out, "psql-file") {
		t.Fatalf("stdout:\n%s", out)
	}
	// The error with its file line, and the statement's line with a
	// caret under the error's position.
	errOut = versionWarning.ReplaceAllString(errOut, "")
	wantErr := `psql:` + file + `:5: ERROR:  syntax error at or near "FORM"
LINE 2:        3 AS three FORM nowhere;
                          ^
`
	if errOut != wantErr {
		t.Fatalf("stderr:\n%s\nwant\n%s", errOut, wantErr)
	}

	// Without ON_ERROR_STOP psql goes on and exits 0.
	out, _, code = runPsql(t, ts, "", "-f", file)
	if code != 0 || !strings.Contains(out, "not reached") {
		t.Fatalf("without ON_ERROR_STOP: exit %d\n%s", code, out)
	}
	// --single-transaction: the error rolls everything back.
	_, errOut, code = runPsql(t, ts, "", "-v", "ON_ERROR_STOP=1", "-1", "-f", file)
	if code != 3 {
		t.Fatalf("-1: exit %d, stderr %s", code, errOut)
	}
}

// TestPsqlSession drives psql through its standard input, as a user
// piping a script, and compares the output with testdata/psql/*.out.
// Regenerate with -update-psql.
func TestPsqlSession(t *testing.T) {
	ts := startServer(t, nil)
	files, err := filepath.Glob(filepath.Join("testdata", "psql", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".sql")
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			// -e echoes the statements; -a echoes every input line.
			out, errOut, code := runPsql(t, ts, string(in), "-a")
			got := out + "-- stderr --\n" + versionWarning.ReplaceAllString(errOut, "") + "-- exit " + strconv.Itoa(code) + " --\n"
			golden := strings.TrimSuffix(file, ".sql") + ".out"
			if *updatePsql {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Fatalf("psql output differs from %s:\n%s", golden, lineDiff(string(want), got))
			}
		})
	}
}

// lineDiff shows the first lines that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl + "\n\nfull output:\n" + got
		}
	}
	return got
}

// Ctrl-C in psql sends a CancelRequest through libpq.
func TestPsqlCancel(t *testing.T) {
	ts := startServer(t, nil)
	host, port, _ := net.SplitHostPort(ts.addr)
	cmd := exec.Command(psqlPath(t), "-X", "-h", host, "-p", port, "-U", "admin", "-c", "SELECT pg_sleep(20)", "defaultdb")
	cmd.Env = []string{"PGPASSWORD=" + adminPassword, "HOME=" + t.TempDir(), "LC_ALL=C", "PATH=" + os.Getenv("PATH")}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(700 * time.Millisecond)
	start := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("psql still running after SIGINT")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("canceled after %v", d)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(errOut.String(), "ERROR:  canceling statement due to user request") {
		t.Fatalf("psql after SIGINT: %v\nstdout %q\nstderr %q", err, out.String(), errOut.String())
	}
}

// psql (libpq) over TLS: verify-full, client certificates, channel
// binding.
func TestPsqlTLS(t *testing.T) {
	f := newTLSFixture(t)
	ts := startTLSServer(t, f, nil)
	env := []string{"PGSSLMODE=verify-full", "PGSSLROOTCERT=" + f.caFile}
	run := func(extra ...string) (string, string, int) {
		return runPsqlEnv(t, ts, append(append([]string(nil), env...), extra...), "", "-At", "-c", "SELECT 'tls ok'")
	}
	if out, errOut, code := run(); code != 0 || out != "tls ok\n" {
		t.Fatalf("verify-full: exit %d, %q, %s", code, out, errOut)
	}
	if out, errOut, code := run("PGSSLMODE=require", "PGSSLROOTCERT=", "PGCHANNELBINDING=disable"); code != 0 || out != "tls ok\n" {
		t.Fatalf("require: exit %d, %q, %s", code, out, errOut)
	}
	other := testcert.NewCA(t, "another CA")
	otherFile := filepath.Join(t.TempDir(), "other.pem")
	if err := os.WriteFile(otherFile, other.PEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := run("PGSSLROOTCERT=" + otherFile); code != 2 || !strings.Contains(errOut, "certificate verify failed") {
		t.Fatalf("verify-full against another CA: exit %d, %s", code, errOut)
	}
	// libpq sends the certificate whatever CAs the server names: one of
	// another CA is refused in the handshake.
	if _, errOut, code := run("PGSSLCERT="+f.otherClientCertFile, "PGSSLKEY="+f.otherClientKeyF, "PGCHANNELBINDING=disable"); code != 2 {
		t.Fatalf("client certificate of another CA: exit %d, %s", code, errOut)
	}
	if out, errOut, code := run("PGSSLCERT="+f.clientCertFile, "PGSSLKEY="+f.clientKeyFile, "PGCHANNELBINDING=disable"); code != 0 || out != "tls ok\n" {
		t.Fatalf("client certificate: exit %d, %q, %s", code, out, errOut)
	}
	// libpq's default channel_binding=prefer with a client certificate,
	// and channel_binding=require.
	for _, extra := range [][]string{
		{"PGSSLCERT=" + f.clientCertFile, "PGSSLKEY=" + f.clientKeyFile},
		{"PGCHANNELBINDING=require"},
	} {
		out, errOut, code := run(extra...)
		if code != 0 {
			t.Fatalf("psql with %v: exit %d, %s; %s", extra, code, strings.TrimSpace(errOut), channelBindingBug)
		}
		if out != "tls ok\n" {
			t.Fatalf("psql with %v: %q", extra, out)
		}
	}
}
