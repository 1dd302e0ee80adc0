package types

import (
	"unicode/utf8"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// This file is a JSON lexer and recursive-descent parser that reports
// errors exactly as PostgreSQL's (src/common/jsonapi.c) does: the same
// one-token lookahead, so the same error wins when several apply, and the
// same detail lines. json keeps the text as written once it validates;
// jsonb (jsonb.go) builds a tree from it.

type jsonTok uint8

const (
	jtEnd jsonTok = iota
	jtString
	jtNumber
	jtTrue
	jtFalse
	jtNull
	jtObjStart
	jtObjEnd
	jtArrStart
	jtArrEnd
	jtComma
	jtColon
)

// maxJSONDepth stands in for PostgreSQL's stack depth check, which stops
// nesting somewhere between 7,000 and 100,000 levels.
const maxJSONDepth = 10000

type jsonLexer struct {
	in         string
	pos        int // where the next token starts being looked for
	tok        jsonTok
	start, end int    // the current token's extent
	str        string // decoded string value (when decoding)
	decode     bool   // jsonb: de-escape strings and check \u escapes
	scratch    []byte
}

// jsonErr is a parse failure: a detail line and whether it is one of
// the Unicode errors that PostgreSQL reports as 22P05.
type jsonErr struct {
	detail  string
	unicode bool
	depth   bool
	other   *pgerror.Error // an error from a value's own input function
}

func (e *jsonErr) pg() *pgerror.Error {
	switch {
	case e.other != nil:
		return e.other
	case e.depth:
		return pgerror.New(pgcode.StatementTooComplex, "stack depth limit exceeded").
			WithHint("Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring the platform's stack depth limit is adequate.")
	case e.unicode:
		return pgerror.New(pgcode.UntranslatableCharacter, "unsupported Unicode escape sequence").WithDetail(e.detail)
	}
	return pgerror.New(pgcode.InvalidTextRepresentation, "invalid input syntax for type json").WithDetail(e.detail)
}

func (l *jsonLexer) token() string { return l.in[l.start:l.end] }

func isJSONAlnum(c byte) bool { return isAlnum(c) || c == '_' || c >= 0x80 }

// next reads the next token into l.tok.
func (l *jsonLexer) next() *jsonErr {
	s := l.in
	p := l.pos
	for p < len(s) && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r') {
		p++
	}
	l.start = p
	if p >= len(s) {
		l.tok, l.end, l.pos = jtEnd, p, p
		return nil
	}
	switch c := s[p]; c {
	case '{', '}', '[', ']', ',', ':':
		l.tok = map[byte]jsonTok{'{': jtObjStart, '}': jtObjEnd, '[': jtArrStart, ']': jtArrEnd, ',': jtComma, ':': jtColon}[c]
		l.end = p + 1
	case '"':
		if err := l.lexString(p); err != nil {
			return err
		}
		l.tok = jtString
	case '-':
		if err := l.lexNumber(p + 1); err != nil {
			return err
		}
		l.tok = jtNumber
	default:
		if isDigit(c) {
			if err := l.lexNumber(p); err != nil {
				return err
			}
			l.tok = jtNumber
			break
		}
		q := p
		for q < len(s) && isJSONAlnum(s[q]) {
			q++
		}
		if q == p {
			l.end = p + 1
			return l.invalidToken()
		}
		l.end = q
		switch s[p:q] {
		case "true":
			l.tok = jtTrue
		case "false":
			l.tok = jtFalse
		case "null":
			l.tok = jtNull
		default:
			return l.invalidToken()
		}
	}
	l.pos = l.end
	return nil
}

func (l *jsonLexer) invalidToken() *jsonErr {
	return &jsonErr{detail: "Token \"" + l.token() + "\" is invalid."}
}

// lexNumber scans a number whose digits start at p (after any minus
// sign). Trailing letters and digits belong to the token, so that "01"
// and "1.e5" are reported whole.
func (l *jsonLexer) lexNumber(p int) *jsonErr {
	s := l.in
	bad := false
	switch {
	case p < len(s) && s[p] == '0':
		p++
	case p < len(s) && s[p] >= '1' && s[p] <= '9':
		for p < len(s) && isDigit(s[p]) {
			p++
		}
	default:
		bad = true
	}
	if p < len(s) && s[p] == '.' {
		p++
		if p >= len(s) || !isDigit(s[p]) {
			bad = true
		} else {
			for p < len(s) && isDigit(s[p]) {
				p++
			}
		}
	}
	if p < len(s) && (s[p] == 'e' || s[p] == 'E') {
		p++
		if p < len(s) && (s[p] == '+' || s[p] == '-') {
			p++
		}
		if p >= len(s) || !isDigit(s[p]) {
			bad = true
		} else {
			for p < len(s) && isDigit(s[p]) {
				p++
			}
		}
	}
	for p < len(s) && isJSONAlnum(s[p]) {
		p++
		bad = true
	}
	l.end = p
	if bad {
		return l.invalidToken()
	}
	return nil
}

