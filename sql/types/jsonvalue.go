package types

import (
	"sort"

	"github.com/cockroachdb/apd/v3"
)

// JSONValue is a parsed json or jsonb value, for the operators and
// functions that look inside one (sql/expr). json and jsonb Datums stay
// text; these trees are built on demand.
//
// A jsonb tree is normalized (object keys sorted in jsonb's order and
// unique). A json tree keeps the text as written: keys in their order,
// duplicates included, and every value's Raw text, because json's
// operators answer with the input's own spelling ('{"a": [1,  2]}'::json
// -> 'a' is "[1,  2]").
type JSONValue struct {
	Kind JSONKind
	Str  string       // JSONString: the decoded string
	Num  *apd.Decimal // JSONNumber (jsonb only; json keeps Raw)
	Keys []string     // JSONObject, parallel to Vals
	Vals []*JSONValue // JSONObject values or JSONArray elements
	Raw  string       // json only: the value's text as written
}

// JSONKind is the kind of a JSON value.
type JSONKind uint8

const (
	JSONNull JSONKind = iota
	JSONString
	JSONNumber
	JSONTrue
	JSONFalse
	JSONArray
	JSONObject
)

// IsScalar reports whether v is neither an array nor an object.
func (v *JSONValue) IsScalar() bool { return v.Kind < JSONArray }

// TypeName is json_typeof's answer.
func (v *JSONValue) TypeName() string {
	switch v.Kind {
	case JSONNull:
		return "null"
	case JSONString:
		return "string"
	case JSONNumber:
		return "number"
	case JSONTrue, JSONFalse:
		return "boolean"
	case JSONArray:
		return "array"
	}
	return "object"
}

// Get returns an object's value for key (the last one written, for json
// with duplicates, as PostgreSQL's json operators answer), or nil.
func (v *JSONValue) Get(key string) *JSONValue {
	if v.Kind != JSONObject {
		return nil
	}
	for i := len(v.Keys) - 1; i >= 0; i-- {
		if v.Keys[i] == key {
			return v.Vals[i]
		}
	}
	return nil
}

// ParseJSONB parses jsonb text (or any valid JSON) into a normalized tree.
func ParseJSONB(s string) (*JSONValue, error) {
	n, err := parseJSONBTree(s)
	if err != nil {
		return nil, err
	}
	return fromJNode(n), nil
}

func fromJNode(n *jnode) *JSONValue {
	v := &JSONValue{Str: n.str, Num: n.num, Keys: n.keys}
	switch n.kind {
	case jtString:
		v.Kind = JSONString
	case jtNumber:
		v.Kind = JSONNumber
	case jtTrue:
		v.Kind = JSONTrue
	case jtFalse:
		v.Kind = JSONFalse
	case jtNull:
		v.Kind = JSONNull
	case jtArrStart:
		v.Kind = JSONArray
	case jtObjStart:
		v.Kind = JSONObject
	}
	if len(n.vals) > 0 {
		v.Vals = make([]*JSONValue, len(n.vals))
		for i, c := range n.vals {
			v.Vals[i] = fromJNode(c)
		}
	}
	return v
}

// ParseJSONText parses json text as written (see JSONValue).
func ParseJSONText(s string) (*JSONValue, error) {
	if err := CheckEncoding(s); err != nil {
		return nil, err
	}
	b := &jsonTextBuilder{}
	if err := parseJSON(s, b); err != nil {
		return nil, err.pg()
	}
	return b.root, nil
}

// jsonTextBuilder builds a json tree, reading each value's extent from
// the lexer: a container starts at its opening token and ends after its
// closing one.
type jsonTextBuilder struct {
	l     *jsonLexer
	root  *JSONValue
	stack []*JSONValue
	start []int
	keys  []string
}

func (b *jsonTextBuilder) attach(l *jsonLexer) { b.l = l }

func (b *jsonTextBuilder) add(v *JSONValue) {
	if len(b.stack) == 0 {
		b.root = v
		return
	}
	top := b.stack[len(b.stack)-1]
	if top.Kind == JSONObject {
		top.Keys = append(top.Keys, b.keys[len(b.keys)-1])
	}
	top.Vals = append(top.Vals, v)
}

