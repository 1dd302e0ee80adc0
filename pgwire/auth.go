package pgwire

import (
	"time"

	"github.com/jackc/pgproto3/v2"
	"github.com/xdg-go/scram"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/internal/passwd"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

const (
	mechSCRAM     = "SCRAM-SHA-256"
	mechSCRAMPlus = "SCRAM-SHA-256-PLUS"
)

// authFailed is the one answer to every failed login, whether the user
// exists or not.
func authFailed(user string) error {
	return pgerror.Newf(pgcode.InvalidPassword, "password authentication failed for user \"%s\"", user).WithSeverity(pgerror.SeverityFatal)
}

// authenticate runs SCRAM-SHA-256 (or a cleartext password, when allowed
// and over TLS) for user and returns the user's record.
func (c *conn) authenticate(user string) (*catalog.User, error) {
	u, lookupErr := c.srv.engine.LookupUser(user)
	if lookupErr != nil && !pgerror.HasCode(lookupErr, pgcode.UndefinedObject) {
		c.log.Error().Err(lookupErr).Str("user", user).Msg("user lookup failed")
		return nil, pgerror.Flatten(lookupErr).WithSeverity(pgerror.SeverityFatal)
	}
	if c.srv.cfg.trustAuth && u != nil {
		return u, nil
	}
	var ok bool
	var err error
	if c.srv.cfg.AllowCleartext && c.tls {
		ok, err = c.cleartext(u)
	} else {
		ok, err = c.scram(user, u)
	}
	if err != nil {
		return nil, err
	}
	if !ok || u == nil || u.Verifier == "" {
		reason := AuthBadPassword
		if u == nil {
			reason = AuthUnknownUser
		}
		c.srv.stats.authFailed(reason)
		c.loginFailed(user)
		return nil, authFailed(user)
	}
	if wait := c.srv.logins.Attempt(user, c.raw.RemoteAddr(), true); wait > 0 {
		// Still throttled: a guess that succeeds is answered no faster.
		time.Sleep(wait)
	}
	if !u.Login {
		c.srv.stats.authFailed(AuthNoLogin)
		c.log.Warn().Str("user", user).Msg("login refused: role may not log in")
		return nil, pgerror.Newf(pgcode.InvalidAuthorizationSpecification, "role \"%s\" is not permitted to log in", user).WithSeverity(pgerror.SeverityFatal)
	}
	return u, nil
}

// loginFailed logs a failed login and waits before the answer, longer
// after repeated failures (loginlimit.go), so that guessing passwords
// over one connection after another is slow.
func (c *conn) loginFailed(user string) {
	wait := c.srv.logins.Attempt(user, c.raw.RemoteAddr(), false)
	c.log.Warn().Str("user", user).Dur("delay", wait).Msg("password authentication failed")
	time.Sleep(wait)
}

// scram runs the SASL exchange. It reports false for a wrong password (or
// an unknown user, which gets decoy credentials so that the exchange looks
// the same).
func (c *conn) scram(user string, u *catalog.User) (bool, error) {
	creds := passwd.Decoy(c.srv.engine.DecoySecret(), user)
	if u != nil && u.Verifier != "" {
		if parsed, err := passwd.Parse(u.Verifier); err == nil {
			creds = parsed
		} else {
			c.log.Error().Err(err).Str("user", user).Msg("stored password verifier is malformed")
		}
	}
	server, err := scram.SHA256.NewServer(func(string) (scram.StoredCredentials, error) {
		// PostgreSQL clients leave the SCRAM user name empty: the user is
		// the one of the startup packet.
		return creds, nil
	})
	if err != nil {
		return false, err
	}

	mechs := []string{mechSCRAM}
	var binding scram.ChannelBinding
	if c.tls {
		if b, ok := c.srv.channelBinding(); ok {
			binding = b
			mechs = []string{mechSCRAMPlus, mechSCRAM}
		}
	}
	c.w.send(&pgproto3.AuthenticationSASL{AuthMechanisms: mechs})
	if err := c.w.flush(); err != nil {
		return false, err
	}

	body, err := c.readPasswordMessage()
	if err != nil {
		return false, err
	}
	// Decoded here: pgproto3's SASLInitialResponse.Decode panics on a
	// body cut short after the mechanism's name.
	initial, err := decodeSASLInitial(body)
	if err != nil {
		return false, protocolViolation("malformed SASL initial response: %v", err)
	}
	var conv *scram.ServerConversation
	switch initial.AuthMechanism {
	case mechSCRAM:
		if binding.IsSupported() {
			// PLUS was offered: a client that says it supports channel
			// binding but thinks we don't ("y") is being downgraded.
			conv = server.NewConversationWithChannelBinding(binding)
		} else {
			conv = server.NewConversation()
		}
	case mechSCRAMPlus:
		if !binding.IsSupported() {
			return false, protocolViolation("client selected an invalid SASL authentication mechanism")
		}
		conv = server.NewConversationWithChannelBindingRequired(binding)
	default:
		return false, protocolViolation("client selected an invalid SASL authentication mechanism")
	}
	first, err := conv.Step(string(initial.Data))
	if err != nil {
		return false, nil
	}
	c.w.send(&pgproto3.AuthenticationSASLContinue{Data: []byte(first)})
	if err := c.w.flush(); err != nil {
		return false, err
	}

	body, err = c.readPasswordMessage()
	if err != nil {
		return false, err
	}
	var resp pgproto3.SASLResponse
	if err := resp.Decode(body); err != nil {
		return false, protocolViolation("malformed SASL response: %v", err)
	}
	final, err := conv.Step(string(resp.Data))
	if err != nil || !conv.Valid() {
		return false, nil
	}
	c.w.send(&pgproto3.AuthenticationSASLFinal{Data: []byte(final)})
	return true, nil
}

// cleartext asks for the password in clear (only ever over TLS).
func (c *conn) cleartext(u *catalog.User) (bool, error) {
	c.w.send(&pgproto3.AuthenticationCleartextPassword{})
	if err := c.w.flush(); err != nil {
		return false, err
	}
	body, err := c.readPasswordMessage()
	if err != nil {
		return false, err
	}
	var pm pgproto3.PasswordMessage
	if err := pm.Decode(body); err != nil {
		return false, protocolViolation("malformed password message: %v", err)
	}
	if u == nil || u.Verifier == "" {
		// Spend the time a real check would take.
		_ = passwd.Check(passwd.Format(passwd.Decoy(c.srv.engine.DecoySecret(), "x")), pm.Password)
		return false, nil
	}
	return passwd.Check(u.Verifier, pm.Password), nil
}

// readPasswordMessage reads the next message, which must be a 'p'.
func (c *conn) readPasswordMessage() ([]byte, error) {
	typ, body, err := c.r.next()
	if err != nil {
		if isIOError(err) {
			c.log.Debug().Err(err).Msg("client disconnected during authentication")
		}
		return nil, err
	}
	if typ != 'p' {
		return nil, protocolViolation("expected password response, got message type %d", typ)
	}
	return body, nil
}
