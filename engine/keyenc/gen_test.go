package keyenc

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/stela-db/stela/sql/types"
)

// keyTypes are the types that can be key columns, in a fixed order (the
// fuzz targets index it).
var keyTypes = []*types.T{
	types.Int2, types.Int4, types.Int8, types.OidType, types.Float4, types.Float8,
	types.Numeric, types.Bool, types.Text, types.Varchar, types.Name, types.Bpchar,
	types.Bytea, types.DateType, types.Time, types.TimestampType, types.TimestampTZType,
	types.IntervalType, types.UUIDType, types.JSONB, types.Bit, types.VarBit,
	types.InetType, types.CIDRType, types.MacAddrType, types.MacAddr8Type,
}

// testSeed returns the seed of the random tests: STELA_KEYENC_SEED, or
// the time. It is logged so that a failure can be replayed.
func testSeed(t testing.TB) int64 {
	seed := time.Now().UnixNano()
	if v, err := strconv.ParseInt(os.Getenv("STELA_KEYENC_SEED"), 10, 64); err == nil {
		seed = v
	}
	t.Logf("seed %d (set STELA_KEYENC_SEED=%d to replay)", seed, seed)
	return seed
}

func mustParse(t testing.TB, typ *types.T, s string) types.Datum {
	t.Helper()
	d, err := typ.ParseText(s, nil)
	if err != nil {
		t.Fatalf("%s %q: %v", typ.Name, s, err)
	}
	return d
}

