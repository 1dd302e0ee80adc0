package types

import (
	"sort"

	"github.com/cockroachdb/apd/v3"
	"github.com/stela-db/stela/sql/pgerror"
)

// jsonb is stored as the text PostgreSQL prints for it, which is a
// normal form: object keys unique (the last duplicate wins) and sorted by
// length and then bytewise (jsonb's storage order), numbers as numeric_out
// prints them, strings re-escaped minimally, ", " and ": " separators.

// jnode is a parsed jsonb value.
type jnode struct {
	kind jsonTok // jtString, jtNumber, jtTrue, jtFalse, jtNull, jtObjStart, jtArrStart
	str  string
	num  *apd.Decimal
	keys []string // objects: sorted, unique
	vals []*jnode // object values (parallel to keys) or array elements
}

type jsonbBuilder struct {
	stack []*jnode
	root  *jnode
	// pendingKeys holds, per open object, the key of the next value.
	pendingKeys []string
}

func (b *jsonbBuilder) add(n *jnode) {
	if len(b.stack) == 0 {
		b.root = n
		return
	}
	top := b.stack[len(b.stack)-1]
	if top.kind == jtObjStart {
		top.keys = append(top.keys, b.pendingKeys[len(b.pendingKeys)-1])
	}
	top.vals = append(top.vals, n)
}

func (b *jsonbBuilder) scalar(tok jsonTok, text, str string) *jsonErr {
	n := &jnode{kind: tok}
	switch tok {
	case jtString:
		n.str = str
	case jtNumber:
		d, err := parseNumeric(text)
		if err != nil {
			pe, _ := err.(*pgerror.Error)
			return &jsonErr{other: pe}
		}
		n.num = d.(*apd.Decimal)
	}
	b.add(n)
	return nil
}

func (b *jsonbBuilder) beginObject() {
	n := &jnode{kind: jtObjStart}
	b.add(n)
	b.stack = append(b.stack, n)
	b.pendingKeys = append(b.pendingKeys, "")
}

func (b *jsonbBuilder) key(k string) { b.pendingKeys[len(b.pendingKeys)-1] = k }

func (b *jsonbBuilder) endObject() {
	n := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	b.pendingKeys = b.pendingKeys[:len(b.pendingKeys)-1]
	normalizeObject(n)
}

func (b *jsonbBuilder) beginArray() {
	n := &jnode{kind: jtArrStart}
	b.add(n)
	b.stack = append(b.stack, n)
}

func (b *jsonbBuilder) endArray() { b.stack = b.stack[:len(b.stack)-1] }

// jsonbKeyLess is jsonb's key order: shorter keys first, then bytewise.
func jsonbKeyLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// normalizeObject sorts an object's keys and drops duplicates, keeping
// the value written last.
func normalizeObject(n *jnode) {
	if len(n.keys) < 2 {
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
		return idx[i] > idx[j] // later duplicates first, so they win
	})
	keys := make([]string, 0, len(idx))
	vals := make([]*jnode, 0, len(idx))
	for k, i := range idx {
		if k > 0 && n.keys[i] == keys[len(keys)-1] {
			continue
		}
		keys = append(keys, n.keys[i])
		vals = append(vals, n.vals[i])
	}
	n.keys, n.vals = keys, vals
}

// parseJSONBTree parses jsonb input into its normalized tree.
func parseJSONBTree(s string) (*jnode, error) {
	if err := CheckEncoding(s); err != nil {
		return nil, err
	}
	b := &jsonbBuilder{}
	if err := parseJSON(s, b); err != nil {
		return nil, err.pg()
	}
	return b.root, nil
}

// parseJSONB is jsonb_in: the Datum is the normalized text.
func parseJSONB(s string) (Datum, error) {
	n, err := parseJSONBTree(s)
	if err != nil {
		return nil, err
	}
	return string(appendJSONB(nil, n)), nil
}

