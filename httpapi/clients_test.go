package httpapi_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCurl drives the API with curl, as a batch job would: log in, write
// a key from a file, read it back.
func TestCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not found in PATH")
	}
	ts := startServer(t, nil)
	run := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, curl, append([]string{"-sS", "--fail-with-body"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("curl %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	login := run("-H", "Content-Type: application/json", "-d", `{"user":"admin","password":"`+adminPassword+`"}`, ts.base+"/api/v1/login")
	i := strings.Index(login, `"token":"`)
	if i < 0 {
		t.Fatalf("login: %s", login)
	}
	tok := login[i+9 : i+9+43]
	out := run("-X", "PUT", "-H", "Authorization: Bearer "+tok, "-H", "Content-Type: text/plain", "--data-binary", "from curl",
		ts.base+"/api/v1/db/defaultdb/kv/build%2F42")
	if !strings.Contains(out, `"key":"build/42"`) {
		t.Fatalf("put: %s", out)
	}
	if out := run("-u", "admin:"+adminPassword, ts.base+"/api/v1/db/defaultdb/kv/build%2F42"); out != "from curl" {
		t.Fatalf("get: %q", out)
	}
}

// TestJavaClient compiles and runs testdata/java/HttpApiProbe.java, a
// client using only java.net.HttpURLConnection that logs in, writes,
// reads, lists history and verifies the key's proof on its own.
func TestJavaClient(t *testing.T) {
	javac, err1 := exec.LookPath("javac")
	java, err2 := exec.LookPath("java")
	if err1 != nil || err2 != nil {
		t.Skip("no JDK (javac and java) in PATH: install one to run the Java HTTP client test")
	}
	ts := startServer(t, nil)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, javac, "-d", dir, filepath.Join("testdata", "java", "HttpApiProbe.java")).CombinedOutput(); err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(ctx, java, "-cp", dir, "HttpApiProbe", ts.base, "admin", adminPassword).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "OK verified java/probe") {
		t.Fatalf("java: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
