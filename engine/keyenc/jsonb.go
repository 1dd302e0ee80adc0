package keyenc

import (
	"encoding/binary"
	"sort"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// jsonb keys follow PostgreSQL's jsonb btree order (compareJsonbContainers):
//
//   - at the top level a scalar is a one-element "raw scalar" array; arrays
//     (raw or not) sort before objects, and among themselves by element
//     count first, then a raw scalar before a real array, then element by
//     element; so '[]' < '1' < '[1]' < '[1, 2]' < '{}';
//   - inside a container values sort by type, null < string < number <
//     boolean < array < object, then strings bytewise (the C collation),
//     numbers as numerics (1.0 = 1), false < true, arrays by element count
//     then elements, objects by pair count then key, value, key, value,
//     ... in jsonb's storage order (keys by length, then bytewise).
//
// Tags (persisted: never change them): every value starts with its tag;
// a string continues with its escaped bytes, a number with its numeric
// key, an array with its element count (4 bytes, big-endian) and its
// elements, an object with its pair count, then each key (escaped bytes,
// no tag) and value. A top-level non-object is written as an array with
// a flag byte after the count: 0x00 raw scalar, 0x01 array.
const (
	jNull   byte = 0x01
	jString byte = 0x02
	jNumber byte = 0x03
	jFalse  byte = 0x04
	jTrue   byte = 0x05
	jArray  byte = 0x06
	jObject byte = 0x07

	jRawScalar byte = 0x00
	jRealArray byte = 0x01
)

// jnode is a parsed jsonb value.
type jnode struct {
	kind byte   // a tag
	str  string // string value, or number text
	keys []string
	vals []*jnode // object values (parallel to keys) or array elements
}

func errBadJSONB(t *types.T, s string) *pgerror.Error {
	return pgerror.Newf(pgcode.Internal, "keyenc: invalid jsonb value \"%s\" of type %s", truncate(s, 40), t.Name)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func appendJSONBKey(dst []byte, t *types.T, s string) ([]byte, error) {
	p := jparser{s: s}
	n, ok := p.parse()
	if !ok {
		return dst, errBadJSONB(t, s)
	}
	start := len(dst)
	var err error
	switch n.kind {
	case jObject:
		dst, err = appendJNode(dst, n)
	case jArray:
		dst = binary.BigEndian.AppendUint32(append(dst, jArray), uint32(len(n.vals)))
		dst = append(dst, jRealArray)
		for _, v := range n.vals {
			if dst, err = appendJNode(dst, v); err != nil {
				break
			}
		}
	default:
		dst = append(dst, jArray, 0, 0, 0, 1, jRawScalar)
		dst, err = appendJNode(dst, n)
	}
	if err != nil {
		return dst[:start], err
	}
	return dst, nil
}

func appendJNode(dst []byte, n *jnode) ([]byte, error) {
	dst = append(dst, n.kind)
	var err error
	switch n.kind {
	case jString:
		dst = appendEscapedString(dst, n.str)
	case jNumber:
		dst, err = appendJSONNumber(dst, n.str)
	case jArray:
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(n.vals)))
		for _, v := range n.vals {
			if dst, err = appendJNode(dst, v); err != nil {
				break
			}
		}
	case jObject:
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(n.keys)))
		for i, k := range n.keys {
			dst = appendEscapedString(dst, k)
			if dst, err = appendJNode(dst, n.vals[i]); err != nil {
				break
			}
		}
	}
	return dst, err
}

