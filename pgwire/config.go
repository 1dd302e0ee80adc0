package pgwire

import (
	"crypto/tls"
	"time"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/internal/loginlimit"
)

// Defaults.
const (
	DefaultMaxMessageSize = 64 << 20
	DefaultMaxConnections = 200
	DefaultStartupTimeout = 60 * time.Second
)

// Config configures a Server.
type Config struct {
	// TLS, when set, is offered to clients that send SSLRequest.
	TLS *tls.Config
	// RequireTLS refuses connections that did not negotiate TLS.
	RequireTLS bool
	// AllowCleartext lets clients log in with a cleartext password, and
	// only over TLS; SCRAM-SHA-256 is used otherwise.
	AllowCleartext bool
	// MaxMessageSize bounds a frontend message's body (default 64 MiB).
	MaxMessageSize int
	// MaxConnections bounds concurrent sessions (default 200); one more is
	// refused with 53300.
	MaxConnections int
	// StartupTimeout bounds the startup and authentication phase.
	StartupTimeout time.Duration
	// FailedLogins slows down repeated failed logins (loginlimit.go).
	FailedLogins LoginLimits
	// Logins, when set, is the slowdown shared with other front ends
	// (the HTTP API); FailedLogins is then ignored.
	Logins *loginlimit.Limiter
	Logger zerolog.Logger

	// trustAuth skips authentication; only tests set it (export_test.go).
	trustAuth bool
	// beforeMessage, set only by tests, sees each message of a session
	// before it is handled (tests make it panic: panics.go).
	beforeMessage func(typ byte, body []byte)
	// atSessionEnd, set only by tests, runs as a session ends, before its
	// portals and session are closed (tests make it panic).
	atSessionEnd func()
}

func (c Config) withDefaults() Config {
	if c.MaxMessageSize <= 0 {
		c.MaxMessageSize = DefaultMaxMessageSize
	}
	if c.MaxConnections <= 0 {
		c.MaxConnections = DefaultMaxConnections
	}
	if c.StartupTimeout <= 0 {
		c.StartupTimeout = DefaultStartupTimeout
	}
	return c
}
