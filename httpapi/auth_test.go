package httpapi_test

import (
	"github.com/stela-db/stela/httpapi"
	"net/http"
	"testing"
	"time"
)

// TestLogin logs in (plain and base64 passwords), uses the token, logs
// out, and checks that wrong passwords, forged and revoked tokens and
// missing credentials are 401 with a SQLSTATE.
func TestLogin(t *testing.T) {
	ts := startServer(t, nil)
	r := ts.post(t, auth{}, "/api/v1/login", map[string]string{"user": "admin", "password": adminPassword})
	wantStatus(t, "login", r, 200, "")
	m := r.json(t)
	tok, _ := m["token"].(string)
	if len(tok) != 43 {
		t.Fatalf("token %q: want 32 bytes in base64url", tok)
	}
	if exp, err := time.Parse(time.RFC3339, m["expires_at"].(string)); err != nil || time.Until(exp) < 50*time.Minute {
		t.Fatalf("expires_at %v (%v): want about an hour ahead", m["expires_at"], err)
	}
	out := ts.sql(t, auth{token: tok}, "defaultdb", "SELECT current_user")
	if rows := out["rows"].([]any); rows[0].([]any)[0] != "admin" {
		t.Fatalf("current_user: %v", rows)
	}
	// Basic auth works on every call.
	ts.sql(t, admin, "defaultdb", "SELECT 1")

	r = ts.post(t, auth{}, "/api/v1/login", map[string]string{"user": "admin", "password_base64": b64(adminPassword)})
	wantStatus(t, "login with password_base64", r, 200, "")

	r = ts.post(t, auth{}, "/api/v1/login", map[string]string{"user": "admin", "password": "wrong"})
	wantStatus(t, "wrong password", r, 401, "28P01")
	r = ts.post(t, auth{}, "/api/v1/login", map[string]string{"user": "nobody", "password": "wrong"})
	wantStatus(t, "unknown user", r, 401, "28P01")
	r = ts.post(t, auth{user: "admin", pass: "wrong"}, "/api/v1/db/defaultdb/sql", map[string]string{"sql": "SELECT 1"})
	wantStatus(t, "basic auth, wrong password", r, 401, "28P01")
	if r.header.Get("WWW-Authenticate") == "" {
		t.Fatal("401 without WWW-Authenticate")
	}
	r = ts.post(t, auth{token: "forged" + tok[6:]}, "/api/v1/db/defaultdb/sql", map[string]string{"sql": "SELECT 1"})
	wantStatus(t, "forged token", r, 401, "28000")
	r = ts.post(t, auth{}, "/api/v1/db/defaultdb/sql", map[string]string{"sql": "SELECT 1"})
	wantStatus(t, "no credentials", r, 401, "28000")

	wantStatus(t, "logout", ts.do(t, auth{token: tok}, "POST", "/api/v1/logout", "", nil), 200, "")
	r = ts.post(t, auth{token: tok}, "/api/v1/db/defaultdb/sql", map[string]string{"sql": "SELECT 1"})
	wantStatus(t, "revoked token", r, 401, "28000")
	wantStatus(t, "second logout", ts.do(t, auth{token: tok}, "POST", "/api/v1/logout", "", nil), 401, "28000")

	// A deactivated user is refused, with its token and at login.
	ts.sql(t, admin, "defaultdb", "CREATE USER carol PASSWORD 'Carol!pw0rd'")
	r = ts.post(t, auth{}, "/api/v1/login", map[string]string{"user": "carol", "password": "Carol!pw0rd"})
	wantStatus(t, "carol's login", r, 200, "")
	carol := auth{token: r.json(t)["token"].(string)}
	ts.sql(t, admin, "defaultdb", "ALTER USER carol NOLOGIN")
	r = ts.post(t, carol, "/api/v1/db/defaultdb/sql", map[string]string{"sql": "SELECT 1"})
	wantStatus(t, "deactivated user's token", r, 401, "28000")
	r = ts.post(t, auth{}, "/api/v1/login", map[string]string{"user": "carol", "password": "Carol!pw0rd"})
	wantStatus(t, "deactivated user's login", r, 401, "28000")
}

// TestTokenExpires: a token stops working once its TTL has passed.
func TestTokenExpires(t *testing.T) {
	ts := startServer(t, func(c *httpapi.Config) { c.TokenTTL = 200 * time.Millisecond })
	r := ts.post(t, auth{}, "/api/v1/login", map[string]string{"user": "admin", "password": adminPassword})
	wantStatus(t, "login", r, 200, "")
	tok := auth{token: r.json(t)["token"].(string)}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r = ts.post(t, tok, "/api/v1/db/defaultdb/sql", map[string]string{"sql": "SELECT 1"})
		if r.status == http.StatusUnauthorized {
			wantStatus(t, "expired token", r, 401, "28000")
			return
		}
		if r.status != 200 || time.Now().After(deadline) {
			t.Fatalf("token still answered %d after its TTL: %s", r.status, r.body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
