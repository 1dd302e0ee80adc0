package compat_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/server"
)

const password = "Compat!pw0rd"

// requireEnv names the clients that must be installed (comma-separated,
// or "all"); others are skipped when their runtime is missing. make test
// and make compat set it.
const requireEnv = "STELA_COMPAT_REQUIRE"

// startServer starts stela on a loopback port and returns host and port.
func startServer(t *testing.T) (string, string) {
	t.Helper()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	srv, err := server.Start(context.Background(), server.Config{
		DataDir: t.TempDir(), Listen: "127.0.0.1:0", AdminPassword: password,
		Logger: log, KV: kv.Options{MinFreeBytes: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	host, port, err := net.SplitHostPort(srv.Addr.String())
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

// required reports whether client must run rather than be skipped.
func required(client string) bool {
	for _, c := range strings.Split(os.Getenv(requireEnv), ",") {
		if c = strings.TrimSpace(c); c == "all" || c == client {
			return true
		}
	}
	return false
}

// need returns the path of a program or file the client needs, or skips
// (fails when the client is required).
func need(t *testing.T, client, what string) string {
	t.Helper()
	if filepath.IsAbs(what) {
		if _, err := os.Stat(what); err == nil {
			return what
		}
	} else if p, err := exec.LookPath(what); err == nil {
		return p
	}
	msg := fmt.Sprintf("%s: %s is not installed (make compat-deps installs it)", client, what)
	if required(client) {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// runClient runs a client's script and checks its PASS/FAIL lines against
// expected-failures.txt.
func runClient(t *testing.T, client string, cmd *exec.Cmd) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
	c.Dir, c.Env = cmd.Dir, append(os.Environ(), cmd.Env...)
	var out, errOut bytes.Buffer
	c.Stdout, c.Stderr = &out, &errOut
	runErr := c.Run()

	expected := expectedFailures(t, client)
	seen := map[string]bool{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "PASS "):
			name := strings.TrimPrefix(line, "PASS ")
			seen[name] = true
			if reason, ok := expected[name]; ok {
				t.Errorf("%s passes now but expected-failures.txt says it fails (%s): remove it from the list and from docs/COMPATIBILITY.md", name, reason)
			}
		case strings.HasPrefix(line, "FAIL "):
			name, why, _ := strings.Cut(strings.TrimPrefix(line, "FAIL "), ": ")
			seen[name] = true
			if _, ok := expected[name]; !ok {
				t.Errorf("%s: %s", name, why)
			} else {
				t.Logf("%s fails as expected: %s", name, why)
			}
		}
	}
	for name := range expected {
		if !seen[name] {
			t.Errorf("%s is in expected-failures.txt but the script did not run it", name)
		}
	}
	if len(seen) == 0 || (runErr != nil && !t.Failed() && len(expected) == 0) {
		t.Errorf("%s did not run: %v\nstdout:\n%s\nstderr:\n%s", client, runErr, out.String(), errOut.String())
	} else if t.Failed() {
		t.Logf("stderr:\n%s", errOut.String())
	}
}

// expectedFailures reads the checks of client listed in
// expected-failures.txt ("client check  # reason").
func expectedFailures(t *testing.T, client string) map[string]string {
	t.Helper()
	data, err := os.ReadFile("expected-failures.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		entry, reason, _ := strings.Cut(line, "#")
		f := strings.Fields(entry)
		if len(f) != 2 || strings.TrimSpace(reason) == "" {
			t.Fatalf("expected-failures.txt: %q: want \"client check  # reason\"", line)
		}
		if f[0] == client {
			out[f[1]] = strings.TrimSpace(reason)
		}
	}
	return out
}

// TestJDBC runs compat/jdbc/Compat.java with Debian's PostgreSQL JDBC
// driver.
func TestJDBC(t *testing.T) {
	java := need(t, "jdbc", "java")
	jar := need(t, "jdbc", "/usr/share/java/postgresql.jar")
	host, port := startServer(t)
	u := fmt.Sprintf("jdbc:postgresql://%s:%s/defaultdb?user=admin&password=%s&sslmode=disable&prepareThreshold=1",
		host, port, url.QueryEscape(password))
	runClient(t, "jdbc", exec.Command(java, "-cp", jar, "jdbc/Compat.java", u))
}

// python returns Debian's Python, where the python3-psycopg2,
// python3-psycopg and python3-sqlalchemy packages install (a python3
// earlier on PATH, such as pyenv's, does not see them).
func python(t *testing.T, client string) string {
	t.Helper()
	return need(t, client, "/usr/bin/python3")
}

// pythonModule skips (or fails, when required) unless Debian's Python can
// import module.
func pythonModule(t *testing.T, client, py, module string) {
	t.Helper()
	if err := exec.Command(py, "-c", "import "+module).Run(); err != nil {
		msg := fmt.Sprintf("%s: python module %s is not installed (make compat-deps installs it)", client, module)
		if required(client) {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

func libpqDSN(host, port string) string {
	return fmt.Sprintf("host=%s port=%s dbname=defaultdb user=admin password=%s sslmode=disable", host, port, password)
}

// runPython runs a script of compat/python with Debian's Python, once the
// modules it imports are there; arg is built from the server's address.
func runPython(t *testing.T, client, script string, modules []string, arg func(host, port string) string) {
	t.Helper()
	py := python(t, client)
	for _, m := range modules {
		pythonModule(t, client, py, m)
	}
	host, port := startServer(t)
	cmd := exec.Command(py, script, arg(host, port))
	cmd.Dir = "python"
	runClient(t, client, cmd)
}

// TestPsycopg2 runs compat/python/psycopg2_compat.py.
func TestPsycopg2(t *testing.T) {
	runPython(t, "psycopg2", "psycopg2_compat.py", []string{"psycopg2"}, libpqDSN)
}

// TestPsycopg3 runs compat/python/psycopg3_compat.py.
func TestPsycopg3(t *testing.T) {
	runPython(t, "psycopg3", "psycopg3_compat.py", []string{"psycopg"}, libpqDSN)
}

// TestSQLAlchemy runs compat/python/sqlalchemy_reflect.py.
func TestSQLAlchemy(t *testing.T) {
	runPython(t, "sqlalchemy", "sqlalchemy_reflect.py", []string{"sqlalchemy", "psycopg2"}, func(host, port string) string {
		return fmt.Sprintf("postgresql+psycopg2://admin:%s@%s:%s/defaultdb?sslmode=disable", url.QueryEscape(password), host, port)
	})
}

// TestDjango runs compat/python/django_compat.py: migrations, the ORM
// and fixtures of Debian's Django (python3-django).
func TestDjango(t *testing.T) {
	runPython(t, "django", "django_compat.py", []string{"django", "psycopg2"}, libpqDSN)
}

// TestNodePG runs compat/node/pg_compat.js with node-postgres, installed
// into compat/node/node_modules by make compat-deps.
func TestNodePG(t *testing.T) {
	node := need(t, "node-pg", "node")
	need(t, "node-pg", mustAbs(t, "node/node_modules/pg/package.json"))
	host, port := startServer(t)
	u := fmt.Sprintf("postgresql://admin:%s@%s/defaultdb?sslmode=disable", url.QueryEscape(password), net.JoinHostPort(host, port))
	cmd := exec.Command(node, "pg_compat.js", u)
	cmd.Dir = "node"
	runClient(t, "node-pg", cmd)
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
