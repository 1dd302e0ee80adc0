package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/httpapi"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/server"
)

const adminPassword = "Test!pw0rd"

// testServer is a real server (pgwire and HTTP on 127.0.0.1:0, a temp
// data dir); base is the HTTP API's URL.
type testServer struct {
	srv  *server.Server
	base string
}

func startServer(t testing.TB, cfgFn func(*httpapi.Config)) *testServer {
	t.Helper()
	return startServerWith(t, func(c *server.Config) {
		if cfgFn != nil {
			cfgFn(&c.HTTP)
		}
	})
}

// startServerWith is startServer with the whole server configuration to
// adjust (TLS, for one).
func startServerWith(t testing.TB, adjust func(*server.Config)) *testServer {
	t.Helper()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel)
	cfg := server.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0",
		AdminPassword: adminPassword, Logger: log, KV: kv.Options{MinFreeBytes: -1},
		HTTP: httpapi.Config{Listen: "127.0.0.1:0"}}
	adjust(&cfg)
	srv, err := server.Start(context.Background(), cfg)
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
	return &testServer{srv: srv, base: "http://" + srv.HTTPAddr.String()}
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body.
func (r *response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %q", err, r.body)
	}
	return m
}

// errCode is the SQLSTATE of an error answer.
func (r *response) errCode(t testing.TB) string {
	t.Helper()
	e, ok := r.json(t)["error"].(map[string]any)
	if !ok {
		t.Fatalf("not an error answer: %d %s", r.status, r.body)
	}
	return e["code"].(string)
}

// auth is how a request authenticates: a bearer token, or basic
// credentials.
type auth struct {
	token      string
	user, pass string
}

var admin = auth{user: "admin", pass: adminPassword}

func (ts *testServer) do(t testing.TB, a auth, method, path, ctype string, body []byte) *response {
	t.Helper()
	req, err := http.NewRequest(method, ts.base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	switch {
	case a.token != "":
		req.Header.Set("Authorization", "Bearer "+a.token)
	case a.user != "":
		req.SetBasicAuth(a.user, a.pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: b}
}

// post sends v as JSON.
func (ts *testServer) post(t testing.TB, a auth, path string, v any) *response {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return ts.do(t, a, "POST", path, "application/json", b)
}

// sql runs statements and fails the test unless they succeed.
func (ts *testServer) sql(t testing.TB, a auth, db, sql string, params ...any) map[string]any {
	t.Helper()
	body := map[string]any{"sql": sql}
	if params != nil {
		body["params"] = params
	}
	r := ts.post(t, a, "/api/v1/db/"+db+"/sql", body)
	if r.status != 200 {
		t.Fatalf("%s: %d %s", sql, r.status, r.body)
	}
	return r.json(t)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// wantStatus fails unless r has the status and, for errors, the SQLSTATE.
func wantStatus(t testing.TB, what string, r *response, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.status, status, r.body)
	}
	if code != "" {
		if got := r.errCode(t); got != code {
			t.Fatalf("%s: code %s, want %s: %s", what, got, code, r.body)
		}
	}
}
