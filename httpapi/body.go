package httpapi

import (
	"io"
	"net/http"
)

// readBody reads a request's whole body; over Config.MaxBody it fails
// with *http.MaxBytesError (413).
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if b == nil && err == nil {
		b = []byte{}
	}
	return b, err
}
