package expr

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// castContext is the most permissive context a cast may be applied in,
// as pg_cast.castcontext says: implicitly (in expressions), in assignment
// (to a column) or only explicitly (CAST, ::).
type castContext uint8

const (
	castNone castContext = iota
	castExplicit
	castAssignment
	castImplicit
)

// castKey is a (source, target) pair of type OIDs.
type castKey struct{ from, to types.Oid }

// casts is stela's pg_cast: the casts that are not I/O conversions.
var casts = map[castKey]castContext{}

func init() {
	i, a, e := castImplicit, castAssignment, castExplicit
	add := func(from, to *types.T, c castContext) { casts[castKey{from.Oid, to.Oid}] = c }
	// Numeric types climb implicitly, descend by assignment.
	ints := []*types.T{types.Int2, types.Int4, types.Int8}
	for _, f := range ints {
		for _, t := range ints {
			if f != t {
				if t.Len > f.Len {
					add(f, t, i)
				} else {
					add(f, t, a)
				}
			}
		}
		add(f, types.Numeric, i)
		add(f, types.Float4, i)
		add(f, types.Float8, i)
		add(types.Numeric, f, a)
		add(types.Float4, f, a)
		add(types.Float8, f, a)
		add(f, types.OidType, i)
	}
	add(types.OidType, types.Int4, a)
	add(types.OidType, types.Int8, i)
	add(types.Numeric, types.Float4, i)
	add(types.Numeric, types.Float8, i)
	add(types.Float4, types.Float8, i)
	add(types.Float8, types.Float4, a)
	add(types.Float4, types.Numeric, a)
	add(types.Float8, types.Numeric, a)
	add(types.Int4, types.Bool, e)
	add(types.Bool, types.Int4, e)
	// Strings.
	strs := []*types.T{types.Text, types.Varchar, types.Bpchar, types.Name}
	for _, f := range strs {
		for _, t := range strs {
			if f != t {
				add(f, t, i)
			}
		}
	}
	add(types.Name, types.Varchar, a)
	add(types.Name, types.Bpchar, a)
	for _, t := range strs {
		add(types.Bool, t, a) // "true"/"false", not the output function's t/f
	}
	// Dates and times.
	add(types.DateType, types.TimestampType, i)
	add(types.DateType, types.TimestampTZType, i)
	add(types.TimestampType, types.TimestampTZType, i)
	add(types.TimestampType, types.DateType, a)
	add(types.TimestampTZType, types.DateType, a)
	add(types.TimestampTZType, types.TimestampType, a)
	add(types.TimestampType, types.Time, a)
	add(types.TimestampTZType, types.Time, a)
	add(types.Time, types.IntervalType, i)
	add(types.IntervalType, types.Time, a)
	// Bit strings: bit and bit varying are binary coercible; the
	// integers convert explicitly (bitstring.go).
	add(types.Bit, types.VarBit, i)
	add(types.VarBit, types.Bit, i)
	for _, t := range []*types.T{types.Int4, types.Int8} {
		add(t, types.Bit, e)
		add(types.Bit, t, e)
	}
	// Network addresses: a cidr is an inet; an inet becomes a cidr, or
	// text, by a function of its own (network.go), and the MAC address
	// sizes convert both ways.
	add(types.CIDRType, types.InetType, i)
	add(types.InetType, types.CIDRType, a)
	for _, f := range []*types.T{types.InetType, types.CIDRType} {
		for _, t := range []*types.T{types.Text, types.Varchar, types.Bpchar} {
			add(f, t, a)
		}
	}
	add(types.MacAddrType, types.MacAddr8Type, i)
	add(types.MacAddr8Type, types.MacAddrType, i)
	// JSON.
	add(types.JSON, types.JSONB, a)
	add(types.JSONB, types.JSON, a)
}

// castContextOf returns the context in which from can be cast to to.
func castContextOf(from, to *types.T) castContext {
	switch {
	case from.Oid == to.Oid:
		return castImplicit
	case from.Family == types.UnknownFamily:
		return castImplicit
	case from.Family == types.RecordFamily && to.Oid == types.RecordType.Oid:
		return castImplicit // every composite type is a record
	}
	if c, ok := casts[castKey{from.Oid, to.Oid}]; ok {
		return c
	}
	if to.Family == types.PseudoFamily {
		// Nothing converts to anyarray (only pg_stats makes its values);
		// from it, the I/O conversion below is anyarray_out's.
		return castNone
	}
	if from.Elem != nil && to.Elem != nil {
		// Array coercion: as the element cast (PostgreSQL's
		// find_coercion_pathway for two array types).
		return castContextOf(from.Elem, to.Elem)
	}
	// I/O conversion casts: to a string type by assignment, from one
	// explicitly (PostgreSQL's "automatic I/O conversion casts").
	switch {
	case to.Family == types.StringFamily && from.Family != types.VoidFamily:
		return castAssignment
	case from.Family == types.StringFamily && to.Family != types.VoidFamily:
		return castExplicit
	}
	return castNone
}

