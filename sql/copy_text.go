package sql

import "github.com/stela-db/stela/sql/types"

// copyFields are the fields of one line, decoded: field i is
// buf[ends[i-1]:ends[i]], or NULL when null[i]. The slices are reused
// from line to line.
type copyFields struct {
	buf  []byte
	ends []int
	null []bool
	// quoted marks CSV fields that had quotes (FORCE_NULL reads it).
	quoted []bool
}

func (f *copyFields) reset() {
	f.buf, f.ends, f.null, f.quoted = f.buf[:0], f.ends[:0], f.null[:0], f.quoted[:0]
}

// len is the number of fields.
func (f *copyFields) len() int { return len(f.ends) }

// value returns field i's bytes (nil and true for NULL).
func (f *copyFields) value(i int) ([]byte, bool) {
	if f.null[i] {
		return nil, true
	}
	start := 0
	if i > 0 {
		start = f.ends[i-1]
	}
	return f.buf[start:f.ends[i]], false
}

func (f *copyFields) end(null, quoted bool) {
	f.ends = append(f.ends, len(f.buf))
	f.null = append(f.null, null)
	f.quoted = append(f.quoted, quoted)
}

// splitText splits a line of text format into fields and undoes the
// escapes, as PostgreSQL's CopyReadAttributesText: a field equal to the
// NULL marker before de-escaping is NULL; `\b \f \n \r \t \v`, octal
// `\ooo` and hex `\xhh` stand for their byte; a backslash before any
// other byte makes it literal; a backslash ending the line is dropped.
// Bytes made by escapes must form valid UTF-8 (22021).
func splitText(line []byte, delim byte, null string, f *copyFields) error {
	f.reset()
	pos := 0
	for {
		start := pos
		end := pos // end of the raw field (before the delimiter)
		nonASCII := false
		outStart := len(f.buf)
		foundDelim := false
		for {
			end = pos
			if pos >= len(line) {
				break
			}
			// Copy the run up to the next special byte at once.
			k := pos
			for k < len(line) && line[k] != delim && line[k] != '\\' {
				k++
			}
			f.buf = append(f.buf, line[pos:k]...)
			pos = k
			end = pos
			if pos >= len(line) {
				break
			}
			c := line[pos]
			pos++
			if c == delim {
				foundDelim = true
				break
			}
			// A backslash.
			if pos >= len(line) {
				break
			}
			c = line[pos]
			pos++
			switch {
			case c >= '0' && c <= '7':
				v := int(c - '0')
				for n := 0; n < 2 && pos < len(line) && line[pos] >= '0' && line[pos] <= '7'; n++ {
					v = v<<3 + int(line[pos]-'0')
					pos++
				}
				c = byte(v)
				if c == 0 || c >= 0x80 {
					nonASCII = true
				}
			case c == 'x':
				if pos < len(line) && isHex(line[pos]) {
					v := hexVal(line[pos])
					pos++
					if pos < len(line) && isHex(line[pos]) {
						v = v<<4 + hexVal(line[pos])
						pos++
					}
					c = byte(v)
					if c == 0 || c >= 0x80 {
						nonASCII = true
					}
				}
			case c == 'b':
				c = '\b'
			case c == 'f':
				c = '\f'
			case c == 'n':
				c = '\n'
			case c == 'r':
				c = '\r'
			case c == 't':
				c = '\t'
			case c == 'v':
				c = '\v'
			}
			f.buf = append(f.buf, c)
		}
		if end-start == len(null) && string(line[start:end]) == null {
			f.buf = f.buf[:outStart]
			f.end(true, false)
		} else {
			if nonASCII {
				if err := types.CheckEncodingBytes(f.buf[outStart:]); err != nil {
					return err
				}
			}
			f.end(false, false)
		}
		if !foundDelim {
			return nil
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case c >= 'a':
		return int(c-'a') + 10
	case c >= 'A':
		return int(c-'A') + 10
	}
	return int(c - '0')
}

// appendTextField appends a value in text format, as PostgreSQL's
// CopyAttributeOutText: backslash, the delimiter and the control
// characters with a letter escape are escaped; other bytes are as is.
func appendTextField(dst, v []byte, delim byte) []byte {
	start := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		var esc byte
		switch {
		case c < 0x20:
			// Checked before the delimiter, as in PostgreSQL: a tab
			// delimiter still leaves a tab in the data as \t.
			switch c {
			case '\b':
				esc = 'b'
			case '\f':
				esc = 'f'
			case '\n':
				esc = 'n'
			case '\r':
				esc = 'r'
			case '\t':
				esc = 't'
			case '\v':
				esc = 'v'
			default:
				if c != delim {
					continue
				}
				esc = c
			}
		case c == '\\' || c == delim:
			esc = c
		default:
			continue
		}
		dst = append(dst, v[start:i]...)
		dst = append(dst, '\\', esc)
		start = i + 1
	}
	return append(dst, v[start:]...)
}
