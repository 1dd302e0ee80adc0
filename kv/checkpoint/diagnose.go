package checkpoint

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// framingProblem explains why sumdb/note rejected msg, whose framing
// errors all read "malformed note". It only words the error message:
// note.Open alone decides what is accepted, so a gap here costs a vaguer
// message, never a wrong verdict.
func framingProblem(msg []byte) string {
	for i := 0; i < len(msg); {
		r, n := utf8.DecodeRune(msg[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			return fmt.Sprintf("invalid UTF-8 at byte %d", i)
		case r == '\r':
			return fmt.Sprintf("carriage return at byte %d (CRLF line endings?)", i)
		case r < 0x20 && r != '\n':
			return fmt.Sprintf("control character %#02x at byte %d", r, i)
		}
		i += n
	}
	split := bytes.LastIndex(msg, []byte("\n\n"))
	if split < 0 {
		return "no blank line between the text and the signatures"
	}
	sigs := msg[split+2:]
	if len(sigs) == 0 {
		return "no signature lines after the last blank line"
	}
	if sigs[len(sigs)-1] != '\n' {
		return "the last signature line does not end in a newline"
	}
	for i, line := range strings.Split(string(sigs[:len(sigs)-1]), "\n") {
		n := i + 1
		rest, ok := strings.CutPrefix(line, "— ")
		if !ok {
			return fmt.Sprintf("signature line %d does not start with an em dash (U+2014) and a space", n)
		}
		name, b64, ok := strings.Cut(rest, " ")
		if !ok {
			return fmt.Sprintf("signature line %d has no space after the key name", n)
		}
		if name == "" || strings.ContainsRune(name, '+') || strings.IndexFunc(name, unicode.IsSpace) >= 0 {
			return fmt.Sprintf("signature line %d has invalid key name %.40q", n, name)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || b64 == "" {
			return fmt.Sprintf("signature line %d is not base64", n)
		}
		if len(raw) < 5 {
			return fmt.Sprintf("signature line %d is too short to hold a key ID and a signature", n)
		}
	}
	return "not a well-formed signed note"
}