// CastContext is pg_cast.castcontext for stela's cast from one type to
// another: 'i' (implicit), 'a' (in assignment), 'e' (explicit only), or
// 0 when stela does not cast from to to.
func CastContext(from, to *types.T) byte {
	switch castContextOf(from, to) {
	case castImplicit:
		return 'i'
	case castAssignment:
		return 'a'
	case castExplicit:
		return 'e'
	}
	return 0
}

// CastByIO reports whether stela casts from one type to another through
// text, with the source's output and the target's input functions
// (PostgreSQL's I/O conversion casts), rather than by a conversion of
// its own (the casts table, array coercion).
func CastByIO(from, to *types.T) bool {
	if from.Oid == to.Oid || from.Family == types.UnknownFamily {
		return false
	}
	if _, ok := casts[castKey{from.Oid, to.Oid}]; ok {
		return false
	}
	if from.Elem != nil && to.Elem != nil {
		return false
	}
	return castContextOf(from, to) != castNone
}

// canCoerce reports whether from converts to to implicitly.
func canCoerce(from, to *types.T) bool { return castContextOf(from, to) >= castImplicit }

// Cast is a type conversion node.
type Cast struct {
	Arg      Expr
	T        *types.T
	Explicit bool
}

func (c *Cast) Type() *types.T { return c.T }

func (c *Cast) Eval(ctx *Context) (types.Datum, error) {
	v, err := c.Arg.Eval(ctx)
	if err != nil || v == nil {
		return nil, err
	}
	var fs *types.FormatSettings
	if ctx.Session != nil {
		fs = ctx.Session.FormatSettings()
	}
	if c.T.Family == types.RegFamily && c.Arg.Type().Oid != c.T.Oid {
		return ToReg(ctx, v, c.Arg.Type(), c.T)
	}
	return castValue(v, c.Arg.Type(), c.T, c.Explicit, fs)
}

// errCannotCast is PostgreSQL's 42846, which names the types without
// their modifiers.
func errCannotCast(from, to *types.T) error {
	return pgerror.Newf(pgcode.CannotCoerce, "cannot cast type %s to %s", from.StringWithoutTypmod(), to.StringWithoutTypmod())
}

