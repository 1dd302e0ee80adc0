package keyenc

import (
	"bytes"
	"errors"
	"math/rand"
	"testing"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// rowTypes are the column types of the random rows: every type a table
// column can have.
var rowTypes = keyTypes

func TestRowRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(testSeed(t)))
	pools := make(map[*types.T][]types.Datum)
	for _, typ := range rowTypes {
		pools[typ] = liveValues(t, rng, typ, 60)
	}
	pools[types.JSON] = []types.Datum{nil, `{"b":1, "a" : [1.0]}`, `"x"`, `[]`}
	allTypes := append(append([]*types.T{}, rowTypes...), types.JSON)
	for round := 0; round < 500; round++ {
		ncols := rng.Intn(12)
		if round == 0 {
			ncols = 0
		}
		ts := make([]*types.T, ncols)
		row := make([]types.Datum, ncols)
		for i := range ts {
			ts[i] = allTypes[rng.Intn(len(allTypes))]
			pool := pools[ts[i]]
			row[i] = pool[rng.Intn(len(pool))]
		}
		enc, err := AppendRow(nil, ts, row)
		if err != nil {
			t.Fatalf("AppendRow(%v): %v", row, err)
		}
		got, err := DecodeRow(enc, ts)
		if err != nil {
			t.Fatalf("DecodeRow(%x): %v", enc, err)
		}
		for i := range row {
			if !datumEqual(row[i], got[i]) {
				t.Fatalf("column %d (%s): decoded %s, want %s", i, ts[i].Name, show(ts[i], got[i]), show(ts[i], row[i]))
			}
		}
		// Decoding some columns: those come back as written, the rest
		// NULL; a need shorter than the row skips the columns past it.
		need := make([]bool, rng.Intn(ncols+1))
		for i := range need {
			need[i] = rng.Intn(2) == 0
		}
		some, err := DecodeStoredColumns(enc, ts, need)
		if err != nil || len(some) != ncols {
			t.Fatalf("DecodeStoredColumns(%x, %v): %d columns, %v", enc, need, len(some), err)
		}
		for i := range row {
			want := row[i]
			if i >= len(need) || !need[i] {
				want = nil
			}
			if !datumEqual(want, some[i]) {
				t.Fatalf("need %v, column %d (%s): decoded %s, want %s", need, i, ts[i].Name, show(ts[i], some[i]), show(ts[i], want))
			}
		}
		// Into a row that held other values: every entry is overwritten.
		into := make([]types.Datum, ncols)
		for i := range into {
			into[i] = "stale"
		}
		if err := DecodeStoredColumnsInto(into, enc, ts, need); err != nil {
			t.Fatalf("DecodeStoredColumnsInto: %v", err)
		}
		for i := range row {
			if !datumEqual(some[i], into[i]) {
				t.Fatalf("need %v, column %d (%s): decoded into %s, want %s", need, i, ts[i].Name, show(ts[i], into[i]), show(ts[i], some[i]))
			}
		}
		if err := DecodeStoredColumnsInto(make([]types.Datum, ncols+1), enc, ts, need); err == nil {
			t.Fatalf("DecodeStoredColumnsInto a row of the wrong length: no error")
		}
		if n := len(enc); n > 0 {
			if _, err := DecodeStoredColumns(enc[:n-1], ts, need); pgerror.GetCode(err) != pgcode.DataCorrupted {
				t.Fatalf("DecodeStoredColumns of a truncated row: %v, want XX001", err)
			}
		}
		again, err := AppendRow([]byte("prefix"), ts, got)
		if err != nil || !bytes.Equal(again[6:], enc) {
			t.Fatalf("re-encoding differs: %x vs %x (%v)", again, enc, err)
		}
		// Every proper prefix is rejected, and so is a trailing byte.
		for n := 0; n < len(enc); n++ {
			if _, err := DecodeRow(enc[:n], ts); pgerror.GetCode(err) != pgcode.DataCorrupted {
				t.Fatalf("DecodeRow of prefix %x of %x: %v, want XX001", enc[:n], enc, err)
			}
		}
		if _, err := DecodeRow(append(enc, 0), ts); pgerror.GetCode(err) != pgcode.DataCorrupted {
			t.Fatalf("DecodeRow with a trailing byte: %v", err)
		}
		// Padded decoding of the row under a longer column list.
		more := append(append([]*types.T{}, ts...), types.Int4, types.Text)
		padded, err := DecodeRowPadded(enc, more)
		if err != nil || len(padded) != len(more) || padded[len(ts)] != nil || padded[len(ts)+1] != nil {
			t.Fatalf("DecodeRowPadded: %v %v", padded, err)
		}
		if _, err := DecodeRow(enc, more); pgerror.GetCode(err) != pgcode.DataCorrupted {
			t.Fatalf("DecodeRow with too few columns: %v", err)
		}
		if ncols > 0 {
			if _, err := DecodeRowPadded(enc, ts[:ncols-1]); pgerror.GetCode(err) != pgcode.DataCorrupted {
				t.Fatalf("DecodeRowPadded with too many columns: %v", err)
			}
		}
	}
}

