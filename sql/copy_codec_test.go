package sql

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// chunks is a CopySource over fixed pieces.
type chunks struct {
	parts [][]byte
	fail  error
}

func (c *chunks) Next() ([]byte, error) {
	if len(c.parts) == 0 {
		if c.fail != nil {
			return nil, c.fail
		}
		return nil, io.EOF
	}
	p := c.parts[0]
	c.parts = c.parts[1:]
	return p, nil
}

// split cuts data into pieces of size n (1 stresses every boundary).
func split(data []byte, n int) *chunks {
	c := &chunks{}
	for len(data) > 0 {
		k := min(n, len(data))
		c.parts = append(c.parts, data[:k])
		data = data[k:]
	}
	return c
}

func optsFor(t testing.TB, sql string) *copyOptions {
	t.Helper()
	res, err := pg_query.Parse(sql)
	if err != nil {
		t.Fatal(err)
	}
	n := res.Stmts[0].Stmt.GetCopyStmt()
	o, err := parseCopyOptions(n.Options, n.IsFrom)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// readAll reads every line and splits it, rendering fields as
// [a|b|NULL] so that tests compare strings.
func readAll(o *copyOptions, src CopySource) (string, error) {
	r := newCopyLineReader(src, o)
	var out strings.Builder
	var f copyFields
	for {
		line, ok, err := r.next()
		if err != nil {
			return out.String(), err
		}
		if !ok {
			return out.String(), nil
		}
		line = append([]byte(nil), line...)
		if o.format == copyCSV {
			err = splitCSV(line, o, &f)
		} else {
			err = splitText(line, o.delim, o.null, &f)
		}
		if err != nil {
			return out.String(), err
		}
		out.WriteByte('[')
		for i := 0; i < f.len(); i++ {
			if i > 0 {
				out.WriteByte('|')
			}
			if v, null := f.value(i); null {
				out.WriteString("NULL")
			} else {
				out.Write(v)
			}
		}
		out.WriteString("]\n")
	}
}

func TestCopyTextDecode(t *testing.T) {
	o := optsFor(t, "COPY t FROM STDIN")
	for _, tc := range []struct{ in, want, err string }{
		{in: "1\tx\n2\t\\N\n", want: "[1|x]\n[2|NULL]\n"},
		{in: "a\\tb\\nc\\\\d\\b\\f\\r\\v\n", want: "[a\tb\nc\\d\b\f\r\v]\n"},
		{in: "\\101\\x41\\x4g\\7\\08\n", want: "", err: `invalid byte sequence for encoding "UTF8": 0x00`},
		{in: "\\101\\x41\\x4g\\7\n", want: "[AA\x04g\x07]\n"},
		{in: "\\xc3\\xa9\n", want: "[é]\n"},
		{in: "\\xff\n", err: `invalid byte sequence for encoding "UTF8": 0xff`},
		{in: "q\\z\\\tr\n", want: "[qz\tr]\n"},
		{in: "trailing\\", want: "[trailing]\n"},
		{in: "\\N\t\\\\N\n", want: "[NULL|\\N]\n"},
		{in: "no newline", want: "[no newline]\n"},
		{in: "a\r\nb\r\n", want: "[a]\n[b]\n"},
		{in: "a\rb\r", want: "[a]\n[b]\n"},
		{in: "a\nb\r", want: "[a]\n", err: "literal carriage return found in data"},
		{in: "a\r\nb\n", want: "[a]\n", err: "literal newline found in data"},
		{in: "a\rb\n", want: "[a]\n", err: "literal newline found in data"},
		{in: "a\n\\.\nignored\n", want: "[a]\n"},
		{in: "a\nb\\.\nignored\n", want: "[a]\n[b]\n"},
		{in: "a\n\\.x\n", want: "[a]\n", err: "end-of-copy marker corrupt"},
		{in: "a\n\\.", want: "[a]\n", err: "end-of-copy marker corrupt"},
		{in: "a\r\n\\.\n", want: "[a]\n", err: "end-of-copy marker does not match previous newline style"},
		{in: "a\n\\.\r", want: "[a]\n", err: "end-of-copy marker does not match previous newline style"},
		{in: "\n", want: "[]\n"},
	} {
		for _, n := range []int{1, 3, 1 << 20} {
			got, err := readAll(o, split([]byte(tc.in), n))
			if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
				t.Errorf("%q in pieces of %d: got %q, %v; want %q, %q", tc.in, n, got, err, tc.want, tc.err)
			}
		}
	}
}