// castValue converts a non-NULL value. explicit selects the semantics of
// CAST over those of assignment where they differ (strings are truncated
// to a length instead of failing).
func castValue(v types.Datum, from, to *types.T, explicit bool, fs *types.FormatSettings) (types.Datum, error) {
	finish := func(v types.Datum) (types.Datum, error) {
		if to.Typmod < 0 {
			return v, nil
		}
		if explicit {
			return to.CoerceExplicit(v)
		}
		return to.Coerce(v)
	}
	if from.Oid == to.Oid {
		return finish(v)
	}
	if r, ok := v.(types.Reg); ok && to.Family != types.StringFamily {
		// reg* to oid and the integers: the OID.
		v, from = int64(r.Oid), types.OidType
		if to.Oid == types.OidType.Oid {
			return v, nil
		}
	}
	if to.Family == types.RegFamily {
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s values cannot be computed here", to.Name)
	}
	if to.Oid == types.Char.Oid && from.Oid == types.Int4.Oid {
		return charOfCode(v.(int64))
	}
	if from.Oid == types.Char.Oid && to.Oid == types.Int4.Oid {
		return codeOfChar(v.(string)), nil
	}
	if to.Oid == types.Char.Oid {
		// charin keeps the first byte.
		out, err := castValue(v, from, types.Text, explicit, fs)
		if err != nil {
			return nil, err
		}
		return types.Char.ParseText(out.(string), fs)
	}
	// Unknown literals and strings read through the target's input
	// function; everything goes to strings through its output function.
	if from.Family == types.UnknownFamily || (from.Family == types.StringFamily && to.Family != types.StringFamily && castContextOf(from, to) != castNone) {
		s, _ := v.(string)
		if from.Oid == types.Bpchar.Oid {
			s = strings.TrimRight(s, " ")
		}
		out, err := to.Base().ParseText(s, fs)
		if err != nil {
			return nil, err
		}
		return finish(out)
	}
	if to.Family == types.StringFamily {
		var s string
		// bool and inet/cidr have casts of their own (booltext,
		// network_show) to text, varchar and bpchar; to name, as to
		// any other string type, they go through their output function.
		own := to.Oid != types.Name.Oid
		switch {
		case from.Family == types.BoolFamily && own:
			s = "false"
			if v.(bool) {
				s = "true"
			}
		case from.Family == types.StringFamily:
			s = v.(string)
			if from.Oid == types.Bpchar.Oid {
				s = strings.TrimRight(s, " ")
			}
		case from.Family == types.InetFamily && own:
			// text(inet), network_show: always with the mask.
			s = string(types.AppendInetShow(nil, v.(types.Inet)))
		default:
			s = string(from.AppendText(nil, v, fs))
		}
		if to.Oid == types.Name.Oid && len(s) > 63 {
			s = truncateUTF8(s, 63)
		}
		return finish(s)
	}
	switch castContextOf(from, to) {
	case castNone:
		return nil, errCannotCast(from, to)
	}
	out, err := convert(v, from, to, fs)
	if err != nil {
		return nil, err
	}
	return finish(out)
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// convert handles the casts between non-string types.
func convert(v types.Datum, from, to *types.T, fs *types.FormatSettings) (types.Datum, error) {
	if from.Elem != nil && to.Elem != nil {
		return convertArray(v.(*types.Array), from, to, fs)
	}
	if from.Family == types.JSONBFamily && to.Family != types.JSONFamily {
		return jsonbToScalar(v, to)
	}
	switch to.Family {
	case types.IntFamily, types.OidFamily:
		if from.Family == types.BitFamily {
			return intFromBit(v.(types.BitString), to)
		}
		return toInt(v, from, to)
	case types.FloatFamily:
		return toFloat(v, from, to)
	case types.NumericFamily:
		return toNumeric(v, from)
	case types.BoolFamily:
		if from.Family == types.IntFamily {
			return v.(int64) != 0, nil
		}
	case types.DateFamily, types.TimestampFamily, types.TimestampTZFamily, types.TimeFamily, types.IntervalFamily:
		return convertTime(v, from, to, fs)
	case types.JSONFamily, types.JSONBFamily:
		// json and jsonb are both text here; jsonb normalizes.
		return to.ParseText(v.(string), fs)
	case types.InetFamily:
		if from.Family == types.InetFamily {
			if to.Oid == types.CIDRType.Oid {
				return v.(types.Inet).Network(), nil
			}
			return v, nil
		}
	case types.MacAddrFamily:
		switch m := v.(type) {
		case types.MacAddr:
			return types.MacAddrToMacAddr8(m), nil
		case types.MacAddr8:
			return types.MacAddr8ToMacAddr(m)
		}
	case types.BitFamily:
		switch from.Family {
		case types.BitFamily:
			return v, nil
		case types.IntFamily:
			n, _ := to.BitLength()
			return bitFromInt(v.(int64), n), nil
		}
	}
	return nil, errCannotCast(from, to)
}

// intRange returns the bounds and the out-of-range message of an integer
// type.
func intRange(t *types.T) (lo, hi int64, msg string) {
	switch t.Oid {
	case types.Int2.Oid:
		return math.MinInt16, math.MaxInt16, "smallint out of range"
	case types.Int4.Oid:
		return math.MinInt32, math.MaxInt32, "integer out of range"
	case types.OidType.Oid:
		return math.MinInt32, math.MaxUint32, "OID out of range"
	}
	return math.MinInt64, math.MaxInt64, "bigint out of range"
}

func errIntRange(t *types.T) error {
	_, _, msg := intRange(t)
	return pgerror.New(pgcode.NumericValueOutOfRange, msg)
}

// checkInt checks that v fits the integer type t.
func checkInt(v int64, t *types.T) (types.Datum, error) {
	lo, hi, _ := intRange(t)
	if v < lo || v > hi {
		return nil, errIntRange(t)
	}
	if t.Oid == types.OidType.Oid && v < 0 {
		v += 1 << 32 // int4 -1 is oid 4294967295, as in PostgreSQL
	}
	return v, nil
}

func toInt(v types.Datum, from, to *types.T) (types.Datum, error) {
	switch from.Family {
	case types.IntFamily, types.OidFamily:
		return checkInt(v.(int64), to)
	case types.BoolFamily:
		if v.(bool) {
			return int64(1), nil
		}
		return int64(0), nil
	case types.FloatFamily:
		f := v.(float64)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errIntRange(to)
		}
		r := math.RoundToEven(f) // PostgreSQL's rint()
		lo, hi, _ := intRange(to)
		// hi+1 is a power of two, exact in a float64 (hi itself is not).
		if r < float64(lo) || r >= float64(hi)+1 {
			return nil, errIntRange(to)
		}
		return checkInt(int64(r), to)
	case types.NumericFamily:
		d := v.(*apd.Decimal)
		switch d.Form {
		case apd.NaN, apd.NaNSignaling:
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "cannot convert NaN to %s", intName(to))
		case apd.Infinite:
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "cannot convert infinity to %s", intName(to))
		}
		var r apd.Decimal
		if _, err := roundHalfUp.Quantize(&r, d, 0); err != nil {
			return nil, errIntRange(to)
		}
		n, err := r.Int64()
		if err != nil {
			return nil, errIntRange(to)
		}
		return checkInt(n, to)
	}
	return nil, errCannotCast(from, to)
}

