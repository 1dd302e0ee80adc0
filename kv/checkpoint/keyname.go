package checkpoint

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// checkKeyName enforces the signed-note rules for key names (non-empty, no
// Unicode space, no '+') and adds two of ours: no ASCII control character,
// since a note containing one is malformed anyway, and the origin length
// limit, since a log's key name should be its origin. Rejecting such names
// when a key is loaded beats producing notes nobody can verify.
func checkKeyName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("checkpoint: empty key name")
	case len(name) > MaxOriginLen:
		return fmt.Errorf("checkpoint: key name is %d bytes, over the %d-byte limit", len(name), MaxOriginLen)
	case !utf8.ValidString(name):
		return fmt.Errorf("checkpoint: key name %.40q is not valid UTF-8", name)
	case strings.ContainsRune(name, '+'):
		return fmt.Errorf("checkpoint: key name %.40q contains '+'", name)
	case strings.IndexFunc(name, unicode.IsSpace) >= 0:
		return fmt.Errorf("checkpoint: key name %.40q contains a space", name)
	case strings.IndexFunc(name, isASCIIControl) >= 0:
		return fmt.Errorf("checkpoint: key name %.40q contains a control character", name)
	}
	return nil
}

func isASCIIControl(r rune) bool { return r < 0x20 || r == 0x7f }
