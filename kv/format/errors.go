package format

import (
	"errors"
	"fmt"
)

// ErrCorrupt marks bytes that do not decode as what they claim to be: a
// stored record damaged on disk, or a header or entry received from an
// untrusted peer. It survives wrapping; test for it with errors.Is.
var ErrCorrupt = errors.New("corrupt data")

// corruptf returns an error that wraps ErrCorrupt with a formatted reason.
func corruptf(format string, args ...any) error {
	return fmt.Errorf("format: %w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}
