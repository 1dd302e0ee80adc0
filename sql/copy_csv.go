package sql

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// splitCSV splits a CSV line (which may span physical lines inside
// quotes) into fields, as PostgreSQL's CopyReadAttributesCSV: quotes may
// open and close anywhere in a field; inside them the escape byte
// followed by the quote or the escape stands for that byte; an unquoted
// field equal to the NULL marker is NULL.
func splitCSV(line []byte, o *copyOptions, f *copyFields) error {
	f.reset()
	delim, quote, escape := o.delim, o.quote, o.escape
	pos := 0
	for {
		start := pos
		end := pos
		sawQuote, foundDelim := false, false
	field:
		for {
			// Outside quotes.
			for {
				end = pos
				if pos >= len(line) {
					break field
				}
				c := line[pos]
				pos++
				if c == delim {
					foundDelim = true
					break field
				}
				if c == quote {
					sawQuote = true
					break
				}
				f.buf = append(f.buf, c)
			}
			// Inside quotes.
			for {
				if pos >= len(line) {
					return pgerror.New(pgcode.BadCopyFileFormat, "unterminated CSV quoted field")
				}
				c := line[pos]
				pos++
				if c == escape && pos < len(line) && (line[pos] == escape || line[pos] == quote) {
					f.buf = append(f.buf, line[pos])
					pos++
					continue
				}
				if c == quote {
					break
				}
				f.buf = append(f.buf, c)
			}
		}
		if !sawQuote && end-start == len(o.null) && string(line[start:end]) == o.null {
			f.buf = f.buf[:len(f.buf)-(end-start)]
			f.end(true, false)
		} else {
			f.end(false, sawQuote)
		}
		if !foundDelim {
			return nil
		}
	}
}

// appendCSVField appends a value in CSV format, as PostgreSQL's
// CopyAttributeOutCSV: quoted when forced, when equal to the NULL marker,
// when it holds the delimiter, the quote or a line end, or when it is
// `\.` alone on its line; inside quotes the quote and the escape are
// escaped.
func appendCSVField(dst, v []byte, o *copyOptions, force, single bool) []byte {
	quote := force || string(v) == o.null
	if !quote {
		if single && string(v) == `\.` {
			quote = true
		} else {
			for _, c := range v {
				if c == o.delim || c == o.quote || c == '\n' || c == '\r' {
					quote = true
					break
				}
			}
		}
	}
	if !quote {
		return append(dst, v...)
	}
	dst = append(dst, o.quote)
	start := 0
	for i, c := range v {
		if c == o.quote || c == o.escape {
			dst = append(dst, v[start:i]...)
			dst = append(dst, o.escape)
			start = i
		}
	}
	dst = append(dst, v[start:]...)
	return append(dst, o.quote)
}
