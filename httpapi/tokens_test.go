package httpapi

import (
	"testing"
	"time"
)

// TestTokenStore checks expiry and revocation on a clock the test moves.
func TestTokenStore(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := newTokenStore(func() time.Time { return now })
	tok, exp, err := ts.issue("alice", time.Hour)
	if err != nil || !exp.Equal(now.Add(time.Hour)) {
		t.Fatal(exp, err)
	}
	if u, ok := ts.user(tok); !ok || u != "alice" {
		t.Fatalf("fresh token: %q %v", u, ok)
	}
	if _, ok := ts.user(tok + "x"); ok {
		t.Fatal("a forged token is accepted")
	}
	now = now.Add(time.Hour)
	if _, ok := ts.user(tok); ok {
		t.Fatal("an expired token is accepted")
	}
	tok, _, _ = ts.issue("bob", time.Hour)
	if !ts.revoke(tok) || ts.revoke(tok) {
		t.Fatal("revoke: want true once, then false")
	}
	if _, ok := ts.user(tok); ok {
		t.Fatal("a revoked token is accepted")
	}
	if len(ts.tokens) != 0 {
		t.Fatalf("%d tokens left", len(ts.tokens))
	}
}