func TestCopyCSVDecode(t *testing.T) {
	o := optsFor(t, "COPY t FROM STDIN WITH CSV")
	for _, tc := range []struct{ in, want, err string }{
		{in: "1,x,\n", want: "[1|x|NULL]\n"},
		{in: `1,"",""""` + "\n", want: "[1||\"]\n"},
		{in: "\"a,b\",\"multi\nline\"\n", want: "[a,b|multi\nline]\n"},
		{in: "a\"b\"c,d\n", want: "[abc|d]\n"},
		{in: "\"abc\n", want: "", err: "unterminated CSV quoted field"},
		{in: "a\n\\.\nb\n", want: "[a]\n"},
		{in: "a\n\\.x\n", want: "[a]\n[\\.x]\n"},
		{in: "a\\.\n", want: "[a\\.]\n"},
		{in: "a\nb\r", want: "[a]\n", err: "unquoted carriage return found in data"},
		{in: "\"a\r\nb\"\r\n", want: "[a\r\nb]\n"},
	} {
		for _, n := range []int{1, 2, 1 << 20} {
			got, err := readAll(o, split([]byte(tc.in), n))
			if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
				t.Errorf("%q in pieces of %d: got %q, %v; want %q, %q", tc.in, n, got, err, tc.want, tc.err)
			}
		}
	}
	o = optsFor(t, `COPY t FROM STDIN WITH (FORMAT csv, QUOTE '''', ESCAPE '\', NULL 'NA', DELIMITER ';')`)
	got, err := readAll(o, split([]byte("'a;b';NA;'NA';'it\\'s \\\\'\n"), 1))
	if want := "[a;b|NULL|NA|it's \\]\n"; got != want || err != nil {
		t.Errorf("custom CSV: got %q, %v; want %q", got, err, want)
	}
}