// edgeValues returns the hand-picked edge cases of a type.
func edgeValues(t testing.TB, typ *types.T) []types.Datum {
	var ds []types.Datum
	parse := func(ss ...string) {
		for _, s := range ss {
			ds = append(ds, mustParse(t, typ, s))
		}
	}
	switch typ.Oid {
	case types.Int2.Oid:
		ds = append(ds, int64(math.MinInt16), int64(math.MinInt16+1), int64(-1), int64(0), int64(1), int64(255), int64(256), int64(math.MaxInt16))
	case types.Int4.Oid:
		ds = append(ds, int64(math.MinInt32), int64(-1), int64(0), int64(1), int64(math.MaxInt32))
	case types.Int8.Oid:
		ds = append(ds, int64(math.MinInt64), int64(math.MinInt64+1), int64(-1), int64(0), int64(1), int64(math.MaxInt64))
	case types.OidType.Oid:
		ds = append(ds, int64(0), int64(1), int64(math.MaxInt32), int64(math.MaxInt32+1), int64(math.MaxUint32))
	case types.Float8.Oid:
		ds = append(ds, 0.0, math.Copysign(0, -1), 1.0, -1.0, math.Inf(1), math.Inf(-1), math.NaN(),
			math.Float64frombits(0xFFF8000000000001), math.Float64frombits(0x7FF0000000000001),
			math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, math.MaxFloat64, -math.MaxFloat64,
			0.1, 0.2, 0.30000000000000004, -1e-300, 1e300)
	case types.Float4.Oid:
		ds = append(ds, 0.0, math.Copysign(0, -1), 1.0, -1.0, math.Inf(1), math.Inf(-1), float64(math.Float32frombits(0x7fc00000)),
			float64(math.Float32frombits(1)), -float64(math.Float32frombits(1)),
			float64(math.MaxFloat32), -float64(math.MaxFloat32), float64(float32(0.1)), float64(float32(-2.5)))
	case types.Numeric.Oid:
		parse("0", "0.0", "-0", "0.000", "1", "1.0", "1.00", "-1", "-1.000", "10", "100", "1e2", "100.0", "0.1", "0.10",
			"0.01", "-0.01", "-0.1", "-10", "-100.00", "NaN", "Infinity", "-Infinity",
			"123456789012345678901234567890.123456789", "-123456789012345678901234567890.123456789",
			"99", "99.9", "999", "9.99", "0.99", "1.01", "1.1", "11", "101", "1.000000000000000000000000000001",
			"1e1000", "-1e1000", "1e-1000", "-1e-1000", "9e131071", "1e131071", "-9e131071", "1e-16383", "-1e-16383",
			"12345678901234567890", "1234567890123456789", "0.000000000000000000001")
	case types.Bool.Oid:
		ds = append(ds, false, true)
	case types.Text.Oid, types.Varchar.Oid, types.Name.Oid, types.Bpchar.Oid, types.Bytea.Oid:
		ss := []string{"", "\x00", "\x00\x00", "\x00\x01", "\x00\xff", "\x01", "\xff", "\xff\xff", "\xff\x00",
			"a", "a\x00", "a\x00b", "a\x00\x00", "a\x01", "a\xff", "ab", "abc", "abd", "b", " ", "a ", "a  ", "a \x00",
			"\x00 ", "héllo", "hello"}
		for _, s := range ss {
			if typ.Oid == types.Bytea.Oid {
				ds = append(ds, []byte(s))
			} else {
				ds = append(ds, s)
			}
		}
	case types.DateType.Oid:
		ds = append(ds, types.DateNegInfinity, types.DateNegInfinity+1, types.Date(-1), types.Date(0), types.Date(1),
			types.DateInfinity-1, types.DateInfinity)
	case types.Time.Oid:
		ds = append(ds, types.TimeOfDay(0), types.TimeOfDay(1), types.TimeOfDay(usPerDay-1), types.TimeOfDay(usPerDay))
	case types.TimestampType.Oid:
		ds = append(ds, types.TimestampNegInfinity, types.TimestampNegInfinity+1, types.Timestamp(-1), types.Timestamp(0),
			types.Timestamp(1), types.TimestampInfinity-1, types.TimestampInfinity)
	case types.TimestampTZType.Oid:
		ds = append(ds, types.TimestampTZNegInfinity, types.TimestampTZNegInfinity+1, types.TimestampTZ(-1), types.TimestampTZ(0),
			types.TimestampTZ(1), types.TimestampTZInfinity-1, types.TimestampTZInfinity)
	case types.IntervalType.Oid:
		iv := func(m, d int32, us int64) { ds = append(ds, types.Interval{Months: m, Days: d, Micros: us}) }
		iv(0, 0, 0)
		iv(1, 0, 0)
		iv(0, 30, 0)
		iv(0, 0, 30*usPerDay)
		iv(0, 29, usPerDay)
		iv(0, 1, 0)
		iv(0, 0, usPerDay)
		iv(0, 2, -usPerDay)
		iv(-1, 0, 0)
		iv(0, -30, 0)
		iv(0, 0, -1)
		iv(0, 0, 1)
		iv(0, 1, -1)
		iv(0, -1, 1)
		iv(1, -30, 0)
		iv(math.MaxInt32, math.MaxInt32, math.MaxInt64)
		iv(math.MinInt32, math.MinInt32, math.MinInt64)
		iv(math.MaxInt32, 0, 0)
		iv(math.MinInt32, 0, 0)
		iv(0, math.MaxInt32, math.MaxInt64)
		iv(0, math.MinInt32, math.MinInt64)
		iv(0, 0, math.MaxInt64)
		iv(0, 0, math.MinInt64)
		iv(math.MaxInt32, math.MaxInt32, 0)
		iv(math.MinInt32, math.MinInt32, -1)
		iv(71582788, 0, 0) // days just above int32 when counted in days
		iv(-71582789, 0, 0)
	case types.UUIDType.Oid:
		var z, f, one types.UUID
		for i := range f {
			f[i] = 0xFF
		}
		one[15] = 1
		ds = append(ds, z, f, one)
	case types.JSONB.Oid:
		parse(`null`, `true`, `false`, `0`, `1`, `1.0`, `1.00`, `-1`, `1e2`, `100`, `""`, `"a"`, `"ab"`, `"b"`, `"\u0001"`,
			`"a\"b"`, `"é"`, `[]`, `[1]`, `[1.0]`, `[1, 2]`, `[2]`, `[[]]`, `[{}]`, `[null]`, `["a"]`, `[true]`, `[false]`,
			`[[1]]`, `[1, [2]]`, `{}`, `{"a": 1}`, `{"a": 1.0}`, `{"a": 2}`, `{"b": 1}`, `{"aa": 1}`, `{"a": 1, "b": 2}`,
			`{"a": [1]}`, `{"a": {}}`, `{"a": null}`, `[[], 1]`, `[1, []]`, `{"b": 1, "aa": 1}`, `{"a": {"b": [1, "x", null]}}`,
			`-0`, `0.000`, `1e-10`, `[1, 2, 3]`, `[3]`, `"\\"`)
	case types.Bit.Oid, types.VarBit.Oid:
		parse(``, `0`, `1`, `00`, `01`, `10`, `0000000`, `00000000`, `000000000`, `10000000`, `100000000`,
			`1000000000000000`, `11111111`, `111111111`, `x00`, `xFF`, `x0000`, `x8000`, `xFFFF`)
	case types.InetType.Oid:
		parse(`0.0.0.0/0`, `0.0.0.0`, `10.0.0.0/8`, `10.0.0.1/8`, `10.0.0.0/7`, `10.1.0.0/16`, `10.0.0.0`, `1.0.0.0/0`,
			`255.255.255.255`, `255.255.255.255/0`, `128.0.0.0/1`, `127.255.255.255/1`, `::/0`, `::`, `::1`, `::1/0`,
			`ffff::/16`, `ffff::1/16`, `::ffff:1.2.3.4`, `1:2:3:4:5:6:7:8`, `ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff`)
	case types.CIDRType.Oid:
		parse(`0.0.0.0/0`, `0.0.0.0/32`, `10.0.0.0/8`, `10.0.0.0/7`, `10.0.0.0/32`, `10.1.0.0/16`, `128.0.0.0/1`,
			`255.255.255.255/32`, `::/0`, `::/128`, `::1/128`, `ffff::/16`, `fffe::/15`, `ffff::/17`)
	case types.MacAddrType.Oid:
		parse(`00:00:00:00:00:00`, `00:00:00:00:00:01`, `01:00:00:00:00:00`, `ff:ff:ff:ff:ff:ff`, `08:00:2b:01:02:03`)
	case types.MacAddr8Type.Oid:
		parse(`00:00:00:00:00:00:00:00`, `00:00:00:00:00:00:00:01`, `ff:ff:ff:ff:ff:ff:ff:ff`, `08:00:2b:01:02:03:04:05`)
	}
	return ds
}

