package pgwire

// Test-only knobs.

// SetTrustAuth makes the server skip authentication (fuzzing the session
// loop needs sessions without a SCRAM exchange).
func (c *Config) SetTrustAuth() { c.trustAuth = true }

// SetBeforeMessage has f see each message of a session before it is
// handled.
func (c *Config) SetBeforeMessage(f func(typ byte, body []byte)) { c.beforeMessage = f }

// SetAtSessionEnd has f run as each session ends, before its portals and
// session are closed.
func (c *Config) SetAtSessionEnd(f func()) { c.atSessionEnd = f }
