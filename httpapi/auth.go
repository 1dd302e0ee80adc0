package httpapi

import (
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/internal/passwd"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// loginRequest is the body of POST /api/v1/login: password in clear, or
// password_base64 (base64 of its UTF-8 bytes), not both.
type loginRequest struct {
	User           string  `json:"user"`
	Password       *string `json:"password"`
	PasswordBase64 *string `json:"password_base64"`
}

// loginResponse is its answer.
type loginResponse struct {
	Token     string `json:"token"`
	ExpiresAt string `json:"expires_at"` // RFC 3339, UTC
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.User == "" {
		writeError(w, pgerror.New(pgcode.InvalidAuthorizationSpecification, "no user name given").WithHint(`send {"user": "...", "password": "..."}`))
		return
	}
	var pw string
	switch {
	case req.Password != nil && req.PasswordBase64 != nil:
		writeError(w, badRequest("give password or password_base64, not both"))
		return
	case req.Password != nil:
		pw = *req.Password
	case req.PasswordBase64 != nil:
		b, err := base64.StdEncoding.DecodeString(*req.PasswordBase64)
		if err != nil {
			writeError(w, badRequest("password_base64 is not base64 (RFC 4648, padded)"))
			return
		}
		pw = string(b)
	default:
		writeError(w, pgerror.New(pgcode.InvalidPassword, "no password given").WithHint(`send "password" or "password_base64"`))
		return
	}
	if _, err := s.checkPassword(r, req.User, pw); err != nil {
		writeError(w, err)
		return
	}
	tok, exp, err := s.tokens.issue(req.User, s.cfg.TokenTTL)
	if err != nil {
		writeError(w, err)
		return
	}
	s.log.Debug().Str("user", req.User).Msg("login")
	writeJSON(w, http.StatusOK, loginResponse{Token: tok, ExpiresAt: exp.UTC().Format(time.RFC3339)})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	tok, ok := bearer(r)
	if !ok || !s.tokens.revoke(tok) {
		writeError(w, authRequired("no live token to log out: send Authorization: Bearer <token>"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// bearer returns the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:]), true
	}
	return "", false
}

// authenticate returns the request's user: by token, or by HTTP Basic
// credentials checked as a login is. Each request looks the user up
// again, so that a user dropped, deactivated or made superuser since the
// login is seen at once.
func (s *Server) authenticate(r *http.Request) (*catalog.User, error) {
	if tok, ok := bearer(r); ok {
		name, ok := s.tokens.user(tok)
		if !ok {
			return nil, authRequired("invalid or expired token: log in again (POST /api/v1/login)")
		}
		u, err := s.engine.LookupUser(name)
		if err != nil || !u.Login {
			return nil, pgerror.Newf(pgcode.InvalidAuthorizationSpecification, "role \"%s\" is not permitted to log in", name)
		}
		return u, nil
	}
	if user, pw, ok := r.BasicAuth(); ok {
		return s.checkPassword(r, user, pw)
	}
	return nil, authRequired("authentication required: send Authorization: Bearer <token> (POST /api/v1/login) or HTTP Basic credentials")
}

// checkPassword checks a user's password as pgwire checks a cleartext
// one: the same answer whether the user exists or not, a decoy check's
// cost for unknown users, and the shared failed-login slowdown.
func (s *Server) checkPassword(r *http.Request, user, pw string) (*catalog.User, error) {
	u, err := s.engine.LookupUser(user)
	if err != nil && !pgerror.HasCode(err, pgcode.UndefinedObject) {
		s.log.Error().Err(err).Str("user", user).Msg("user lookup failed")
		return nil, err
	}
	ok := false
	if u != nil && u.Verifier != "" {
		ok = passwd.Check(u.Verifier, pw)
	} else {
		// Spend the time a real check would take.
		_ = passwd.Check(passwd.Format(passwd.Decoy(s.engine.DecoySecret(), user)), pw)
	}
	addr := remoteAddr(r)
	if !ok {
		wait := s.cfg.Logins.Attempt(user, addr, false)
		s.log.Warn().Str("user", user).Str("remote", r.RemoteAddr).Dur("delay", wait).Msg("password authentication failed")
		sleep(r, wait)
		return nil, pgerror.Newf(pgcode.InvalidPassword, "password authentication failed for user \"%s\"", user)
	}
	if wait := s.cfg.Logins.Attempt(user, addr, true); wait > 0 {
		// Still throttled: a guess that succeeds is answered no faster.
		sleep(r, wait)
	}
	if !u.Login {
		s.log.Warn().Str("user", user).Msg("login refused: role may not log in")
		return nil, pgerror.Newf(pgcode.InvalidAuthorizationSpecification, "role \"%s\" is not permitted to log in", user)
	}
	return u, nil
}

// sleep waits d, or less if the client goes away.
func sleep(r *http.Request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

func remoteAddr(r *http.Request) net.Addr {
	ap, err := net.ResolveTCPAddr("tcp", r.RemoteAddr)
	if err != nil {
		return nil
	}
	return ap
}