const strAlphabet = "\x00\x01\x02 ab\x7f\x80\xfe\xff"

func randString(rng *rand.Rand, alphabet string, maxLen int) string {
	n := rng.Intn(maxLen + 1)
	var b strings.Builder
	for range n {
		b.WriteByte(alphabet[rng.Intn(len(alphabet))])
	}
	return b.String()
}

// validString is a random UTF-8 string without NUL (what PostgreSQL
// text can hold).
func validString(rng *rand.Rand, maxLen int) string {
	runes := []rune{'a', 'b', 'c', 'A', 'Z', ' ', '~', '\u007f', '\u0001', 'é', 'ß', '€', '😀', '\uffff', '0', '\'', '\\'}
	n := rng.Intn(maxLen + 1)
	var b strings.Builder
	for range n {
		b.WriteRune(runes[rng.Intn(len(runes))])
	}
	return b.String()
}

func randNumericText(rng *rand.Rand) string {
	switch rng.Intn(20) {
	case 0:
		return "NaN"
	case 1:
		return "Infinity"
	case 2:
		return "-Infinity"
	}
	var b strings.Builder
	if rng.Intn(2) == 0 {
		b.WriteByte('-')
	}
	intDigits := rng.Intn(25)
	for i := 0; i < intDigits; i++ {
		b.WriteByte(byte('0' + rng.Intn(10)))
	}
	if intDigits == 0 {
		b.WriteByte('0')
	}
	if rng.Intn(2) == 0 {
		b.WriteByte('.')
		for i := rng.Intn(25); i >= 0; i-- {
			if rng.Intn(3) == 0 {
				b.WriteByte('0')
			} else {
				b.WriteByte(byte('0' + rng.Intn(10)))
			}
		}
	}
	if rng.Intn(4) == 0 {
		fmt.Fprintf(&b, "e%d", rng.Intn(400)-200)
	}
	return b.String()
}