func TestRowBytes(t *testing.T) {
	ts := []*types.T{types.Int4, types.Text, types.Bool, types.Numeric}
	row := []types.Datum{int64(7), "hi", nil, mustParse(t, types.Numeric, "1.50")}
	enc, err := AppendRow(nil, ts, row)
	if err != nil {
		t.Fatal(err)
	}
	want := "01" + "04" + // version, 4 columns
		"05" + "00000007" + // int4 7: uvarint(4+1), int4send
		"03" + "6869" + // text 'hi'
		"00" + // NULL
		"0d" + "0002" + "0000" + "0000" + "0002" + "0001" + "1388" // numeric 1.50: 12 bytes (ndigits 2, weight 0, sign +, dscale 2, digits 1, 5000)
	if got := hexString(enc); got != want {
		t.Fatalf("row = %s, want %s", got, want)
	}
	// A 127-byte value has a one-byte length (128), a 128-byte value a
	// two-byte one.
	for n, hdr := range map[int]string{126: "7f", 127: "8001"} {
		enc, _ := AppendRow(nil, []*types.T{types.Bytea}, []types.Datum{make([]byte, n)})
		if got := hexString(enc[2:4]); got[:len(hdr)] != hdr {
			t.Fatalf("length header of %d bytes: %s, want %s", n, got, hdr)
		}
	}
}

func TestRowRejects(t *testing.T) {
	ts := []*types.T{types.Int4, types.Text}
	cases := []struct {
		name string
		hex  string
		ts   []*types.T
	}{
		{"empty", "", ts},
		{"version 0", "00020500000001" + "00", ts},
		{"version 2", "02020500000001" + "00", ts},
		{"non-canonical count", "018200" + "0500000001" + "00", ts},
		{"count too large", "0103" + "0500000001" + "00" + "00", ts},
		{"count too small", "0101" + "0500000001", ts},
		{"non-canonical length", "0102" + "8500" + "00000001" + "00", ts},
		{"length overflow", "0102" + "ffffffffffffffffffff01" + "00", ts},
		{"length past the end", "0102" + "0600000001" + "00", ts},
		{"short int4", "0102" + "04000001" + "00", ts},
		{"long int4", "0102" + "06" + "0000000100" + "00", ts},
		{"trailing byte", "0102" + "0500000001" + "00" + "00", ts},
		{"invalid utf-8", "0102" + "00" + "02ff", ts},
		{"NUL in text", "0102" + "00" + "0200", ts},
		{"bool 2", "0101" + "0202", []*types.T{types.Bool}},
		{"numeric leading zero group", "0101" + "0d" + "0002" + "0001" + "0000" + "0000" + "0000" + "0001", []*types.T{types.Numeric}},
		{"numeric trailing zero group", "0101" + "0d" + "0002" + "0000" + "0000" + "0000" + "0001" + "0000", []*types.T{types.Numeric}},
		{"jsonb not normalized", "0101" + "05" + "017b7d20", []*types.T{types.JSONB}}, // "{} "
		{"jsonb version 2", "0101" + "04" + "027b7d", []*types.T{types.JSONB}},
		{"name too long", "0101" + "41" + string(bytes.Repeat([]byte("61"), 64)), []*types.T{types.Name}},
		{"time out of range", "0101" + "09" + "000000141dd76001", []*types.T{types.Time}},
	}
	for _, c := range cases {
		_, err := DecodeRow(mustHex(t, c.hex), c.ts)
		if pgerror.GetCode(err) != pgcode.DataCorrupted {
			t.Errorf("%s: %v, want XX001", c.name, err)
			continue
		}
		var pe *pgerror.Error
		if !errors.As(err, &pe) {
			t.Errorf("%s: %T is not a *pgerror.Error", c.name, err)
		}
	}
	// The cause of a value the receive function rejects stays reachable.
	_, err := DecodeRow(mustHex(t, "0101"+"02"+"ff"), []*types.T{types.Text})
	var pe *pgerror.Error
	if !errors.As(err, &pe) || pe.Cause == nil || pgerror.GetCode(pe.Cause) != pgcode.CharacterNotInRepertoire {
		t.Errorf("cause of a bad text value: %#v", err)
	}
	// Writer errors.
	if _, err := AppendRow(nil, ts, []types.Datum{int64(1)}); pgerror.GetCode(err) != pgcode.Internal {
		t.Errorf("AppendRow with too few values: %v", err)
	}
	dst := []byte("keep")
	if out, err := AppendRow(dst, ts, []types.Datum{int64(1), 5}); pgerror.GetCode(err) != pgcode.Internal || string(out) != "keep" {
		t.Errorf("AppendRow with a bad Datum: %q %v", out, err)
	}
}
