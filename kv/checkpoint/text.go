package checkpoint

import "unicode/utf8"

// checkLine enforces the signed-note text rules on one line of a body: it
// must be valid UTF-8 and hold no ASCII control character. Newline is
// included in that ban, because the caller has already split on it and a
// newline inside a field would shift every line after it. what names the
// line in the error.
func checkLine(what, s string) error {
	if !utf8.ValidString(s) {
		return malformed("%s %.40q is not valid UTF-8", what, s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 {
			return malformed("%s %.40q has control character %#02x", what, s, s[i])
		}
	}
	return nil
}

// checkOrigin applies the tlog-checkpoint rule (non-empty) plus our length
// limit. It deliberately allows spaces and '+': the specification only
// recommends avoiding them, and a verifier must not reject a log for
// ignoring a recommendation.
func checkOrigin(origin string) error {
	switch {
	case origin == "":
		return malformed("empty origin")
	case len(origin) > MaxOriginLen:
		return malformed("origin is %d bytes, over the %d-byte limit", len(origin), MaxOriginLen)
	}
	return checkLine("origin", origin)
}

// checkExtensions enforces that extension lines are few and non-empty; an
// empty line would be indistinguishable from the blank line that separates
// a signed note's text from its signatures.
func checkExtensions(ext []string) error {
	if len(ext) > MaxExtensions {
		return malformed("%d extension lines, over the limit of %d", len(ext), MaxExtensions)
	}
	for _, e := range ext {
		if e == "" {
			return malformed("empty extension line")
		}
		if err := checkLine("extension line", e); err != nil {
			return err
		}
	}
	return nil
}
