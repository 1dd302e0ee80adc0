package types

import "strings"

// parseBool is boolin: blanks trimmed, then any case-insensitive prefix
// of true/false/yes/no, "on"/"off" (at least two letters, since "o" is
// ambiguous), or exactly "1"/"0".
func parseBool(s string) (Datum, error) {
	t := strings.TrimFunc(s, func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })
	if v, ok := boolWord(t); ok {
		return v, nil
	}
	return nil, errSyntax("boolean", s)
}

func boolWord(t string) (bool, bool) {
	if t == "" {
		return false, false
	}
	prefixOf := func(word string) bool {
		return len(t) <= len(word) && strings.EqualFold(t, word[:len(t)])
	}
	switch t[0] | 0x20 {
	case 't':
		return true, prefixOf("true")
	case 'y':
		return true, prefixOf("yes")
	case 'f':
		return false, prefixOf("false")
	case 'n':
		return false, prefixOf("no")
	case 'o':
		if len(t) < 2 {
			return false, false
		}
		if prefixOf("on") {
			return true, true
		}
		return false, prefixOf("off")
	case '1' | 0x20:
		return true, t == "1"
	case '0' | 0x20:
		return false, t == "0"
	}
	return false, false
}

func appendBool(dst []byte, d Datum) []byte {
	if d.(bool) {
		return append(dst, 't')
	}
	return append(dst, 'f')
}

func decodeBool(b []byte) (Datum, error) {
	if len(b) < 1 {
		return nil, errNoDataLeft()
	}
	if len(b) > 1 {
		return nil, errBinaryFormat()
	}
	// boolrecv takes any non-zero byte as true.
	return b[0] != 0, nil
}