// lexString scans a string starting at the quote at p.
func (l *jsonLexer) lexString(p int) *jsonErr {
	s := l.in
	q := p + 1
	if l.decode {
		l.scratch = l.scratch[:0]
	}
	hiSurrogate := -1
	plainFrom := q // start of the pending run of ordinary bytes
	flush := func(to int) {
		if l.decode {
			l.scratch = append(l.scratch, s[plainFrom:to]...)
		}
	}
	for {
		if q >= len(s) {
			l.end = q
			return l.invalidToken()
		}
		c := s[q]
		if c == '"' {
			break
		}
		if c < 0x20 {
			l.end = q
			return &jsonErr{detail: "Character with value 0x" + hex2(c) + " must be escaped."}
		}
		if c != '\\' {
			if l.decode && hiSurrogate != -1 {
				l.end = q
				return &jsonErr{detail: "Unicode low surrogate must follow a high surrogate."}
			}
			q++
			continue
		}
		flush(q)
		q++
		if q >= len(s) {
			l.end = q
			return l.invalidToken()
		}
		if s[q] == 'u' {
			ch := 0
			for k := 1; k <= 4; k++ {
				q++
				if q >= len(s) {
					l.end = q
					return l.invalidToken()
				}
				v, ok := hexVal(s[q])
				if !ok {
					return &jsonErr{detail: "\"\\u\" must be followed by four hexadecimal digits."}
				}
				ch = ch*16 + int(v)
			}
			q++
			plainFrom = q
			if !l.decode {
				continue
			}
			switch {
			case ch >= 0xd800 && ch <= 0xdbff:
				if hiSurrogate != -1 {
					return &jsonErr{detail: "Unicode high surrogate must not follow a high surrogate."}
				}
				hiSurrogate = ch
				continue
			case ch >= 0xdc00 && ch <= 0xdfff:
				if hiSurrogate == -1 {
					return &jsonErr{detail: "Unicode low surrogate must follow a high surrogate."}
				}
				ch = 0x10000 + (hiSurrogate-0xd800)<<10 + (ch - 0xdc00)
				hiSurrogate = -1
			}
			if hiSurrogate != -1 {
				return &jsonErr{detail: "Unicode low surrogate must follow a high surrogate."}
			}
			if ch == 0 {
				return &jsonErr{detail: "\\u0000 cannot be converted to text.", unicode: true}
			}
			l.scratch = utf8.AppendRune(l.scratch, rune(ch))
			continue
		}
		if l.decode && hiSurrogate != -1 {
			return &jsonErr{detail: "Unicode low surrogate must follow a high surrogate."}
		}
		var out byte
		switch s[q] {
		case '"', '\\', '/':
			out = s[q]
		case 'b':
			out = '\b'
		case 'f':
			out = '\f'
		case 'n':
			out = '\n'
		case 'r':
			out = '\r'
		case 't':
			out = '\t'
		default:
			_, n := utf8.DecodeRuneInString(s[q:])
			l.start, l.end = q, q+n
			return &jsonErr{detail: "Escape sequence \"\\" + l.token() + "\" is invalid."}
		}
		if l.decode {
			l.scratch = append(l.scratch, out)
		}
		q++
		plainFrom = q
	}
	if l.decode && hiSurrogate != -1 {
		return &jsonErr{detail: "Unicode low surrogate must follow a high surrogate."}
	}
	flush(q)
	l.end = q + 1
	if l.decode {
		l.str = string(l.scratch)
	}
	return nil
}

// Parse contexts, which choose the detail line of a syntax error.
type jsonCtx uint8

const (
	ctxValue jsonCtx = iota
	ctxString
	ctxArrayNext
	ctxObjectStart
	ctxObjectLabel
	ctxObjectNext
	ctxEnd
)

func (l *jsonLexer) parseError(ctx jsonCtx) *jsonErr {
	if l.tok == jtEnd {
		return &jsonErr{detail: "The input string ended unexpectedly."}
	}
	found := "\"" + l.token() + "\"."
	switch ctx {
	case ctxString:
		return &jsonErr{detail: "Expected string, but found " + found}
	case ctxArrayNext:
		return &jsonErr{detail: "Expected \",\" or \"]\", but found " + found}
	case ctxObjectStart:
		return &jsonErr{detail: "Expected string or \"}\", but found " + found}
	case ctxObjectLabel:
		return &jsonErr{detail: "Expected \":\", but found " + found}
	case ctxObjectNext:
		return &jsonErr{detail: "Expected \",\" or \"}\", but found " + found}
	case ctxEnd:
		return &jsonErr{detail: "Expected end of input, but found " + found}
	}
	return &jsonErr{detail: "Expected JSON value, but found " + found}
}

