package keyenc

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// FuzzDecodeKey decodes arbitrary bytes as a key column of keyTypes[ti]
// (opts: bit 0 DESC, bit 1 NULLS FIRST). It must not panic; a failure
// must be XX001; a success must re-encode to exactly the bytes consumed
// (DecodeKey accepts only canonical encodings, normalized types too).
func FuzzDecodeKey(f *testing.F) {
	for i, typ := range keyTypes {
		edges := edgeValues(f, typ)
		for o := range allOptions {
			for _, d := range []any{nil, edges[0], edges[len(edges)-1]} {
				k, err := AppendKey(nil, typ, d, allOptions[o].dir, allOptions[o].nulls)
				if err != nil {
					f.Fatal(err)
				}
				f.Add(uint8(i), uint8(o), k)
			}
		}
	}
	f.Fuzz(func(t *testing.T, ti uint8, opts uint8, data []byte) {
		typ := keyTypes[int(ti)%len(keyTypes)]
		o := allOptions[int(opts)%len(allOptions)]
		d, rest, err := DecodeKey(data, typ, o.dir, o.nulls)
		if err != nil {
			if pgerror.GetCode(err) != pgcode.DataCorrupted {
				t.Fatalf("error with code %s: %v", pgerror.GetCode(err), err)
			}
			return
		}
		if len(rest) >= len(data) || !bytes.Equal(rest, data[len(data)-len(rest):]) {
			t.Fatalf("rest is not a suffix of the input")
		}
		consumed := data[:len(data)-len(rest)]
		enc, err := AppendKey(nil, typ, d, o.dir, o.nulls)
		if err != nil {
			t.Fatalf("re-encoding %s: %v", show(typ, d), err)
		}
		if !bytes.Equal(enc, consumed) {
			t.Fatalf("%s %v %v: %x decodes to %s, which encodes to %x", typ.Name, o.dir, o.nulls, consumed, show(typ, d), enc)
		}
	})
}

// rowFuzzTypes are the column types FuzzDecodeRow picks from.
var rowFuzzTypes = append(append([]*types.T{}, keyTypes...), types.JSON)

func fuzzRowTypes(spec []byte) []*types.T {
	if len(spec) > 8 {
		spec = spec[:8]
	}
	ts := make([]*types.T, len(spec))
	for i, c := range spec {
		ts[i] = rowFuzzTypes[int(c)%len(rowFuzzTypes)]
	}
	return ts
}

func typeIndex(typ *types.T) byte {
	for i, t := range rowFuzzTypes {
		if t == typ {
			return byte(i)
		}
	}
	panic(typ.Name)
}

// FuzzDecodeRow decodes arbitrary bytes as a row whose column types spec
// picks. It must not panic; a failure must be XX001; a success must
// re-encode to the same bytes.
func FuzzDecodeRow(f *testing.F) {
	for _, s := range rowSeeds(f) {
		f.Add(s.spec, s.row)
	}
	f.Fuzz(func(t *testing.T, spec []byte, data []byte) {
		ts := fuzzRowTypes(spec)
		// The stored-row decoder must not panic either (it skips only the
		// canonical check).
		_, _ = DecodeStoredRow(data, ts)
		// Nor the one that skips columns (every other one here).
		need := make([]bool, len(ts))
		for i := range need {
			need[i] = i%2 == 0
		}
		_, _ = DecodeStoredColumns(data, ts, need)
		for _, padded := range []bool{false, true} {
			row, err := decodeRowInto(nil, data, ts, nil, padded, true)
			if err != nil {
				if pgerror.GetCode(err) != pgcode.DataCorrupted {
					t.Fatalf("error with code %s: %v", pgerror.GetCode(err), err)
				}
				continue
			}
			if !padded || len(row) == len(ts) {
				n := len(ts)
				if padded {
					// A padded decode of a short row re-encodes as the
					// short row: drop the trailing NULLs it added.
					n = int(data[1]) // the count is < 128 here (len(ts) <= 8)
				}
				enc, err := AppendRow(nil, ts[:n], row[:n])
				if err != nil {
					t.Fatalf("re-encoding %v: %v", row, err)
				}
				if !bytes.Equal(enc, data) {
					t.Fatalf("%x decodes to %v, which encodes to %x", data, row, enc)
				}
			}
		}
	})
}

type rowSeed struct{ spec, row []byte }

func rowSeeds(tb testing.TB) []rowSeed {
	var seeds []rowSeed
	add := func(ts []*types.T, row []types.Datum) {
		enc, err := AppendRow(nil, ts, row)
		if err != nil {
			tb.Fatal(err)
		}
		spec := make([]byte, len(ts))
		for i, typ := range ts {
			spec[i] = typeIndex(typ)
		}
		seeds = append(seeds, rowSeed{spec, enc})
	}
	add(nil, nil)
	ts, row := benchRow(tb)
	add(ts, row)
	add(ts, make([]types.Datum, len(ts)))
	add([]*types.T{types.Numeric, types.JSONB, types.IntervalType, types.Bpchar},
		[]types.Datum{mustParse(tb, types.Numeric, "-1234.5000"), mustParse(tb, types.JSONB, `{"a": [1, "x"]}`),
			types.Interval{Months: 1, Days: -2, Micros: 3}, "ab  "})
	add([]*types.T{types.Bytea, types.UUIDType, types.DateType, types.Time, types.Float4},
		[]types.Datum{[]byte{0, 1, 2}, types.UUID{1, 2, 3}, types.DateInfinity, types.TimeOfDay(usPerDay), -0.5})
	return seeds
}

// TestWriteFuzzSeeds writes the seed corpora under testdata/fuzz (run
// with STELA_WRITE_FUZZ_SEEDS=1 after changing the encodings).
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("STELA_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set STELA_WRITE_FUZZ_SEEDS=1 to rewrite testdata/fuzz")
	}
	write := func(target, name, content string) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte("go test fuzz v1\n"+content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, typ := range keyTypes {
		edges := edgeValues(t, typ)
		for o, opt := range allOptions {
			d := edges[(i+o)%len(edges)]
			k := mustKey(t, typ, d, opt.dir, opt.nulls)
			write("FuzzDecodeKey", fmt.Sprintf("%s-%d", typ.Name, o), fmt.Sprintf("byte(%q)\nbyte(%q)\n[]byte(%q)\n", byte(i), byte(o), k))
		}
	}
	// A composite key read as its first column leaves a rest.
	k := mustKey(t, types.Int4, int64(7), Asc, NullsLast)
	k = append(k, mustKey(t, types.Text, "x\x00y", Desc, NullsFirst)...)
	write("FuzzDecodeKey", "composite", fmt.Sprintf("byte(%q)\nbyte(%q)\n[]byte(%q)\n", byte(1), byte(0), k))
	for i, s := range rowSeeds(t) {
		write("FuzzDecodeRow", fmt.Sprintf("row-%d", i), fmt.Sprintf("[]byte(%q)\n[]byte(%q)\n", s.spec, s.row))
	}
}