func (b *jsonTextBuilder) scalar(tok jsonTok, text, str string) *jsonErr {
	v := &JSONValue{Raw: text}
	switch tok {
	case jtString:
		v.Kind, v.Str = JSONString, str
	case jtNumber:
		v.Kind = JSONNumber
	case jtTrue:
		v.Kind = JSONTrue
	case jtFalse:
		v.Kind = JSONFalse
	}
	b.add(v)
	return nil
}

func (b *jsonTextBuilder) open(kind JSONKind) {
	v := &JSONValue{Kind: kind}
	b.add(v)
	b.stack = append(b.stack, v)
	b.start = append(b.start, b.l.start)
	b.keys = append(b.keys, "")
}

func (b *jsonTextBuilder) close() {
	n := len(b.stack) - 1
	b.stack[n].Raw = b.l.in[b.start[n]:b.l.end]
	b.stack, b.start, b.keys = b.stack[:n], b.start[:n], b.keys[:n]
}

func (b *jsonTextBuilder) beginObject() { b.open(JSONObject) }
func (b *jsonTextBuilder) key(k string) { b.keys[len(b.keys)-1] = k }
func (b *jsonTextBuilder) endObject()   { b.close() }
func (b *jsonTextBuilder) beginArray()  { b.open(JSONArray) }
func (b *jsonTextBuilder) endArray()    { b.close() }

// Normalize sorts an object's keys in jsonb's order and drops duplicate
// keys, the one added last winning; it is what jsonb's input does, for
// trees that operators build.
func (v *JSONValue) Normalize() {
	if v.Kind != JSONObject || len(v.Keys) < 2 {
		return
	}
	idx := make([]int, len(v.Keys))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := v.Keys[idx[i]], v.Keys[idx[j]]
		if a != b {
			return jsonbKeyLess(a, b)
		}
		return idx[i] > idx[j]
	})
	keys := make([]string, 0, len(idx))
	vals := make([]*JSONValue, 0, len(idx))
	for k, i := range idx {
		if k > 0 && v.Keys[i] == keys[len(keys)-1] {
			continue
		}
		keys = append(keys, v.Keys[i])
		vals = append(vals, v.Vals[i])
	}
	v.Keys, v.Vals = keys, vals
}

// AppendJSONB prints a jsonb tree as jsonb_out does.
func (v *JSONValue) AppendJSONB(dst []byte) []byte {
	switch v.Kind {
	case JSONString:
		return AppendJSONString(dst, v.Str)
	case JSONNumber:
		if v.Num == nil {
			return append(dst, v.Raw...)
		}
		return appendNumeric(dst, v.Num)
	case JSONTrue:
		return append(dst, "true"...)
	case JSONFalse:
		return append(dst, "false"...)
	case JSONNull:
		return append(dst, "null"...)
	case JSONObject:
		dst = append(dst, '{')
		for i, k := range v.Keys {
			if i > 0 {
				dst = append(dst, ',', ' ')
			}
			dst = AppendJSONString(dst, k)
			dst = append(dst, ':', ' ')
			dst = v.Vals[i].AppendJSONB(dst)
		}
		return append(dst, '}')
	}
	dst = append(dst, '[')
	for i, e := range v.Vals {
		if i > 0 {
			dst = append(dst, ',', ' ')
		}
		dst = e.AppendJSONB(dst)
	}
	return append(dst, ']')
}

// JSONB returns the jsonb text (the Datum) of a tree.
func (v *JSONValue) JSONB() string { return string(v.AppendJSONB(nil)) }

// ScalarEqual reports whether two scalars are the same JSON value
// (numbers by value: 1.0 equals 1).
func ScalarEqual(a, b *JSONValue) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case JSONString:
		return a.Str == b.Str
	case JSONNumber:
		return compareNumeric(a.Num, b.Num) == 0
	}
	return true
}
