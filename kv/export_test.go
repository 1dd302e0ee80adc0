package kv

// Test-only access to unexported knobs.

// SetUnsafeNoSync makes commits skip fsync (benchmark set-up only).
func (o *Options) SetUnsafeNoSync() { o.unsafeNoSync = true }
