package httpapi

// SetMaxResultBytes lets tests lower the result limit.
func SetMaxResultBytes(n int64) (restore func()) {
	old := maxResultBytes
	maxResultBytes = n
	return func() { maxResultBytes = old }
}