func intName(t *types.T) string {
	switch t.Oid {
	case types.Int2.Oid:
		return "smallint"
	case types.Int8.Oid:
		return "bigint"
	}
	return "integer"
}

func toFloat(v types.Datum, from, to *types.T) (types.Datum, error) {
	var f float64
	switch from.Family {
	case types.IntFamily, types.OidFamily:
		f = float64(v.(int64))
	case types.FloatFamily:
		f = v.(float64)
	case types.NumericFamily:
		d := v.(*apd.Decimal)
		switch {
		case d.Form == apd.NaN || d.Form == apd.NaNSignaling:
			f = math.NaN()
		case d.Form == apd.Infinite:
			f = math.Inf(1)
			if d.Negative {
				f = math.Inf(-1)
			}
		default:
			var err error
			if f, err = d.Float64(); err != nil || math.IsInf(f, 0) {
				return nil, pgerror.Newf(pgcode.NumericValueOutOfRange, "value out of range: overflow")
			}
		}
	default:
		return nil, errCannotCast(from, to)
	}
	if to.Oid == types.Float4.Oid {
		return roundFloat4(f)
	}
	return f, nil
}

// roundFloat4 rounds to float4 precision, failing as PostgreSQL does when
// a finite value overflows or underflows.
func roundFloat4(f float64) (types.Datum, error) {
	r := float64(float32(f))
	if math.IsInf(r, 0) && !math.IsInf(f, 0) {
		return nil, pgerror.New(pgcode.NumericValueOutOfRange, "value out of range: overflow")
	}
	if r == 0 && f != 0 {
		return nil, pgerror.New(pgcode.NumericValueOutOfRange, "value out of range: underflow")
	}
	return r, nil
}

func toNumeric(v types.Datum, from *types.T) (types.Datum, error) {
	switch from.Family {
	case types.IntFamily, types.OidFamily:
		return apd.New(v.(int64), 0), nil
	case types.FloatFamily:
		f := v.(float64)
		switch {
		case math.IsNaN(f):
			return &apd.Decimal{Form: apd.NaN}, nil
		case math.IsInf(f, 0):
			return &apd.Decimal{Form: apd.Infinite, Negative: f < 0}, nil
		}
		// PostgreSQL prints the float with DBL_DIG (or FLT_DIG) significant
		// digits and reads that back: 0.1::float8::numeric is 0.1.
		digits := 15
		if from.Oid == types.Float4.Oid {
			digits = 6
		}
		return types.Numeric.ParseText(formatG(f, digits), nil)
	}
	return nil, errCannotCast(from, types.Numeric)
}

// formatG prints f as C's %.*g does.
func formatG(f float64, digits int) string { return strconv.FormatFloat(f, 'g', digits, 64) }

// roundHalfUp rounds half away from zero, as PostgreSQL's numeric does.
var roundHalfUp = apd.Context{Precision: 4000, Rounding: apd.RoundHalfUp, MaxExponent: apd.MaxExponent, MinExponent: apd.MinExponent, Traps: apd.DefaultTraps}

