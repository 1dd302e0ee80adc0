package types

// parseUUID is uuid_in: 32 hex digits, any case, optionally inside
// braces, with an optional hyphen after any group of four digits (so
// both the standard 8-4-4-4-12 form and other groupings are accepted).
// No blanks are allowed.
func parseUUID(s string) (Datum, error) {
	var u UUID
	i := 0
	braces := len(s) > 0 && s[0] == '{'
	if braces {
		i++
	}
	for k := 0; k < 16; k++ {
		if i+1 >= len(s) {
			return nil, errSyntax("uuid", s)
		}
		hi, ok1 := hexVal(s[i])
		lo, ok2 := hexVal(s[i+1])
		if !ok1 || !ok2 {
			return nil, errSyntax("uuid", s)
		}
		u[k] = hi<<4 | lo
		i += 2
		if i < len(s) && s[i] == '-' && k%2 == 1 && k < 15 {
			i++
		}
	}
	if braces {
		if i >= len(s) || s[i] != '}' {
			return nil, errSyntax("uuid", s)
		}
		i++
	}
	if i != len(s) {
		return nil, errSyntax("uuid", s)
	}
	return u, nil
}

// appendUUID is uuid_out: lowercase, hyphenated 8-4-4-4-12.
func appendUUID(dst []byte, u UUID) []byte {
	const digits = "0123456789abcdef"
	for k, c := range u {
		if k == 4 || k == 6 || k == 8 || k == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, digits[c>>4], digits[c&15])
	}
	return dst
}

// String returns the uuid in its standard text form.
func (u UUID) String() string { return string(appendUUID(nil, u)) }

func decodeUUID(b []byte) (Datum, error) {
	if len(b) < 16 {
		return nil, errInsufficientData()
	}
	if len(b) > 16 {
		return nil, errBinaryFormat()
	}
	var u UUID
	copy(u[:], b)
	return u, nil
}