func TestCopyEncodeText(t *testing.T) {
	got := string(appendTextField(nil, []byte("a\tb\nc\\d\x01|e\x7f"), '|'))
	if want := "a\\tb\\nc\\\\d\x01\\|e\x7f"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	o := optsFor(t, "COPY t TO STDOUT WITH CSV")
	for _, tc := range []struct {
		in            string
		force, single bool
		want          string
	}{
		{in: "plain", want: "plain"},
		{in: "", want: `""`},
		{in: "a,b", want: `"a,b"`},
		{in: `say "hi"`, want: `"say ""hi"""`},
		{in: "two\nlines", want: "\"two\nlines\""},
		{in: `\.`, single: true, want: `"\."`},
		{in: `\.`, want: `\.`},
		{in: "x", force: true, want: `"x"`},
	} {
		if got := string(appendCSVField(nil, []byte(tc.in), o, tc.force, tc.single)); got != tc.want {
			t.Errorf("CSV %q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCopyTextRoundTrip: what COPY TO writes, COPY FROM reads back.
func TestCopyTextRoundTrip(t *testing.T) {
	o := optsFor(t, "COPY t FROM STDIN")
	vals := []string{"", "plain", "tab\there", "nl\nx", "cr\rx", `back\slash`, `\N`, "\\.", "é\x01"}
	var data []byte
	for _, v := range vals {
		data = appendTextField(data, []byte(v), '\t')
		data = append(data, '\n')
	}
	got, err := readAll(o, split(data, 5))
	var want strings.Builder
	for _, v := range vals {
		want.WriteString("[" + v + "]\n")
	}
	if err != nil || got != want.String() {
		t.Errorf("got %q, %v; want %q", got, err, want.String())
	}
}

func TestCopyOptionErrors(t *testing.T) {
	for _, tc := range []struct{ sql, code, msg string }{
		{"COPY t FROM STDIN (FORMAT xml)", "22023", `COPY format "xml" not recognized`},
		{"COPY t FROM STDIN (FORMAT csv, FORMAT text)", "42601", "conflicting or redundant options"},
		{"COPY t FROM STDIN (FORMAT binary, DELIMITER ',')", "42601", "cannot specify DELIMITER in BINARY mode"},
		{"COPY t FROM STDIN (FORMAT binary, NULL 'x')", "42601", "cannot specify NULL in BINARY mode"},
		{"COPY t FROM STDIN (DELIMITER '||')", "0A000", "COPY delimiter must be a single one-byte character"},
		{"COPY t FROM STDIN (DELIMITER 'a')", "22023", `COPY delimiter cannot be "a"`},
		{"COPY t FROM STDIN (QUOTE '\"')", "0A000", "COPY quote available only in CSV mode"},
		{"COPY t FROM STDIN (FORMAT csv, DELIMITER '\"')", "22023", "COPY delimiter and quote must be different"},
		{"COPY t FROM STDIN (NULL 'a\tb')", "22023", "COPY delimiter must not appear in the NULL specification"},
		{"COPY t TO STDOUT (HEADER match)", "0A000", `cannot use "match" with HEADER in COPY TO`},
		{"COPY t FROM STDIN (HEADER 2)", "42601", `header requires a Boolean value or "match"`},
		{"COPY t FROM STDIN (FORMAT csv, FORCE_QUOTE *)", "0A000", "COPY force quote only available using COPY TO"},
		{"COPY t TO STDOUT (FORMAT csv, FORCE_NULL (a))", "0A000", "COPY force null only available using COPY FROM"},
		{"COPY t FROM STDIN (ENCODING 'nope')", "22023", `argument to option "encoding" must be a valid encoding name`},
		{"COPY t FROM STDIN (BOGUS)", "42601", `option "bogus" not recognized`},
		{"COPY t FROM STDIN (FREEZE maybe)", "42601", "freeze requires a Boolean value"},
	} {
		res, err := pg_query.Parse(tc.sql)
		if err != nil {
			t.Fatal(err)
		}
		n := res.Stmts[0].Stmt.GetCopyStmt()
		_, err = parseCopyOptions(n.Options, n.IsFrom)
		if pgerror.GetCode(err) != pgcode.Code(tc.code) || err.Error() != tc.msg {
			t.Errorf("%s: got %v (%s), want %s %s", tc.sql, err, pgerror.GetCode(err), tc.code, tc.msg)
		}
	}
}

func binaryData(tuples ...[][]byte) []byte {
	b := appendCopyBinaryHeader(nil)
	for _, tup := range tuples {
		b = binary.BigEndian.AppendUint16(b, uint16(len(tup)))
		for _, f := range tup {
			if f == nil {
				b = binary.BigEndian.AppendUint32(b, 0xffffffff)
				continue
			}
			b = binary.BigEndian.AppendUint32(b, uint32(len(f)))
			b = append(b, f...)
		}
	}
	return appendCopyBinaryTrailer(b)
}

func TestCopyBinaryReader(t *testing.T) {
	data := binaryData([][]byte{[]byte("ab"), nil}, [][]byte{{}, []byte("xyz")})
	for _, n := range []int{1, 7, 1 << 20} {
		r := &copyBinaryReader{in: copyInput{src: split(data, n)}}
		if err := r.readHeader(); err != nil {
			t.Fatal(err)
		}
		var got []string
		for {
			cnt, ok, err := r.tuple()
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				break
			}
			for i := 0; i < cnt; i++ {
				b, null, err := r.field()
				if err != nil {
					t.Fatal(err)
				}
				if null {
					got = append(got, "NULL")
				} else {
					got = append(got, string(b))
				}
			}
		}
		if s := strings.Join(got, ","); s != "ab,NULL,,xyz" {
			t.Errorf("pieces of %d: got %s", n, s)
		}
	}
	for _, tc := range []struct {
		data []byte
		err  string
	}{
		{[]byte("PGCOPY\n\377\r"), "COPY file signature not recognized"},
		{append(appendCopyBinaryHeader(nil)[:11], 0, 1, 0, 0, 0, 0, 0, 0), "invalid COPY file header (WITH OIDS)"},
		{append(appendCopyBinaryHeader(nil)[:11], 0, 2, 0, 0, 0, 0, 0, 0), "unrecognized critical flags in COPY file header"},
		{append(appendCopyBinaryHeader(nil)[:11], 0, 0, 0, 0, 0, 0, 0, 9, 1), "invalid COPY file header (wrong length)"},
		{append(appendCopyBinaryHeader(nil), 0, 1, 0, 0, 0, 5, 'a'), "unexpected EOF in COPY data"},
		{append(appendCopyBinaryHeader(nil), 0, 1, 0xff, 0xff, 0xff, 0xfe), "invalid field size"},
		{append(binaryData(), 0), "received copy data after EOF marker"},
	} {
		r := &copyBinaryReader{in: copyInput{src: split(tc.data, 3)}}
		err := r.readHeader()
		for err == nil {
			var cnt int
			var ok bool
			cnt, ok, err = r.tuple()
			if !ok {
				break
			}
			for i := 0; i < cnt && err == nil; i++ {
				_, _, err = r.field()
			}
		}
		if err == nil || err.Error() != tc.err {
			t.Errorf("%q: got %v, want %s", tc.data, err, tc.err)
		}
	}
}

func TestCopyDisplay(t *testing.T) {
	long := bytes.Repeat([]byte("é"), 60) // 120 bytes
	got := copyDisplay(long)
	if want := strings.Repeat("é", 50) + "..."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzCopyText: any input, in any pieces, reads the same as whole, and
// never panics.
func FuzzCopyText(f *testing.F) {
	for _, s := range []string{"1\tx\n2\t\\N\n", "a\\x4\\101\r\nb\r\n\\.\r\n", "\"a\nb\",c\n", "\\", "\\.", "a\rb\n"} {
		f.Add([]byte(s), uint8(3), false)
		f.Add([]byte(s), uint8(1), true)
	}
	text := optsFor(f, "COPY t FROM STDIN")
	csv := optsFor(f, "COPY t FROM STDIN CSV")
	f.Fuzz(func(t *testing.T, data []byte, n uint8, isCSV bool) {
		o := text
		if isCSV {
			o = csv
		}
		whole, werr := readAll(o, split(data, len(data)+1))
		parts, perr := readAll(o, split(data, int(n%16)+1))
		if whole != parts || (werr == nil) != (perr == nil) || (werr != nil && werr.Error() != perr.Error()) {
			t.Fatalf("whole %q %v; in pieces %q %v", whole, werr, parts, perr)
		}
		if werr != nil && pgerror.GetCode(werr) == pgcode.Internal {
			t.Fatalf("error without a SQLSTATE: %v", werr)
		}
	})
}

// FuzzCopyBinary: garbage is an error with a SQLSTATE, never a panic.
func FuzzCopyBinary(f *testing.F) {
	f.Add(binaryData([][]byte{[]byte("ab"), nil}), uint8(2))
	f.Add([]byte("PGCOPY\n\377\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, n uint8) {
		r := &copyBinaryReader{in: copyInput{src: split(data, int(n%16)+1)}}
		err := r.readHeader()
		for rows := 0; err == nil && rows < 1000; rows++ {
			var cnt int
			var ok bool
			if cnt, ok, err = r.tuple(); !ok {
				break
			}
			for i := 0; i < cnt && err == nil; i++ {
				_, _, err = r.field()
			}
		}
		if err != nil && pgerror.GetCode(err) == pgcode.Internal {
			t.Fatalf("error without a SQLSTATE: %v", err)
		}
	})
}
