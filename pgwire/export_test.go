package pgwire

// Test-only knobs.

// SetTrustAuth makes the server skip authentication (fuzzing the session
// loop needs sessions without a SCRAM exchange).
func (c *Config) SetTrustAuth() { c.trustAuth = true }
