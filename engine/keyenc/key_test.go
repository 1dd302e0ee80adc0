package keyenc

import (
	"bytes"
	"errors"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

var allOptions = []struct {
	dir   Dir
	nulls Nulls
}{{Asc, NullsLast}, {Asc, NullsFirst}, {Desc, NullsLast}, {Desc, NullsFirst}}

// expectedCmp is the order of two values (nil is NULL) in a key column.
func expectedCmp(typ *types.T, a, b types.Datum, dir Dir, nulls Nulls) int {
	if a == nil || b == nil {
		return placeCmp(0, a == nil, b == nil, dir, nulls)
	}
	return placeCmp(types.Compare(typ, a, b), false, false, dir, nulls)
}

// placeCmp turns the ascending comparison c of two non-NULL values into
// their order in a column with dir and nulls.
func placeCmp(c int, aNull, bNull bool, dir Dir, nulls Nulls) int {
	switch {
	case aNull && bNull:
		return 0
	case aNull:
		if nulls == NullsFirst {
			return -1
		}
		return 1
	case bNull:
		if nulls == NullsFirst {
			return 1
		}
		return -1
	}
	if dir == Desc {
		c = -c
	}
	return c
}

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

func mustKey(t testing.TB, typ *types.T, d types.Datum, dir Dir, nulls Nulls) []byte {
	t.Helper()
	k, err := AppendKey(nil, typ, d, dir, nulls)
	if err != nil {
		t.Fatalf("AppendKey(%s, %s, %v, %v): %v", typ.Name, show(typ, d), dir, nulls, err)
	}
	return k
}

// checkNormalized checks the promises Decodable makes about a decoded
// value: exact for decodable types, and the documented normal form for
// the others.
func checkNormalized(t *testing.T, typ *types.T, orig, got types.Datum) {
	t.Helper()
	if orig == nil || got == nil {
		if orig != got {
			t.Fatalf("%s: decoded %s, want %s", typ.Name, show(typ, got), show(typ, orig))
		}
		return
	}
	if c := types.Compare(typ, orig, got); c != 0 {
		t.Fatalf("%s: decoded %s, which is not equal to %s", typ.Name, show(typ, got), show(typ, orig))
	}
	if Decodable(typ) {
		if !datumEqual(orig, got) {
			t.Fatalf("%s: decoded %s, want exactly %s", typ.Name, show(typ, got), show(typ, orig))
		}
		return
	}
	switch typ.Oid {
	case types.Bpchar.Oid:
		if got != strings.TrimRight(orig.(string), " ") {
			t.Fatalf("bpchar: decoded %q, want %q trimmed", got, orig)
		}
	case types.Numeric.Oid:
		d := got.(*apd.Decimal)
		if d.Form == apd.Finite {
			if d.Exponent > 0 || (d.Exponent < 0 && new(apd.BigInt).Rem(&d.Coeff, apd.NewBigInt(10)).Sign() == 0) ||
				(d.Negative && d.Coeff.Sign() == 0) {
				t.Fatalf("numeric: decoded %s (coeff %s exp %d) is not normalized", show(typ, got), d.Coeff.String(), d.Exponent)
			}
		}
	case types.Float4.Oid, types.Float8.Oid:
		f := orig.(float64)
		if f == f && f != 0 && !datumEqual(orig, got) {
			t.Fatalf("%s: decoded %v, want exactly %v", typ.Name, got, orig)
		}
	case types.IntervalType.Oid:
		iv := got.(types.Interval)
		extreme := iv.Months == math.MaxInt32 || iv.Months == math.MinInt32
		if iv.Months != 0 && !extreme && (iv.Days >= 30 || iv.Days <= -30) {
			t.Fatalf("interval: decoded %+v is not canonical", iv)
		}
		if iv.Months == 0 && (iv.Micros < 0 || iv.Micros >= usPerDay) {
			t.Fatalf("interval: decoded %+v has micros outside a day", iv)
		}
	case types.JSONB.Oid:
		if types.Compare(typ, orig, got) != 0 {
			t.Fatalf("jsonb: decoded %s, want %s", got, orig)
		}
	}
}

// TestKeyOrderProperty checks, for every indexable type and every pair of
// edge-case and random values (and NULL), that the encodings sort as
// types.Compare in all four direction/NULL-placement combinations, that
// they decode back, and that re-encoding the decoded value gives the same
// bytes.
func TestKeyOrderProperty(t *testing.T) {
	rng := rand.New(rand.NewSource(testSeed(t)))
	suffix := []byte{0x42, 0x00, 0xFF, 0x01}
	for _, typ := range keyTypes {
		t.Run(typ.Name, func(t *testing.T) {
			vals := append([]types.Datum{nil}, edgeValues(t, typ)...)
			for range 150 {
				vals = append(vals, randValue(t, rng, typ))
			}
			cmp := make([][]int, len(vals))
			for i := range vals {
				cmp[i] = make([]int, len(vals))
				for j := range vals {
					if vals[i] != nil && vals[j] != nil {
						cmp[i][j] = types.Compare(typ, vals[i], vals[j])
					}
				}
			}
			pairs := 0
			for _, o := range allOptions {
				keys := make([][]byte, len(vals))
				for i, v := range vals {
					keys[i] = mustKey(t, typ, v, o.dir, o.nulls)
					// Appending to a non-empty buffer gives the same bytes.
					prefixed, err := AppendKey([]byte("xyz"), typ, v, o.dir, o.nulls)
					if err != nil || !bytes.Equal(prefixed[3:], keys[i]) || string(prefixed[:3]) != "xyz" {
						t.Fatalf("AppendKey onto a prefix differs for %s", show(typ, v))
					}
					// Round trip, with bytes following the key.
					got, rest, err := DecodeKey(append(slices.Clone(keys[i]), suffix...), typ, o.dir, o.nulls)
					if err != nil {
						t.Fatalf("DecodeKey(%x) of %s %v %v: %v", keys[i], show(typ, v), o.dir, o.nulls, err)
					}
					if !bytes.Equal(rest, suffix) {
						t.Fatalf("DecodeKey of %s left %x, want %x", show(typ, v), rest, suffix)
					}
					checkNormalized(t, typ, v, got)
					if again := mustKey(t, typ, got, o.dir, o.nulls); !bytes.Equal(again, keys[i]) {
						t.Fatalf("re-encoding decoded %s gives %x, want %x", show(typ, got), again, keys[i])
					}
					// Every proper prefix is truncated, never a value.
					for n := 0; n < len(keys[i]); n++ {
						if _, _, err := DecodeKey(keys[i][:n], typ, o.dir, o.nulls); err == nil {
							t.Fatalf("DecodeKey of prefix %x of %x (%s) succeeded", keys[i][:n], keys[i], show(typ, v))
						}
					}
				}
				for i := range vals {
					for j := range vals {
						want := placeCmp(cmp[i][j], vals[i] == nil, vals[j] == nil, o.dir, o.nulls)
						if got := bytes.Compare(keys[i], keys[j]); got != want {
							t.Fatalf("%v %v: keys of %s and %s compare %d, want %d\n%x\n%x",
								o.dir, o.nulls, show(typ, vals[i]), show(typ, vals[j]), got, want, keys[i], keys[j])
						}
						pairs++
					}
				}
			}
			t.Logf("%d values, %d ordered pairs", len(vals), pairs)
		})
	}
}

// TestDescIsInvertedAsc checks the documented relation between the
// directions: the DESC encoding of a value is its ASC encoding (with the
// opposite NULL placement for NULL) with every byte inverted.
func TestDescIsInvertedAsc(t *testing.T) {
	rng := rand.New(rand.NewSource(testSeed(t)))
	for _, typ := range keyTypes {
		for _, v := range append(edgeValues(t, typ), randValue(t, rng, typ), randValue(t, rng, typ)) {
			asc := mustKey(t, typ, v, Asc, NullsFirst)
			desc := mustKey(t, typ, v, Desc, NullsLast)
			invert(asc)
			if !bytes.Equal(asc, desc) {
				t.Fatalf("%s %s: inverted ASC %x != DESC %x", typ.Name, show(typ, v), asc, desc)
			}
		}
	}
	for _, c := range []struct {
		nulls Nulls
		want  byte
	}{{NullsFirst, 0x00}, {NullsLast, 0xFF}} {
		for _, dir := range []Dir{Asc, Desc} {
			if k := mustKey(t, types.Int4, nil, dir, c.nulls); !bytes.Equal(k, []byte{c.want}) {
				t.Fatalf("NULL %v %v = %x, want %02x", dir, c.nulls, k, c.want)
			}
		}
	}
}

type colSpec struct {
	typ   *types.T
	dir   Dir
	nulls Nulls
}

// TestCompositeKeys checks that concatenated column encodings sort as the
// tuples (lexicographically, each column in its own direction and NULL
// placement), and decode column by column.
func TestCompositeKeys(t *testing.T) {
	rng := rand.New(rand.NewSource(testSeed(t)))
	for round := 0; round < 60; round++ {
		cols := make([]colSpec, 2+rng.Intn(2))
		pools := make([][]types.Datum, len(cols))
		for i := range cols {
			cols[i] = colSpec{keyTypes[rng.Intn(len(keyTypes))], Dir(rng.Intn(2)), Nulls(rng.Intn(2))}
			// Small pools so that tuples share prefixes of equal values.
			edges := edgeValues(t, cols[i].typ)
			pools[i] = []types.Datum{nil, edges[rng.Intn(len(edges))], edges[rng.Intn(len(edges))], randValue(t, rng, cols[i].typ)}
		}
		tuples := make([][]types.Datum, 40)
		keys := make([][]byte, len(tuples))
		for i := range tuples {
			tup := make([]types.Datum, len(cols))
			var k []byte
			for c := range cols {
				tup[c] = pools[c][rng.Intn(len(pools[c]))]
				var err error
				if k, err = AppendKey(k, cols[c].typ, tup[c], cols[c].dir, cols[c].nulls); err != nil {
					t.Fatal(err)
				}
			}
			tuples[i], keys[i] = tup, k
			rest := k
			for c := range cols {
				got, r, err := DecodeKey(rest, cols[c].typ, cols[c].dir, cols[c].nulls)
				if err != nil {
					t.Fatalf("column %d of %x: %v", c, k, err)
				}
				if (got == nil) != (tup[c] == nil) || (got != nil && types.Compare(cols[c].typ, got, tup[c]) != 0) {
					t.Fatalf("column %d decoded %s, want %s", c, show(cols[c].typ, got), show(cols[c].typ, tup[c]))
				}
				rest = r
			}
			if len(rest) != 0 {
				t.Fatalf("%d bytes left after the last column", len(rest))
			}
		}
		for i := range tuples {
			for j := range tuples {
				want := 0
				for c := range cols {
					if want = expectedCmp(cols[c].typ, tuples[i][c], tuples[j][c], cols[c].dir, cols[c].nulls); want != 0 {
						break
					}
				}
				if got := bytes.Compare(keys[i], keys[j]); got != want {
					t.Fatalf("columns %v: tuples %v and %v compare %d, want %d", cols, tuples[i], tuples[j], got, want)
				}
			}
		}
	}
}

// TestStringTerminatorPitfall pins the case that breaks naive DESC
// encodings: a string, its extension by a byte, and its extension by a
// 0x00, in both directions.
func TestStringTerminatorPitfall(t *testing.T) {
	ordered := []string{"", "\x00", "\x00\x00", "\x00\x01", "\x01", "a", "a\x00", "a\x00\x00", "a\x00\x01", "a\x01", "aa", "a\xff", "b", "\xff", "\xff\x00", "\xff\xff"}
	for _, o := range allOptions {
		var prev []byte
		for i, s := range ordered {
			k := mustKey(t, types.Text, s, o.dir, o.nulls)
			if i > 0 {
				c := bytes.Compare(prev, k)
				if (o.dir == Asc && c >= 0) || (o.dir == Desc && c <= 0) {
					t.Fatalf("%v: %q and %q out of order: %x %x", o.dir, ordered[i-1], s, prev, k)
				}
			}
			prev = k
		}
	}
}

func TestEncodingBytes(t *testing.T) {
	num := func(s string) types.Datum { return mustParse(t, types.Numeric, s) }
	cases := []struct {
		typ  *types.T
		d    types.Datum
		dir  Dir
		want string // hex
	}{
		{types.Int4, int64(1), Asc, "01" + "8000000000000001"},
		{types.Int4, int64(-1), Asc, "01" + "7fffffffffffffff"},
		{types.Int4, int64(1), Desc, "fe" + "7ffffffffffffffe"},
		{types.Int8, int64(0), Asc, "01" + "8000000000000000"},
		{types.Float8, 1.0, Asc, "01" + "bff0000000000000"},
		{types.Float8, -1.0, Asc, "01" + "400fffffffffffff"},
		{types.Float8, 0.0, Asc, "01" + "8000000000000000"},
		{types.Bool, true, Asc, "0101"},
		{types.Text, "a\x00b", Asc, "01" + "6100ff62" + "0001"},
		{types.Text, "a\x00b", Desc, "fe" + "9eff009d" + "fffe"},
		{types.Text, "", Asc, "01" + "0001"},
		{types.Bpchar, "ab  ", Asc, "01" + "6162" + "0001"},
		{types.DateType, types.Date(1), Asc, "01" + "80000001"},
		{types.Numeric, num("0"), Asc, "01" + "03"},
		{types.Numeric, num("1.50"), Asc, "01" + "04" + "80000001" + "1e"},                // 0.15 × 10^1: pair 15 → 2·15
		{types.Numeric, num("1.5"), Asc, "01" + "04" + "80000001" + "1e"},                 // same key
		{types.Numeric, num("12345"), Asc, "01" + "04" + "80000005" + "19" + "45" + "64"}, // pairs 12,34,50
		{types.Numeric, num("-12345"), Asc, "01" + "02" + "7ffffffa" + "e6" + "ba" + "9b"},
		{types.Numeric, num("0.001"), Asc, "01" + "04" + "7ffffffe" + "14"}, // 0.1 × 10^-2: pair 10
		{types.Numeric, num("NaN"), Asc, "01" + "06"},
		{types.IntervalType, types.Interval{Months: 1}, Asc, "01" + "8000000000000000" + "0000025b7f3d4000"},
		{types.IntervalType, types.Interval{Days: 30}, Asc, "01" + "8000000000000000" + "0000025b7f3d4000"},
		{types.JSONB, mustParse(t, types.JSONB, `1`), Asc, "01" + "06" + "00000001" + "00" + "03" + "04" + "80000001" + "14"},
		{types.JSONB, mustParse(t, types.JSONB, `{"a": [true]}`), Asc, "01" + "07" + "00000001" + "610001" + "06" + "00000001" + "05"},
	}
	for _, c := range cases {
		k := mustKey(t, c.typ, c.d, c.dir, NullsLast)
		if got := hexString(k); got != c.want {
			t.Errorf("%s %s %v: %s, want %s", c.typ.Name, show(c.typ, c.d), c.dir, got, c.want)
		}
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	var sb strings.Builder
	for _, c := range b {
		sb.WriteByte(digits[c>>4])
		sb.WriteByte(digits[c&15])
	}
	return sb.String()
}

func TestKeyErrors(t *testing.T) {
	code := func(err error) pgcode.Code { return pgerror.GetCode(err) }
	for _, typ := range []*types.T{types.JSON, types.Void, types.Unknown} {
		_, err := AppendKey(nil, typ, "x", Asc, NullsLast)
		if code(err) != pgcode.FeatureNotSupported {
			t.Errorf("%s: %v, want 0A000", typ.Name, err)
		}
		if _, err := AppendKey(nil, typ, nil, Asc, NullsLast); code(err) != pgcode.FeatureNotSupported {
			t.Errorf("%s NULL: %v, want 0A000", typ.Name, err)
		}
		if Indexable(typ) || Decodable(typ) {
			t.Errorf("%s: indexable", typ.Name)
		}
	}
	if _, err := AppendKey(nil, types.JSON, "{}", Asc, NullsLast); err == nil || err.Error() != "type json cannot be used in an index or primary key" {
		t.Errorf("json: %v", err)
	}
	bad := []struct {
		typ *types.T
		d   types.Datum
	}{
		{types.Int4, "1"}, {types.Int4, int32(1)}, {types.Int2, int64(1 << 15)}, {types.Int4, int64(1 << 31)},
		{types.OidType, int64(-1)}, {types.OidType, int64(1 << 32)}, {types.Float8, float32(1)}, {types.Float4, 0.1}, {types.Numeric, 1.5},
		{types.Numeric, (*apd.Decimal)(nil)}, {types.Text, []byte("a")}, {types.Bytea, "a"}, {types.Bool, 1},
		{types.DateType, int64(1)}, {types.Time, types.TimeOfDay(-1)}, {types.Time, types.TimeOfDay(usPerDay + 1)},
		{types.TimestampType, types.TimestampTZ(1)}, {types.TimestampTZType, types.Timestamp(1)},
		{types.IntervalType, int64(1)}, {types.UUIDType, []byte("0123456789abcdef")}, {types.JSONB, "{"}, {types.JSONB, []byte("{}")},
	}
	for _, c := range bad {
		dst := []byte("keep")
		out, err := AppendKey(dst, c.typ, c.d, Asc, NullsLast)
		if code(err) != pgcode.Internal {
			t.Errorf("%s %T(%v): %v, want XX000", c.typ.Name, c.d, c.d, err)
		}
		if string(out) != "keep" {
			t.Errorf("%s: dst changed to %q on error", c.typ.Name, out)
		}
	}
	if _, err := AppendKey(nil, types.Numeric, mustParse(t, types.Numeric, "9e131071"), Asc, NullsLast); err != nil {
		t.Errorf("largest numeric: %v", err)
	}
	big := new(apd.Decimal)
	big.Coeff.SetInt64(1)
	big.Exponent = 131072
	if _, err := AppendKey(nil, types.Numeric, big, Asc, NullsLast); code(err) != pgcode.NumericValueOutOfRange {
		t.Errorf("numeric 1e131072: %v, want 22003", err)
	}
	if _, err := AppendKey(nil, types.Int4, int64(1), Dir(2), NullsLast); code(err) != pgcode.Internal {
		t.Errorf("bad Dir: %v", err)
	}
	if _, _, err := DecodeKey([]byte{1}, types.Int4, Asc, Nulls(7)); code(err) != pgcode.Internal {
		t.Errorf("bad Nulls: %v", err)
	}

	corrupt := []struct {
		typ   *types.T
		hex   string
		dir   Dir
		nulls Nulls
	}{
		{types.Int4, "", Asc, NullsLast},
		{types.Int4, "00", Asc, NullsLast}, // NULLS FIRST marker in a NULLS LAST column
		{types.Int4, "fe", Asc, NullsLast}, // DESC marker in an ASC column
		{types.Int4, "02", Asc, NullsLast}, // no such marker
		{types.Int4, "01800000", Asc, NullsLast},
		{types.Int4, "018000000080000000", Asc, NullsLast}, // out of int4 range
		{types.Int2, "018000000000010000", Asc, NullsLast},
		{types.Bool, "0102", Asc, NullsLast},
		{types.Float8, "017fffffffffffffff", Asc, NullsLast}, // -0
		{types.Float8, "01fff8000000000001", Asc, NullsLast}, // NaN with payload
		{types.Float4, "01bff0000000000001", Asc, NullsLast}, // not a float4
		{types.Text, "016100", Asc, NullsLast},
		{types.Text, "01610002", Asc, NullsLast},
		{types.Text, "0161", Asc, NullsLast},
		{types.Bpchar, "0161200001", Asc, NullsLast}, // trailing space
		{types.Time, "01800000141dd76001", Asc, NullsLast},
		{types.Numeric, "0107", Asc, NullsLast},
		{types.Numeric, "010480000001", Asc, NullsLast},                            // no digits
		{types.Numeric, "01048000000113", Asc, NullsLast},                          // no final pair
		{types.Numeric, "0104800000010a", Asc, NullsLast},                          // leading zero digit (pair 05)
		{types.Numeric, "010480000001c9", Asc, NullsLast},                          // byte 201 > 199
		{types.Numeric, "0104800000011500", Asc, NullsLast},                        // final pair 00
		{types.Numeric, "01048010000114", Asc, NullsLast},                          // exponent too large
		{types.IntervalType, "01ffffffffffffffff0000000000000000", Asc, NullsLast}, // span out of range
		{types.JSONB, "0108", Asc, NullsLast},
		{types.JSONB, "0106000000010203", Asc, NullsLast},                    // bad array flag
		{types.JSONB, "01060000000200" + "01", Asc, NullsLast},               // raw scalar count 2
		{types.JSONB, "0106000000010006" + "00000000", Asc, NullsLast},       // raw scalar that is an array
		{types.JSONB, "01060000000100" + "0306", Asc, NullsLast},             // NaN number
		{types.JSONB, "0107000000020062000101" + "61000101", Asc, NullsLast}, // keys out of order
		{types.JSONB, "0106ffffffff01", Asc, NullsLast},                      // count larger than the key
		{types.JSONB, "01060000000100" + "02ff0001", Asc, NullsLast},         // invalid UTF-8 string
		{types.JSONB, "01060000000100" + "020000ff0001", Asc, NullsLast},     // NUL in a string
	}
	for _, c := range corrupt {
		b := mustHex(t, c.hex)
		_, _, err := DecodeKey(b, c.typ, c.dir, c.nulls)
		if code(err) != pgcode.DataCorrupted {
			t.Errorf("DecodeKey(%s, %s): %v, want XX001", c.typ.Name, c.hex, err)
		}
		var pe *pgerror.Error
		if err != nil && !errors.As(err, &pe) {
			t.Errorf("not a *pgerror.Error: %T", err)
		}
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b := make([]byte, len(s)/2)
	for i := range b {
		var v byte
		for _, c := range s[2*i : 2*i+2] {
			v <<= 4
			switch {
			case c >= '0' && c <= '9':
				v |= byte(c - '0')
			case c >= 'a' && c <= 'f':
				v |= byte(c - 'a' + 10)
			default:
				t.Fatalf("bad hex %q", s)
			}
		}
		b[i] = v
	}
	return b
}

// TestIntervalDecodeCanonical checks the decoded form of spans that do
// not fit in whole days of an int32.
func TestIntervalDecodeCanonical(t *testing.T) {
	cases := []types.Interval{
		{Months: 2147483647, Days: 2147483647, Micros: 9223372036854775807},
		{Months: -2147483648, Days: -2147483648, Micros: -9223372036854775808},
		{Months: 100000000},
		{Months: -100000000, Days: 5, Micros: -7},
		{Days: 2147483647, Micros: usPerDay - 1},
		{Days: -2147483648},
	}
	for _, iv := range cases {
		k := mustKey(t, types.IntervalType, iv, Asc, NullsLast)
		got, _, err := DecodeKey(k, types.IntervalType, Asc, NullsLast)
		if err != nil {
			t.Fatalf("%+v: %v", iv, err)
		}
		if types.Compare(types.IntervalType, got, iv) != 0 {
			t.Fatalf("%+v decoded as %+v", iv, got)
		}
		t.Logf("%+v -> %+v", iv, got)
	}
	got, _, _ := DecodeKey(mustKey(t, types.IntervalType, types.Interval{Months: 1, Days: 1, Micros: 1}, Asc, NullsLast), types.IntervalType, Asc, NullsLast)
	if got != (types.Interval{Days: 31, Micros: 1}) {
		t.Fatalf("1 mon 1 day 1 µs decoded as %+v", got)
	}
}

// TestJSONBDepth checks that the deepest jsonb the input function accepts
// has a decodable key, and that a deeper key is malformed.
func TestJSONBDepth(t *testing.T) {
	deep := strings.Repeat("[", maxJSONDepth) + "1" + strings.Repeat("]", maxJSONDepth)
	d := mustParse(t, types.JSONB, deep)
	k := mustKey(t, types.JSONB, d, Asc, NullsLast)
	if got, _, err := DecodeKey(k, types.JSONB, Asc, NullsLast); err != nil || got != d {
		t.Fatalf("depth %d: %v", maxJSONDepth, err)
	}
	// One more level: 01 06 00000001 01, then the old key without its
	// top-level flag, as a nested array.
	deeper := append([]byte{markerAsc, jArray, 0, 0, 0, 1, jRealArray, jArray, 0, 0, 0, 1}, k[7:]...)
	if _, rest, err := DecodeKey(deeper, types.JSONB, Asc, NullsLast); pgerror.GetCode(err) != pgcode.DataCorrupted || !strings.Contains(err.Error(), "stack depth") {
		t.Fatalf("depth %d: %v (rest %d bytes)", maxJSONDepth+1, err, len(rest))
	}
}
