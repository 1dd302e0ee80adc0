package expr

import (
	"bytes"
	"sort"
	"strconv"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// json_agg, jsonb_agg, json_object_agg and jsonb_object_agg. They are
// not strict: a NULL value becomes JSON null (a NULL key is an error).
// Values are converted as to_json and to_jsonb convert them.

func init() {
	any1 := []*types.T{AnyType}
	any2 := []*types.T{AnyType, AnyType}
	addAgg(&Aggregate{Name: "json_agg", Args: any1, Result: types.JSON,
		bind: func(args []*types.T) (*types.T, func() Accumulator, error) {
			return types.JSON, func() Accumulator { return &aggJSONArray{t: args[0]} }, nil
		}})
	addAgg(&Aggregate{Name: "jsonb_agg", Args: any1, Result: types.JSONB,
		bind: func(args []*types.T) (*types.T, func() Accumulator, error) {
			return types.JSONB, func() Accumulator { return &aggJSONArray{t: args[0], jsonb: true} }, nil
		}})
	addAgg(&Aggregate{Name: "json_object_agg", Args: any2, Result: types.JSON,
		bind: func(args []*types.T) (*types.T, func() Accumulator, error) {
			return types.JSON, func() Accumulator { return &aggJSONObject{kt: args[0], vt: args[1]} }, nil
		}})
	addAgg(&Aggregate{Name: "jsonb_object_agg", Args: any2, Result: types.JSONB,
		bind: func(args []*types.T) (*types.T, func() Accumulator, error) {
			return types.JSONB, func() Accumulator { return &aggJSONBObject{kt: args[0], vt: args[1]} }, nil
		}})
}

var (
	errAggJSONNullKey   = pgerror.New(pgcode.InvalidParameterValue, "field name must not be null")
	errAggJSONScalarKey = pgerror.New(pgcode.InvalidParameterValue, "key value must be scalar, not array, composite, or json")
)

// aggFormatSettings returns the session's output settings (the defaults
// without a session).
func aggFormatSettings(ctx *Context) *types.FormatSettings {
	if ctx == nil {
		fs := types.DefaultFormatSettings()
		return &fs
	}
	return ctx.formatSettings()
}

// aggJSONScalarText is the text to_json puts in a JSON string for a
// value: its output, except that dates and timestamps are always in ISO
// 8601 form ("2020-01-02T03:04:05+01:00"), whatever DateStyle says.
func aggJSONScalarText(t *types.T, v types.Datum, fs *types.FormatSettings) string {
	switch t.Family {
	case types.DateFamily, types.TimestampFamily, types.TimestampTZFamily:
		iso := *fs
		iso.DateStyle = "ISO"
		b := t.AppendText(nil, v, &iso)
		if t.Family == types.DateFamily {
			return string(b)
		}
		return string(aggXSDTimestamp(b, t.Family == types.TimestampTZFamily))
	case types.BoolFamily:
		if v.(bool) {
			return "true"
		}
		return "false"
	}
	return string(t.AppendText(nil, v, fs))
}

// aggXSDTimestamp turns ISO output ("2020-01-02 03:04:05+01") into XSD
// form: a T between date and time, and a zone with minutes ("+01:00").
func aggXSDTimestamp(iso []byte, tz bool) []byte {
	sp := bytes.IndexByte(iso, ' ')
	if sp < 0 {
		return iso // infinity, -infinity
	}
	iso[sp] = 'T'
	if !tz {
		return iso
	}
	i := sp + 1
	for i < len(iso) && iso[i] != '+' && iso[i] != '-' {
		i++
	}
	if i == len(iso) {
		return iso
	}
	j := i + 1
	for j < len(iso) && iso[j] != ' ' {
		j++
	}
	if bytes.IndexByte(iso[i:j], ':') >= 0 {
		return iso
	}
	out := make([]byte, 0, len(iso)+3)
	out = append(out, iso[:j]...)
	out = append(out, ":00"...)
	return append(out, iso[j:]...)
}

// aggIsJSONNumber reports whether a number's output is a JSON number
// (not NaN or an infinity).
func aggIsJSONNumber(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	return len(b) > 0 && b[0] >= '0' && b[0] <= '9'
}

// aggAppendJSON appends v of type t as to_json converts it: NULL as null,
// booleans and finite numbers bare, json and jsonb as they are, anything
// else as a JSON string of its text.
func aggAppendJSON(dst []byte, t *types.T, v types.Datum, fs *types.FormatSettings) []byte {
	if v == nil {
		return append(dst, "null"...)
	}
	switch t.Family {
	case types.BoolFamily:
		if v.(bool) {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case types.IntFamily, types.FloatFamily, types.NumericFamily:
		start := len(dst)
		dst = t.AppendText(dst, v, fs)
		if aggIsJSONNumber(dst[start:]) {
			return dst
		}
		s := string(dst[start:])
		return types.AppendJSONString(dst[:start], s)
	case types.JSONFamily, types.JSONBFamily:
		return append(dst, v.(string)...)
	case types.ArrayFamily:
		return aggAppendJSONArray(dst, t.Elem, v.(*types.Array), fs, ",")
	case types.RecordFamily:
		return appendRecordJSON(dst, t, v.(*types.Record), fs, "")
	}
	return types.AppendJSONString(dst, aggJSONScalarText(t, v, fs))
}

// appendRecordJSON is a record as row_to_json writes it: an object of its
// fields by name, values converted as to_json converts them; sep goes
// between fields (row_to_json's pretty form puts a newline there).
func appendRecordJSON(dst []byte, t *types.T, r *types.Record, fs *types.FormatSettings, sep string) []byte {
	dst = append(dst, '{')
	for i, v := range r.Values {
		if i > 0 {
			dst = append(dst, ',')
			dst = append(dst, sep...)
		}
		name, ft := "f"+strconv.Itoa(i+1), types.Text
		if i < len(t.Fields) {
			name, ft = t.Fields[i].Name, t.Fields[i].T
		}
		dst = types.AppendJSONString(dst, name)
		dst = append(dst, ':')
		dst = aggAppendJSON(dst, ft, v, fs)
	}
	return append(dst, '}')
}

// aggAppendJSONArray is array_to_json: one JSON array per dimension
// ("[[1,2],[3,4]]"), elements converted as to_json converts them; bounds
// are dropped. sep is between the outermost dimension's elements (",",
// or ",\n " for array_to_json's pretty form); inner ones take ",".
func aggAppendJSONArray(dst []byte, elem *types.T, a *types.Array, fs *types.FormatSettings, sep string) []byte {
	if len(a.Dims) == 0 {
		return append(dst, "[]"...)
	}
	k := 0
	var rec func(d int)
	rec = func(d int) {
		dst = append(dst, '[')
		for j := int32(0); j < a.Dims[d]; j++ {
			if j > 0 && d == 0 {
				dst = append(dst, sep...)
			} else if j > 0 {
				dst = append(dst, ',')
			}
			if d < len(a.Dims)-1 {
				rec(d + 1)
				continue
			}
			dst = aggAppendJSON(dst, elem, a.Elems[k], fs)
			k++
		}
		dst = append(dst, ']')
	}
	rec(0)
	return dst
}

// aggJSONBValue converts v as to_jsonb does, to jsonb's normalized text.
func aggJSONBValue(t *types.T, v types.Datum, fs *types.FormatSettings) (string, error) {
	switch {
	case v == nil:
		return "null", nil
	case t.Family == types.JSONBFamily:
		return v.(string), nil
	}
	// The JSON text of the value, read back as jsonb: numbers become
	// numerics (1e+20 is 100000000000000000000), json is normalized.
	d, err := types.JSONB.ParseText(string(aggAppendJSON(nil, t, v, fs)), fs)
	if err != nil {
		return "", err
	}
	return d.(string), nil
}

// aggJSONKey is the text of an object key: NULL and JSON keys are
// errors; others are their to_json text, always a string.
func aggJSONKey(t *types.T, k types.Datum, fs *types.FormatSettings) (string, error) {
	if k == nil {
		return "", errAggJSONNullKey
	}
	if t.Family == types.JSONFamily || t.Family == types.JSONBFamily || t.IsArray() {
		return "", errAggJSONScalarKey
	}
	return aggJSONScalarText(t, k, fs), nil
}

// aggJSONArray is json_agg ("[1, 2, 3]") and jsonb_agg.
type aggJSONArray struct {
	t     *types.T
	jsonb bool
	buf   []byte // "[" and the elements so far, ", " between them
}

func (a *aggJSONArray) Add(ctx *Context, args []types.Datum) error {
	if len(a.buf) == 0 {
		a.buf = append(a.buf, '[')
	} else {
		a.buf = append(a.buf, ", "...)
		if !a.jsonb && args[0] != nil && (a.t.IsArray() || a.t.Family == types.RecordFamily) {
			// json_agg sets structured values after the first on a new
			// line, as PostgreSQL does.
			a.buf = append(a.buf, "\n "...)
		}
	}
	fs := aggFormatSettings(ctx)
	if !a.jsonb {
		a.buf = aggAppendJSON(a.buf, a.t, args[0], fs)
		return nil
	}
	s, err := aggJSONBValue(a.t, args[0], fs)
	if err != nil {
		return err
	}
	a.buf = append(a.buf, s...)
	return nil
}

func (a *aggJSONArray) Result(*Context) (types.Datum, error) {
	if len(a.buf) == 0 {
		return nil, nil
	}
	return string(a.buf) + "]", nil
}

// aggJSONObject is json_object_agg: `{ "k" : v, "k2" : v2 }`, keys kept
// as given, duplicates included.
type aggJSONObject struct {
	kt, vt *types.T
	buf    []byte
}

func (a *aggJSONObject) Add(ctx *Context, args []types.Datum) error {
	fs := aggFormatSettings(ctx)
	k, err := aggJSONKey(a.kt, args[0], fs)
	if err != nil {
		return err
	}
	if len(a.buf) == 0 {
		a.buf = append(a.buf, "{ "...)
	} else {
		a.buf = append(a.buf, ", "...)
	}
	a.buf = types.AppendJSONString(a.buf, k)
	a.buf = append(a.buf, " : "...)
	a.buf = aggAppendJSON(a.buf, a.vt, args[1], fs)
	return nil
}

func (a *aggJSONObject) Result(*Context) (types.Datum, error) {
	if len(a.buf) == 0 {
		return nil, nil
	}
	return string(a.buf) + " }", nil
}

// aggJSONBObject is jsonb_object_agg: keys in jsonb's order (shorter
// first, then bytewise), the last value of a duplicate key winning.
type aggJSONBObject struct {
	kt, vt *types.T
	keys   []string
	vals   []string // normalized jsonb text
}

func (a *aggJSONBObject) Add(ctx *Context, args []types.Datum) error {
	fs := aggFormatSettings(ctx)
	k, err := aggJSONKey(a.kt, args[0], fs)
	if err != nil {
		return err
	}
	v, err := aggJSONBValue(a.vt, args[1], fs)
	if err != nil {
		return err
	}
	a.keys = append(a.keys, k)
	a.vals = append(a.vals, v)
	return nil
}

func (a *aggJSONBObject) Result(*Context) (types.Datum, error) {
	if len(a.keys) == 0 {
		return nil, nil
	}
	idx := make([]int, len(a.keys))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool {
		x, y := a.keys[idx[i]], a.keys[idx[j]]
		switch {
		case len(x) != len(y):
			return len(x) < len(y)
		case x != y:
			return x < y
		}
		return idx[i] > idx[j] // the later duplicate first: it wins
	})
	buf := []byte{'{'}
	prev := -1
	for _, i := range idx {
		if prev >= 0 && a.keys[i] == a.keys[prev] {
			continue
		}
		if prev >= 0 {
			buf = append(buf, ", "...)
		}
		buf = types.AppendJSONString(buf, a.keys[i])
		buf = append(buf, ": "...)
		buf = append(buf, a.vals[i]...)
		prev = i
	}
	return string(append(buf, '}')), nil
}
