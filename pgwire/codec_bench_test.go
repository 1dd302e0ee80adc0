package pgwire

import (
	"testing"
	"time"

	"github.com/jackc/pgproto3/v2"

	"github.com/stela-db/stela/sql"
	"github.com/stela-db/stela/sql/types"
)

// The messages of one execution of a prepared statement, as pgx sends and
// receives them: decoding Bind and Execute and encoding DataRow,
// CommandComplete and ReadyForQuery allocate nothing in steady state.
// TestMessageCodecDoesNotAllocate keeps it so in `make test`; the
// benchmarks give the cost.

func codecBindBody(tb testing.TB) []byte {
	b, err := (&pgproto3.Bind{PreparedStatement: "stmtcache_6f1b3c0e9d2a4f7b", ParameterFormatCodes: []int16{1},
		Parameters: [][]byte{{0, 0, 0, 0, 0, 0, 0x30, 0x39}}, ResultFormatCodes: []int16{1, 0, 1}}).Encode(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return b[5:]
}

func codecExecuteBody(tb testing.TB) []byte {
	b, err := (&pgproto3.Execute{}).Encode(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return b[5:]
}

var (
	codecCols = []sql.Column{{Name: "id", Type: types.Int8}, {Name: "v", Type: types.Text},
		{Name: "at", Type: types.TimestampTZType}}
	codecRow     = []types.Datum{int64(12345), "a value of some thirty bytes..", types.TimestampTZ(time.Date(2026, 11, 22, 15, 4, 5, 0, time.UTC).UnixMicro())}
	codecFormats = []int16{formatBinary, formatText, formatBinary}
)

func codecOps(tb testing.TB) map[string]func() {
	bindBody, execBody := codecBindBody(tb), codecExecuteBody(tb)
	var m bindMsg
	buf := make([]byte, 0, 512)
	fs := types.DefaultFormatSettings()
	return map[string]func(){
		"DecodeBind": func() {
			if err := decodeBind(bindBody, nil, &m); err != nil {
				tb.Fatal(err)
			}
		},
		"DecodeExecute": func() {
			if _, _, err := decodeExecute(execBody, nil); err != nil {
				tb.Fatal(err)
			}
		},
		"EncodeDataRow": func() {
			var err error
			if buf, err = appendDataRow(buf[:0], codecCols, codecFormats, codecRow, &fs, nil); err != nil {
				tb.Fatal(err)
			}
		},
		"EncodeCommandComplete": func() { buf = appendCommandComplete(buf[:0], "SELECT 1", 1) },
		"EncodeReadyForQuery":   func() { buf = appendReadyForQuery(buf[:0], 'I') },
	}
}

func BenchmarkMessageCodec(b *testing.B) {
	for name, op := range codecOps(b) {
		b.Run(name, func(b *testing.B) {
			op() // grow the reused buffers
			b.ReportAllocs()
			for b.Loop() {
				op()
			}
		})
	}
}

func TestMessageCodecDoesNotAllocate(t *testing.T) {
	for name, op := range codecOps(t) {
		op()
		if n := testing.AllocsPerRun(100, op); n != 0 {
			t.Errorf("%s: %v allocations per message, want 0", name, n)
		}
	}
}

// TestEncodersMatchPgproto3: the hand-written encoders produce what
// pgproto3 encodes for the same messages.
func TestEncodersMatchPgproto3(t *testing.T) {
	fs := types.DefaultFormatSettings()
	got, err := appendDataRow([]byte("x"), codecCols, codecFormats, codecRow, &fs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var values [][]byte
	for i, v := range codecRow {
		if codecFormats[i] == formatBinary {
			b, err := codecCols[i].Type.AppendBinary(nil, v)
			if err != nil {
				t.Fatal(err)
			}
			values = append(values, b)
		} else {
			values = append(values, codecCols[i].Type.AppendText(nil, v, &fs))
		}
	}
	for _, tc := range []struct {
		name string
		got  []byte
		want pgproto3.BackendMessage
	}{
		{"DataRow", got, &pgproto3.DataRow{Values: values}},
		{"CommandComplete", appendCommandComplete([]byte("x"), "SELECT 1", 3), &pgproto3.CommandComplete{CommandTag: []byte("SELECT 3")}},
		{"ReadyForQuery", appendReadyForQuery([]byte("x"), 'T'), &pgproto3.ReadyForQuery{TxStatus: 'T'}},
	} {
		want, err := tc.want.Encode([]byte("x"))
		if err != nil {
			t.Fatal(err)
		}
		if string(tc.got) != string(want) {
			t.Errorf("%s: % x, pgproto3 encodes % x", tc.name, tc.got, want)
		}
	}
}