// appendJSONNumber appends the numeric key of a JSON number (whose
// syntax the parser checked).
func appendJSONNumber(dst []byte, s string) ([]byte, error) {
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
	}
	var buf [40]byte
	digits := buf[:0]
	var exp int64
	i := 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		digits = append(digits, s[i])
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && isDigit(s[i]); i++ {
			digits = append(digits, s[i])
			exp--
		}
	}
	if i < len(s) {
		i++ // e or E
		eneg := false
		if s[i] == '+' || s[i] == '-' {
			eneg = s[i] == '-'
			i++
		}
		var e int64
		for ; i < len(s); i++ {
			if e < 1<<40 {
				e = e*10 + int64(s[i]-'0')
			}
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	return appendDecimalKey(dst, neg, digits, exp)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// jsonbKeyLess is jsonb's storage order of object keys: shorter first,
// then bytewise.
func jsonbKeyLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// jparser parses JSON text (jsonb's normalized output, but any valid
// JSON is accepted) into a tree with objects in jsonb order: keys sorted
// and unique, the last duplicate winning.
type jparser struct {
	s string
	i int
}

const maxJSONDepth = 10000

func (p *jparser) parse() (*jnode, bool) {
	n, ok := p.value(0)
	if !ok {
		return nil, false
	}
	p.ws()
	return n, p.i == len(p.s)
}

func (p *jparser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jparser) lit(w string) bool {
	if len(p.s)-p.i >= len(w) && p.s[p.i:p.i+len(w)] == w {
		p.i += len(w)
		return true
	}
	return false
}

func (p *jparser) value(depth int) (*jnode, bool) {
	if depth > maxJSONDepth {
		return nil, false
	}
	p.ws()
	if p.i >= len(p.s) {
		return nil, false
	}
	switch c := p.s[p.i]; {
	case c == '{':
		p.i++
		n := &jnode{kind: jObject}
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return n, true
		}
		for {
			p.ws()
			k, ok := p.string()
			if !ok {
				return nil, false
			}
			p.ws()
			if !p.lit(":") {
				return nil, false
			}
			v, ok := p.value(depth + 1)
			if !ok {
				return nil, false
			}
			n.keys = append(n.keys, k)
			n.vals = append(n.vals, v)
			p.ws()
			if p.lit("}") {
				normalizeObject(n)
				return n, true
			}
			if !p.lit(",") {
				return nil, false
			}
		}
	case c == '[':
		p.i++
		n := &jnode{kind: jArray}
		p.ws()
		if p.lit("]") {
			return n, true
		}
		for {
			v, ok := p.value(depth + 1)
			if !ok {
				return nil, false
			}
			n.vals = append(n.vals, v)
			p.ws()
			if p.lit("]") {
				return n, true
			}
			if !p.lit(",") {
				return nil, false
			}
		}
	case c == '"':
		s, ok := p.string()
		return &jnode{kind: jString, str: s}, ok
	case c == '-' || isDigit(c):
		return p.number()
	case p.lit("true"):
		return &jnode{kind: jTrue}, true
	case p.lit("false"):
		return &jnode{kind: jFalse}, true
	case p.lit("null"):
		return &jnode{kind: jNull}, true
	}
	return nil, false
}

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jparser) number() (*jnode, bool) {
	s, start := p.s, p.i
	i := p.i
	if s[i] == '-' {
		i++
	}
	digits := func() bool {
		j := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		return i > j
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if !digits() {
		return nil, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return nil, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return nil, false
		}
	}
	p.i = i
	return &jnode{kind: jNumber, str: s[start:i]}, true
}

func (p *jparser) string() (string, bool) {
	if !p.lit(`"`) {
		return "", false
	}
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '"' {
			s := p.s[start:p.i]
			p.i++
			return s, true
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", false
		}
		p.i++
	}
	// Slow path: escapes.
	b := []byte(p.s[start:p.i])
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return string(b), true
		case c < 0x20:
			return "", false
		case c != '\\':
			b = append(b, c)
			p.i++
			continue
		}
		p.i++
		if p.i >= len(p.s) {
			return "", false
		}
		e := p.s[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				if !p.lit(`\u`) {
					return "", false
				}
				r2, ok := p.hex4()
				if !ok {
					return "", false
				}
				r = utf16.DecodeRune(r, r2)
				if r == utf8.RuneError {
					return "", false
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", false
		}
	}
	return "", false
}

func (p *jparser) hex4() (rune, bool) {
	if len(p.s)-p.i < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(v), true
}

// normalizeObject puts an object's keys in jsonb order, dropping
// duplicates but the last.
func normalizeObject(n *jnode) {
	sorted := true
	for i := 1; i < len(n.keys); i++ {
		if !jsonbKeyLess(n.keys[i-1], n.keys[i]) {
			sorted = false
			break
		}
	}
	if sorted {
		return
	}
	idx := make([]int, len(n.keys))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := n.keys[idx[i]], n.keys[idx[j]]
		if a != b {
			return jsonbKeyLess(a, b)
		}
		return idx[i] > idx[j] // the last duplicate first
	})
	keys := make([]string, 0, len(idx))
	vals := make([]*jnode, 0, len(idx))
	for _, i := range idx {
		if len(keys) > 0 && n.keys[i] == keys[len(keys)-1] {
			continue
		}
		keys = append(keys, n.keys[i])
		vals = append(vals, n.vals[i])
	}
	n.keys, n.vals = keys, vals
}

