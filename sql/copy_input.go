package sql

import (
	"io"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// CopySource is the data of a COPY FROM STDIN as the client sends it, in
// chunks of any size (CopyData messages do not follow lines or rows).
type CopySource interface {
	// Next returns the next chunk, valid until the next call; io.EOF at
	// the end of the data (CopyDone); or the error that ends the COPY
	// (the client's CopyFail, a broken connection).
	Next() ([]byte, error)
}

// maxCopyLine bounds a line (text, CSV) or a field (binary), as
// PostgreSQL's string buffers are bounded by MaxAllocSize: the input is
// streamed, but one line must fit in memory.
const maxCopyLine = 1<<30 - 1

// copyInput buffers the chunks of a CopySource. The unread bytes are
// buf[pos:]; what was read before pos is dropped at the next fill, so the
// buffer holds about one line or row (plus one chunk), not the stream.
type copyInput struct {
	src CopySource
	buf []byte
	pos int
	eof bool
}

// fill appends the next chunk; false at the end of the data. Slices of
// buf handed out before are invalid after a fill.
func (in *copyInput) fill() (bool, error) {
	if in.eof {
		return false, nil
	}
	chunk, err := in.src.Next()
	if err == io.EOF {
		in.eof = true
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if in.pos > 0 {
		n := copy(in.buf, in.buf[in.pos:])
		in.buf = in.buf[:n]
		in.pos = 0
	}
	if len(in.buf)+len(chunk) > maxCopyLine+4 {
		return false, errCopyTooLong(len(in.buf), len(chunk))
	}
	in.buf = append(in.buf, chunk...)
	return true, nil
}

// ensure makes n unread bytes available unless the data ends first.
func (in *copyInput) ensure(n int) (bool, error) {
	for len(in.buf)-in.pos < n {
		more, err := in.fill()
		if !more || err != nil {
			return false, err
		}
	}
	return true, nil
}

// drain reads and drops the rest of the data: after the end-of-copy
// marker PostgreSQL ignores everything up to the protocol's end of data.
func (in *copyInput) drain() error {
	in.buf, in.pos = in.buf[:0], 0
	for !in.eof {
		if _, err := in.src.Next(); err == io.EOF {
			in.eof = true
		} else if err != nil {
			return err
		}
	}
	return nil
}

func errCopyTooLong(have, more int) error {
	return pgerror.New(pgcode.OutOfMemory, "out of memory").
		WithDetail("Cannot enlarge string buffer containing " + itoa64(int64(have)) + " bytes by " + itoa64(int64(more)) + " more bytes.")
}

// Line endings: the first line decides, the others must agree.
const (
	eolUnknown = iota
	eolNL
	eolCR
	eolCRNL
)

// copyLineReader splits text or CSV input into lines as PostgreSQL's
// CopyReadLineText does: a line ends at an unescaped (text) or unquoted
// (CSV) newline, carriage return or CRLF, consistently; `\.` followed
// by the line end is the end-of-data marker (anywhere in a text line, as
// in PostgreSQL 15, alone on its line in CSV).
type copyLineReader struct {
	in            copyInput
	csv           bool
	quote, escape byte
	eol           int
	done          bool
	// lineNo is the number of the line read last (CSV counts the line
	// ends inside quoted fields, as PostgreSQL does).
	lineNo int64
}

func newCopyLineReader(src CopySource, o *copyOptions) *copyLineReader {
	r := &copyLineReader{in: copyInput{src: src}, csv: o.format == copyCSV, quote: o.quote, escape: o.escape}
	if r.escape == r.quote {
		// As PostgreSQL: a quote that is its own escape is a plain
		// toggle (its escape byte becomes NUL).
		r.escape = 0
	}
	return r
}

// peek returns the byte at offset i of the unread input, reading more
// data if needed; ok is false at the end of the data.
func (r *copyLineReader) peek(i int) (byte, bool, error) {
	ok, err := r.in.ensure(i + 1)
	if !ok || err != nil {
		return 0, false, err
	}
	return r.in.buf[r.in.pos+i], true, nil
}

// next returns the next line without its line end, valid until the next
// call; ok is false at the end of the data.
func (r *copyLineReader) next() (line []byte, ok bool, err error) {
	if r.done {
		return nil, false, nil
	}
	r.lineNo++
	in := &r.in
	i := 0 // offset of the next byte to scan, from in.pos
	inQuote, lastWasEsc, first := false, false, true
	for {
		c, ok, err := r.peek(i)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			// The data ends: what is left is the last line.
			line := in.buf[in.pos:]
			in.pos = len(in.buf)
			r.done = true
			return line, len(line) > 0, nil
		}
		i++
		if r.csv {
			if inQuote && c == r.escape {
				lastWasEsc = !lastWasEsc
			}
			if c == r.quote && !lastWasEsc {
				inQuote = !inQuote
			}
			if c != r.escape {
				lastWasEsc = false
			}
			// PostgreSQL's guess at counting physical lines.
			if want := byte('\r'); inQuote && (c == want && r.eol != eolNL || c == '\n' && r.eol == eolNL) {
				r.lineNo++
			}
		}
		if c == '\r' && (!r.csv || !inQuote) {
			end := i - 1
			switch r.eol {
			case eolUnknown, eolCRNL:
				c2, ok, err := r.peek(i)
				if err != nil {
					return nil, false, err
				}
				if ok && c2 == '\n' {
					i++
					r.eol = eolCRNL
				} else {
					if r.eol == eolCRNL {
						return nil, false, r.errCR()
					}
					r.eol = eolCR
				}
			case eolNL:
				return nil, false, r.errCR()
			}
			return r.take(end, i), true, nil
		}
		if c == '\n' && (!r.csv || !inQuote) {
			if r.eol == eolCR || r.eol == eolCRNL {
				if r.csv {
					return nil, false, pgerror.New(pgcode.BadCopyFileFormat, "unquoted newline found in data").WithHint("Use quoted CSV field to represent newline.")
				}
				return nil, false, pgerror.New(pgcode.BadCopyFileFormat, "literal newline found in data").WithHint(`Use "\n" to represent newline.`)
			}
			r.eol = eolNL
			return r.take(i-1, i), true, nil
		}
		if c == '\\' && (!r.csv || first) {
			c2, ok, err := r.peek(i)
			if err != nil {
				return nil, false, err
			}
			if !ok {
				continue // the data ends after the backslash
			}
			if c2 == '.' {
				isEnd, err := r.endMarker(i + 1)
				if err != nil {
					return nil, false, err
				}
				if isEnd {
					line := in.buf[in.pos : in.pos+i-1]
					r.done = true
					// The line is used before the drain reuses the buffer.
					line = append([]byte(nil), line...)
					if err := in.drain(); err != nil {
						return nil, false, err
					}
					return line, len(line) > 0, nil
				}
				// CSV: `\.` followed by more is data.
			} else if !r.csv {
				i++ // in text, the byte after a backslash is never special
			}
		}
		first = false
	}
}

// endMarker checks what follows `\.` (i is the offset after the dot):
// the line end in the style of the other lines makes it the end-of-data
// marker. In text anything else is an error; in CSV it is data.
func (r *copyLineReader) endMarker(i int) (bool, error) {
	corrupt := func() (bool, error) {
		if r.csv {
			return false, nil
		}
		return false, pgerror.New(pgcode.BadCopyFileFormat, "end-of-copy marker corrupt")
	}
	next := func() (byte, error) {
		c, _, err := r.peek(i) // 0 at the end of the data, as PostgreSQL's padding
		i++
		return c, err
	}
	if r.eol == eolCRNL {
		c2, err := next()
		if err != nil {
			return false, err
		}
		if c2 == '\n' {
			if r.csv {
				return false, nil
			}
			return false, pgerror.New(pgcode.BadCopyFileFormat, "end-of-copy marker does not match previous newline style")
		}
		if c2 != '\r' {
			return corrupt()
		}
	}
	c2, err := next()
	if err != nil {
		return false, err
	}
	if c2 != '\r' && c2 != '\n' {
		return corrupt()
	}
	if (r.eol == eolNL || r.eol == eolCRNL) && c2 != '\n' || r.eol == eolCR && c2 != '\r' {
		return false, pgerror.New(pgcode.BadCopyFileFormat, "end-of-copy marker does not match previous newline style")
	}
	return true, nil
}

func (r *copyLineReader) errCR() error {
	if r.csv {
		return pgerror.New(pgcode.BadCopyFileFormat, "unquoted carriage return found in data").WithHint("Use quoted CSV field to represent carriage return.")
	}
	return pgerror.New(pgcode.BadCopyFileFormat, "literal carriage return found in data").WithHint(`Use "\r" to represent carriage return.`)
}

// take returns the unread bytes up to end and consumes them up to next.
func (r *copyLineReader) take(end, next int) []byte {
	line := r.in.buf[r.in.pos : r.in.pos+end]
	r.in.pos += next
	return line
}