// jsonBuilder receives the parsed structure; nil for plain validation.
type jsonBuilder interface {
	scalar(tok jsonTok, text string, str string) *jsonErr
	beginObject()
	key(k string)
	endObject()
	beginArray()
	endArray()
}

type jsonParser struct {
	l     jsonLexer
	b     jsonBuilder
	depth int
}

// parseJSON validates s (and feeds b when non-nil).
func parseJSON(s string, b jsonBuilder) *jsonErr {
	p := &jsonParser{l: jsonLexer{in: s, decode: b != nil}, b: b}
	if sb, ok := b.(interface{ attach(*jsonLexer) }); ok {
		sb.attach(&p.l) // a builder that records where each value was written
	}
	if err := p.l.next(); err != nil {
		return err
	}
	if err := p.value(); err != nil {
		return err
	}
	if p.l.tok != jtEnd {
		return p.l.parseError(ctxEnd)
	}
	return nil
}

// value parses the value at the current token and leaves the token after
// it current.
func (p *jsonParser) value() *jsonErr {
	l := &p.l
	switch l.tok {
	case jtObjStart:
		return p.object()
	case jtArrStart:
		return p.array()
	case jtString, jtNumber, jtTrue, jtFalse, jtNull:
		if p.b != nil {
			if err := p.b.scalar(l.tok, l.token(), l.str); err != nil {
				return err
			}
		}
		return l.next()
	}
	return l.parseError(ctxValue)
}

func (p *jsonParser) enter() *jsonErr {
	p.depth++
	if p.depth > maxJSONDepth {
		return &jsonErr{depth: true}
	}
	return nil
}

func (p *jsonParser) object() *jsonErr {
	l := &p.l
	if err := p.enter(); err != nil {
		return err
	}
	if p.b != nil {
		p.b.beginObject()
	}
	if err := l.next(); err != nil {
		return err
	}
	switch l.tok {
	case jtString:
		for {
			if err := p.field(); err != nil {
				return err
			}
			if l.tok != jtComma {
				break
			}
			if err := l.next(); err != nil {
				return err
			}
		}
	case jtObjEnd:
	default:
		return l.parseError(ctxObjectStart)
	}
	if l.tok != jtObjEnd {
		return l.parseError(ctxObjectNext)
	}
	if p.b != nil {
		p.b.endObject()
	}
	p.depth--
	return l.next()
}

func (p *jsonParser) field() *jsonErr {
	l := &p.l
	if l.tok != jtString {
		return l.parseError(ctxString)
	}
	if p.b != nil {
		p.b.key(l.str)
	}
	if err := l.next(); err != nil {
		return err
	}
	if l.tok != jtColon {
		return l.parseError(ctxObjectLabel)
	}
	if err := l.next(); err != nil {
		return err
	}
	return p.value()
}

func (p *jsonParser) array() *jsonErr {
	l := &p.l
	if err := p.enter(); err != nil {
		return err
	}
	if p.b != nil {
		p.b.beginArray()
	}
	if err := l.next(); err != nil {
		return err
	}
	if l.tok != jtArrEnd {
		for {
			if err := p.value(); err != nil {
				return err
			}
			if l.tok != jtComma {
				break
			}
			if err := l.next(); err != nil {
				return err
			}
		}
	}
	if l.tok != jtArrEnd {
		return l.parseError(ctxArrayNext)
	}
	if p.b != nil {
		p.b.endArray()
	}
	p.depth--
	return l.next()
}

// parseJSONText is json_in: the text is kept as written.
func parseJSONText(s string) (Datum, error) {
	if err := CheckEncoding(s); err != nil {
		return nil, err
	}
	if err := parseJSON(s, nil); err != nil {
		return nil, err.pg()
	}
	return s, nil
}

// AppendJSONString writes s as a JSON string the way PostgreSQL's
// escape_json does: only quotes, backslashes and control characters are
// escaped; everything else, "/" and non-ASCII included, is kept.
func AppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		default:
			if c < 0x20 {
				dst = append(dst, '\\', 'u', '0', '0', hex2(c)[0], hex2(c)[1])
			} else {
				dst = append(dst, c)
			}
		}
	}
	return append(dst, '"')
}
