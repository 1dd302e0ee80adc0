package httpapi

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// tokenStore holds the login tokens: server memory only, so a restart
// logs every client out. The map is keyed by the SHA-256 of the token,
// so that neither a lookup's timing nor a heap dump gives a token away.
type tokenStore struct {
	now func() time.Time // a seam for tests

	mu     sync.Mutex
	tokens map[[32]byte]tokenEntry // guarded by mu
}

type tokenEntry struct {
	user    string
	expires time.Time
}

func newTokenStore(now func() time.Time) *tokenStore {
	return &tokenStore{now: now, tokens: map[[32]byte]tokenEntry{}}
}

// issue makes a token for user valid for ttl.
func (t *tokenStore) issue(user string, ttl time.Duration) (string, time.Time, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", time.Time{}, err
	}
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	exp := t.now().Add(ttl)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweepLocked()
	t.tokens[sha256.Sum256([]byte(tok))] = tokenEntry{user: user, expires: exp}
	return tok, exp, nil
}

// user returns the user of a live token.
func (t *tokenStore) user(tok string) (string, bool) {
	h := sha256.Sum256([]byte(tok))
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.tokens[h]
	if !ok {
		return "", false
	}
	if !t.now().Before(e.expires) {
		delete(t.tokens, h)
		return "", false
	}
	return e.user, true
}

// revoke ends a token; it reports whether it was live.
func (t *tokenStore) revoke(tok string) bool {
	h := sha256.Sum256([]byte(tok))
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.tokens[h]
	delete(t.tokens, h)
	return ok
}

// sweepLocked drops expired tokens, so that logins that never log out do
// not grow the map without bound. Requires t.mu.
func (t *tokenStore) sweepLocked() {
	now := t.now()
	for h, e := range t.tokens {
		if !now.Before(e.expires) {
			delete(t.tokens, h)
		}
	}
}