// decodeJSONBKey rebuilds the jsonb text of a key and normalizes it with
// jsonb's input function.
func decodeJSONBKey(r *reader, t *types.T) (types.Datum, error) {
	tag, ok := r.byte()
	if !ok {
		return nil, errTruncated(t)
	}
	var out []byte
	var err error
	switch tag {
	case jObject:
		out, err = decodeJNode(r, t, jObject, nil, 0)
	case jArray:
		var n uint32
		if n, err = readCount(r, t, 1); err != nil {
			return nil, err
		}
		flag, ok := r.byte()
		if !ok {
			return nil, errTruncated(t)
		}
		switch flag {
		case jRawScalar:
			if n != 1 {
				return nil, errCorrupt(t, "raw scalar with a count other than 1")
			}
			tag, ok := r.byte()
			if !ok {
				return nil, errTruncated(t)
			}
			if tag == jArray || tag == jObject {
				return nil, errCorrupt(t, "raw scalar is a container")
			}
			out, err = decodeJNode(r, t, tag, nil, 1)
		case jRealArray:
			out, err = decodeElements(r, t, n, []byte{'['}, 1)
		default:
			return nil, errCorrupt(t, "bad jsonb array flag")
		}
	default:
		return nil, errCorrupt(t, "bad jsonb tag")
	}
	if err != nil {
		return nil, err
	}
	d, perr := types.JSONB.ParseText(string(out), nil)
	if perr != nil {
		return nil, pgerror.Wrapf(perr, pgcode.DataCorrupted, "malformed %s key: %v", t.Name, perr)
	}
	return d, nil
}

// readCount reads a container's element count; each element takes at
// least minSize bytes, which bounds the count by what is left.
func readCount(r *reader, t *types.T, minSize int) (uint32, error) {
	n, ok := r.uint32()
	if !ok {
		return 0, errTruncated(t)
	}
	if uint64(n)*uint64(minSize) > uint64(len(r.b)) {
		return 0, errTruncated(t)
	}
	return n, nil
}

func decodeElements(r *reader, t *types.T, n uint32, out []byte, depth int) ([]byte, error) {
	var err error
	for i := uint32(0); i < n; i++ {
		if i > 0 {
			out = append(out, ',')
		}
		tag, ok := r.byte()
		if !ok {
			return nil, errTruncated(t)
		}
		if out, err = decodeJNode(r, t, tag, out, depth+1); err != nil {
			return nil, err
		}
	}
	return append(out, ']'), nil
}

// decodeJNode appends the JSON text of a value whose tag was read.
func decodeJNode(r *reader, t *types.T, tag byte, out []byte, depth int) ([]byte, error) {
	// A bound for the recursion; jsonb's input function applies the
	// exact nesting limit to the rebuilt text.
	if depth > maxJSONDepth+2 {
		return nil, errCorrupt(t, "jsonb nested too deeply")
	}
	switch tag {
	case jNull:
		return append(out, "null"...), nil
	case jFalse:
		return append(out, "false"...), nil
	case jTrue:
		return append(out, "true"...), nil
	case jString:
		s, err := r.escapedBytes(t, nil)
		if err != nil {
			return nil, err
		}
		return appendJSONString(out, s), nil
	case jNumber:
		var buf [40]byte
		k, err := readDecimalKey(r, t, buf[:])
		if err != nil {
			return nil, err
		}
		if k.tag != numNeg && k.tag != numZero && k.tag != numPos {
			return nil, errCorrupt(t, "jsonb number is not finite")
		}
		return appendPlainDecimal(out, k), nil
	case jArray:
		n, err := readCount(r, t, 1)
		if err != nil {
			return nil, err
		}
		return decodeElements(r, t, n, append(out, '['), depth)
	case jObject:
		n, err := readCount(r, t, 3)
		if err != nil {
			return nil, err
		}
		out = append(out, '{')
		var prev []byte
		for i := uint32(0); i < n; i++ {
			k, err := r.escapedBytes(t, nil)
			if err != nil {
				return nil, err
			}
			if i > 0 {
				if !jsonbKeyLess(string(prev), string(k)) {
					return nil, errCorrupt(t, "jsonb object keys out of order")
				}
				out = append(out, ',')
			}
			prev = k
			out = append(appendJSONString(out, k), ':')
			tag, ok := r.byte()
			if !ok {
				return nil, errTruncated(t)
			}
			if out, err = decodeJNode(r, t, tag, out, depth+1); err != nil {
				return nil, err
			}
		}
		return append(out, '}'), nil
	}
	return nil, errCorrupt(t, "bad jsonb tag")
}

// appendJSONString writes s as a JSON string literal.
func appendJSONString(dst []byte, s []byte) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}