// timestampToTZ reads a timestamp's wall clock in loc (PostgreSQL's
// timestamp2timestamptz); past the range it is out of range.
func timestampToTZ(ts types.Timestamp, loc *time.Location) (types.Datum, error) {
	if !ts.IsFinite() {
		return types.TimestampTZ(ts), nil
	}
	r, ok := localToTimestamptz(int64(ts), loc)
	if !ok || !types.ValidTimestamp(r) {
		return nil, errTimestampRange
	}
	return types.TimestampTZ(r), nil
}

// convertTime handles the casts among date and time types.
func convertTime(v types.Datum, from, to *types.T, fs *types.FormatSettings) (types.Datum, error) {
	loc := time.UTC
	if fs != nil && fs.TimeZone != nil {
		loc = fs.TimeZone
	}
	switch {
	case from.Family == types.DateFamily && to.Family == types.TimestampFamily:
		return dateToTimestamp(v.(types.Date))
	case from.Family == types.DateFamily && to.Family == types.TimestampTZFamily:
		ts, err := dateToTimestamp(v.(types.Date))
		if err != nil {
			return nil, err
		}
		return timestampToTZ(ts, loc)
	case from.Family == types.TimestampFamily && to.Family == types.TimestampTZFamily:
		return timestampToTZ(v.(types.Timestamp), loc)
	case from.Family == types.TimestampTZFamily && to.Family == types.TimestampFamily:
		ts := v.(types.TimestampTZ)
		if !ts.IsFinite() {
			return types.Timestamp(ts), nil
		}
		t, _ := ts.Time()
		lt := t.In(loc)
		return types.TimestampFromTime(time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), lt.Second(), lt.Nanosecond(), time.UTC)), nil
	case from.Family == types.TimestampFamily && to.Family == types.DateFamily:
		ts := v.(types.Timestamp)
		if !ts.IsFinite() {
			return infiniteDate(ts == types.TimestampInfinity), nil
		}
		t, _ := ts.Time()
		return types.DateFromTime(t), nil
	case from.Family == types.TimestampTZFamily && to.Family == types.DateFamily:
		ts := v.(types.TimestampTZ)
		if !ts.IsFinite() {
			return infiniteDate(ts == types.TimestampTZInfinity), nil
		}
		t, _ := ts.Time()
		return types.DateFromTime(t.In(loc)), nil
	case from.Family == types.TimestampFamily && to.Family == types.TimeFamily:
		ts := v.(types.Timestamp)
		if !ts.IsFinite() {
			return nil, pgerror.New(pgcode.DatetimeFieldOverflow, "timestamp out of range")
		}
		return types.TimeOfDay(floorMod(int64(ts), usPerDay)), nil
	case from.Family == types.TimestampTZFamily && to.Family == types.TimeFamily:
		ts := v.(types.TimestampTZ)
		if !ts.IsFinite() {
			return nil, pgerror.New(pgcode.DatetimeFieldOverflow, "timestamp out of range")
		}
		t, _ := ts.Time()
		lt := t.In(loc)
		return types.TimeOfDay(int64(lt.Hour())*3600e6 + int64(lt.Minute())*60e6 + int64(lt.Second())*1e6 + int64(lt.Nanosecond()/1000)), nil
	case from.Family == types.TimeFamily && to.Family == types.IntervalFamily:
		return types.Interval{Micros: int64(v.(types.TimeOfDay))}, nil
	case from.Family == types.IntervalFamily && to.Family == types.TimeFamily:
		iv := v.(types.Interval)
		return types.TimeOfDay(floorMod(iv.Micros, usPerDay)), nil
	}
	return nil, errCannotCast(from, to)
}

const usPerDay = 86400 * 1000000

func floorMod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

func infiniteTimestamp(pos bool) types.Timestamp {
	if pos {
		return types.TimestampInfinity
	}
	return types.TimestampNegInfinity
}

func infiniteDate(pos bool) types.Date {
	if pos {
		return types.DateInfinity
	}
	return types.DateNegInfinity
}

// convertArray casts every element (array_map) to the target element
// type without its modifier: castValue's caller then applies the array
// type's modifier to every element, truncating or failing as the cast's
// context says.
func convertArray(a *types.Array, from, to *types.T, fs *types.FormatSettings) (types.Datum, error) {
	out := &types.Array{Dims: a.Dims, LBound: a.LBound, Elems: make([]types.Datum, len(a.Elems))}
	for i, e := range a.Elems {
		if e == nil {
			continue
		}
		v, err := castValue(e, from.Elem, to.Elem.Base(), false, fs)
		if err != nil {
			return nil, err
		}
		out.Elems[i] = v
	}
	return out, nil
}