// appendJSONB prints a jsonb tree as jsonb_out does.
func appendJSONB(dst []byte, n *jnode) []byte {
	switch n.kind {
	case jtString:
		return AppendJSONString(dst, n.str)
	case jtNumber:
		return appendNumeric(dst, n.num)
	case jtTrue:
		return append(dst, "true"...)
	case jtFalse:
		return append(dst, "false"...)
	case jtNull:
		return append(dst, "null"...)
	case jtObjStart:
		dst = append(dst, '{')
		for i, k := range n.keys {
			if i > 0 {
				dst = append(dst, ',', ' ')
			}
			dst = AppendJSONString(dst, k)
			dst = append(dst, ':', ' ')
			dst = appendJSONB(dst, n.vals[i])
		}
		return append(dst, '}')
	}
	dst = append(dst, '[')
	for i, v := range n.vals {
		if i > 0 {
			dst = append(dst, ',', ' ')
		}
		dst = appendJSONB(dst, v)
	}
	return append(dst, ']')
}

// jsonbTypeRank is jsonb's order between kinds of values:
// null < string < number < boolean < array < object.
func jsonbTypeRank(n *jnode) int {
	switch n.kind {
	case jtNull:
		return 0
	case jtString:
		return 1
	case jtNumber:
		return 2
	case jtTrue, jtFalse:
		return 3
	case jtArrStart:
		return 4
	}
	return 5
}

// compareJSONB orders two jsonb values as PostgreSQL's btree does
// (compareJsonbContainers): a top-level scalar is a one-element
// "raw scalar" array that sorts before a real array of one element;
// containers of one
// kind compare first by size, then element by element (objects: key,
// value, key, value in storage order). Strings compare bytewise here,
// where PostgreSQL uses the database collation.
func compareJSONB(a, b string) int {
	na, errA := parseJSONBTree(a)
	nb, errB := parseJSONBTree(b)
	if errA != nil || errB != nil {
		return cmpString(a, b)
	}
	aRaw, bRaw := na.kind != jtArrStart && na.kind != jtObjStart, nb.kind != jtArrStart && nb.kind != jtObjStart
	if aRaw != bRaw && (aRaw || na.kind == jtArrStart) && (bRaw || nb.kind == jtArrStart) {
		// A raw scalar against an array: the raw scalar sorts first,
		// except that the element counts are compared last and win (so
		// '[]' sorts before '1': PostgreSQL keeps this anomaly for
		// compatibility with stored indexes).
		la, lb := 1, 1
		if !aRaw {
			la = len(na.vals)
		}
		if !bRaw {
			lb = len(nb.vals)
		}
		if la != lb {
			return cmpInt(la, lb)
		}
		if aRaw {
			return -1
		}
		return 1
	}
	return compareJNode(na, nb)
}

func compareJNode(a, b *jnode) int {
	ra, rb := jsonbTypeRank(a), jsonbTypeRank(b)
	if ra != rb {
		return cmpInt(ra, rb)
	}
	switch a.kind {
	case jtNull:
		return 0
	case jtString:
		return cmpString(a.str, b.str)
	case jtNumber:
		return compareNumeric(a.num, b.num)
	case jtTrue, jtFalse:
		return cmpBool(a.kind == jtTrue, b.kind == jtTrue)
	case jtArrStart:
		if c := cmpInt(len(a.vals), len(b.vals)); c != 0 {
			return c
		}
		for i := range a.vals {
			if c := compareJNode(a.vals[i], b.vals[i]); c != 0 {
				return c
			}
		}
		return 0
	}
	if c := cmpInt(len(a.keys), len(b.keys)); c != 0 {
		return c
	}
	for i := range a.keys {
		if c := cmpString(a.keys[i], b.keys[i]); c != 0 {
			return c
		}
		if c := compareJNode(a.vals[i], b.vals[i]); c != 0 {
			return c
		}
	}
	return 0
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}