func randJSON(rng *rand.Rand, depth int) string {
	k := rng.Intn(8)
	if depth > 2 && k >= 6 {
		k = rng.Intn(6)
	}
	switch k {
	case 0:
		return "null"
	case 1:
		return []string{"true", "false"}[rng.Intn(2)]
	case 2, 3:
		return []string{"0", "1", "1.0", "-1", "2", "0.5", "10", "1e1", "-0.50", "3"}[rng.Intn(10)]
	case 4, 5:
		return strconv.Quote([]string{"", "a", "b", "ab", "ba", "aa", "é", "a b"}[rng.Intn(8)])
	case 6:
		n := rng.Intn(4)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = randJSON(rng, depth+1)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	n := rng.Intn(4)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = strconv.Quote([]string{"a", "b", "c", "aa", "ab", ""}[rng.Intn(6)]) + ":" + randJSON(rng, depth+1)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// randValue returns a random non-NULL value of typ.
func randValue(t testing.TB, rng *rand.Rand, typ *types.T) types.Datum {
	switch typ.Oid {
	case types.Int2.Oid:
		return int64(int16(rng.Uint32()))
	case types.Int4.Oid:
		if rng.Intn(2) == 0 {
			return int64(rng.Intn(2001) - 1000)
		}
		return int64(int32(rng.Uint32()))
	case types.Int8.Oid:
		switch rng.Intn(3) {
		case 0:
			return int64(rng.Intn(2001) - 1000)
		case 1:
			return int64(rng.Uint64() >> uint(rng.Intn(64)))
		}
		return int64(rng.Uint64())
	case types.OidType.Oid:
		return int64(rng.Uint32())
	case types.Float8.Oid:
		switch rng.Intn(4) {
		case 0:
			return math.Float64frombits(rng.Uint64())
		case 1:
			return float64(rng.Intn(21) - 10)
		}
		return rng.NormFloat64() * math.Pow(10, float64(rng.Intn(40)-20))
	case types.Float4.Oid:
		if rng.Intn(3) == 0 {
			return float64(math.Float32frombits(rng.Uint32()))
		}
		return float64(float32(rng.NormFloat64() * math.Pow(10, float64(rng.Intn(20)-10))))
	case types.Numeric.Oid:
		return mustParse(t, typ, randNumericText(rng))
	case types.Bool.Oid:
		return rng.Intn(2) == 0
	case types.Text.Oid, types.Varchar.Oid, types.Name.Oid:
		return randString(rng, strAlphabet, 6)
	case types.Bpchar.Oid:
		return randString(rng, strAlphabet, 4) + strings.Repeat(" ", rng.Intn(3))
	case types.Bytea.Oid:
		return []byte(randString(rng, strAlphabet, 6))
	case types.DateType.Oid:
		if rng.Intn(2) == 0 {
			return types.Date(rng.Intn(2000000) - 1000000)
		}
		return types.Date(int32(rng.Uint32()))
	case types.Time.Oid:
		return types.TimeOfDay(rng.Int63n(usPerDay + 1))
	case types.TimestampType.Oid:
		if rng.Intn(2) == 0 {
			return types.Timestamp(rng.Int63n(1<<50) - 1<<49)
		}
		return types.Timestamp(int64(rng.Uint64()))
	case types.TimestampTZType.Oid:
		if rng.Intn(2) == 0 {
			return types.TimestampTZ(rng.Int63n(1<<50) - 1<<49)
		}
		return types.TimestampTZ(int64(rng.Uint64()))
	case types.IntervalType.Oid:
		switch rng.Intn(3) {
		case 0: // small fields, many ties
			return types.Interval{Months: int32(rng.Intn(5) - 2), Days: int32(rng.Intn(121) - 60), Micros: int64(rng.Intn(5)-2) * usPerDay}
		case 1:
			return types.Interval{Months: int32(rng.Intn(2001) - 1000), Days: int32(rng.Intn(20001) - 10000), Micros: rng.Int63n(1<<45) - 1<<44}
		}
		return types.Interval{Months: int32(rng.Uint32()), Days: int32(rng.Uint32()), Micros: int64(rng.Uint64())}
	case types.UUIDType.Oid:
		var u types.UUID
		for i := range u {
			u[i] = []byte{0, 1, 0x7f, 0x80, 0xfe, 0xff, byte(rng.Intn(256))}[rng.Intn(7)]
		}
		return u
	case types.JSONB.Oid:
		return mustParse(t, typ, randJSON(rng, 0))
	case types.Bit.Oid, types.VarBit.Oid:
		// Short strings of mostly zeros: many prefixes and shared bytes.
		v := make([]byte, rng.Intn(20))
		for i := range v {
			if rng.Intn(4) == 0 {
				v[i] = 1
			}
		}
		return types.BitStringFromBits(v)
	case types.InetType.Oid, types.CIDRType.Oid:
		// Few distinct bytes and masks of every length: many shared
		// prefixes and equal networks.
		v := types.Inet{IPv6: rng.Intn(3) == 0}
		for i := 0; i < v.Size(); i++ {
			v.Addr[i] = []byte{0, 1, 0x7f, 0x80, 0xff, byte(rng.Intn(256))}[rng.Intn(6)]
		}
		v.Bits = uint8(rng.Intn(v.MaxBits() + 1))
		if typ.Oid == types.CIDRType.Oid {
			v = v.Network()
		}
		return v
	case types.MacAddrType.Oid:
		var m types.MacAddr
		for i := range m {
			m[i] = []byte{0, 1, 0x80, 0xff, byte(rng.Intn(256))}[rng.Intn(5)]
		}
		return m
	case types.MacAddr8Type.Oid:
		var m types.MacAddr8
		for i := range m {
			m[i] = []byte{0, 1, 0x80, 0xff, byte(rng.Intn(256))}[rng.Intn(5)]
		}
		return m
	}
	t.Fatalf("no generator for %s", typ.Name)
	return nil
}

// datumEqual reports whether two Datums are the same value (not merely
// equal under the type's order).
func datumEqual(a, b types.Datum) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case *apd.Decimal:
		y, ok := b.(*apd.Decimal)
		return ok && x.Form == y.Form && x.Negative == y.Negative && x.Exponent == y.Exponent && x.Coeff.Cmp(&y.Coeff) == 0
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	}
	return a == b
}

func show(typ *types.T, d types.Datum) string {
	if d == nil {
		return "NULL"
	}
	if typ.Oid == types.Bytea.Oid || typ.Family == types.StringFamily {
		if s, ok := d.(string); ok {
			return strconv.Quote(s)
		}
	}
	if f, ok := d.(float64); ok && f != f {
		return fmt.Sprintf("NaN(%#x)", math.Float64bits(f))
	}
	return fmt.Sprintf("%q", typ.AppendText(nil, d, nil))
}
