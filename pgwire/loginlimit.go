package pgwire

import "github.com/stela-db/stela/internal/loginlimit"

// The failed-login slowdown lives in internal/loginlimit, shared with the
// HTTP API (server.Start gives both front ends one Limiter). These names
// keep pgwire's configuration as it was.

// LoginLimits configures the slowdown; zero fields take the defaults.
type LoginLimits = loginlimit.Limits

// Defaults of LoginLimits.
const (
	DefaultLoginThreshold  = loginlimit.DefaultThreshold
	DefaultLoginWindow     = loginlimit.DefaultWindow
	DefaultLoginBaseDelay  = loginlimit.DefaultBaseDelay
	DefaultLoginMaxDelay   = loginlimit.DefaultMaxDelay
	DefaultLoginMaxTracked = loginlimit.DefaultMaxTracked
)
