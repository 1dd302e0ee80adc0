package checkpoint

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestMarshalKnownAnswer(t *testing.T) {
	got := katCheckpoint(t).Marshal()
	if string(got) != katBody {
		t.Fatalf("Marshal() = %q, want %q", got, katBody)
	}
	// body.txt was made by printf and base64 in testdata/gen.sh, an
	// encoding path independent of ours.
	if file := readTestdata(t, "body.txt"); !bytes.Equal(got, file) {
		t.Fatalf("Marshal() = %q, testdata/body.txt = %q", got, file)
	}
}

func TestParseKnownAnswer(t *testing.T) {
	got, err := Parse([]byte(katBody))
	if err != nil {
		t.Fatal(err)
	}
	if want := katCheckpoint(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("Parse() = %+v, want %+v", got, want)
	}
}

func TestMarshalParseRoundTrip(t *testing.T) {
	var ones [32]byte
	for i := range ones {
		ones[i] = 0xff
	}
	cases := []Checkpoint{
		katCheckpoint(t),
		{Origin: "e", Size: 0},
		{Origin: "example.com/log", Size: math.MaxUint64, Root: ones},
		{Origin: "example.com/log", Size: 10, Extensions: []string{"one"}},
		{Origin: "example.com/log", Size: 1, Extensions: []string{"a b c", "— looks like a signature", "+plus", "ünïcode ✓"}},
		// The origin is only recommended to avoid spaces and '+'.
		{Origin: "my log+1", Size: 3},
		{Origin: strings.Repeat("o", MaxOriginLen), Size: 99, Extensions: make16("x")},
	}
	for _, c := range cases {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: Validate: %v", c, err)
			continue
		}
		body := c.Marshal()
		if len(body) != cap(body) {
			t.Errorf("%+v: Marshal allocated %d bytes for %d", c, cap(body), len(body))
		}
		got, err := Parse(body)
		if err != nil {
			t.Errorf("Parse(%q): %v", body, err)
			continue
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("Parse(Marshal(%+v)) = %+v", c, got)
		}
	}
}

// make16 returns MaxExtensions copies of s.
func make16(s string) []string {
	out := make([]string, MaxExtensions)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestParseExtensionLines(t *testing.T) {
	body := katBody + "ext one\nsecond: 2\n"
	cp, err := Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ext one", "second: 2"}; !reflect.DeepEqual(cp.Extensions, want) {
		t.Fatalf("Extensions = %q, want %q", cp.Extensions, want)
	}
	if got := cp.Marshal(); string(got) != body {
		t.Fatalf("Marshal() = %q, want %q", got, body)
	}
}

func TestParseRejects(t *testing.T) {
	const root = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="
	body := func(origin, size, root string, ext ...string) string {
		s := origin + "\n" + size + "\n" + root + "\n"
		for _, e := range ext {
			s += e + "\n"
		}
		return s
	}
	cases := map[string]string{
		"empty":                    "",
		"no final newline":         strings.TrimSuffix(katBody, "\n"),
		"two lines":                "example.com/log\n8\n",
		"trailing text":            katBody + "extra",
		"empty origin":             body("", "8", root),
		"long origin":              body(strings.Repeat("o", MaxOriginLen+1), "8", root),
		"empty size":               body(testName, "", root),
		"leading zero":             body(testName, "08", root),
		"double zero":              body(testName, "00", root),
		"plus sign":                body(testName, "+8", root),
		"minus sign":               body(testName, "-8", root),
		"space before size":        body(testName, " 8", root),
		"space after size":         body(testName, "8 ", root),
		"hex size":                 body(testName, "0x8", root),
		"underscore size":          body(testName, "1_0", root),
		"size overflow":            body(testName, "18446744073709551616", root),
		"size far overflow":        body(testName, strings.Repeat("9", 100), root),
		"root 31 bytes":            body(testName, "8", "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQw=="),
		"root 33 bytes":            body(testName, "8", "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyiq"),
		"root unpadded":            body(testName, "8", strings.TrimSuffix(root, "=")),
		"root bad base64":          body(testName, "8", "!cnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="),
		"root url base64":          body(testName, "8", "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz-Nw7_RgQyg="),
		"root non-canonical bits":  body(testName, "8", "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh="),
		"root with CR":             body(testName, "8", "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQ\ryg="),
		"root hex":                 body(testName, "8", "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
		"empty root":               body(testName, "8", ""),
		"CRLF":                     strings.ReplaceAll(katBody, "\n", "\r\n"),
		"tab in origin":            body("example.com/\tlog", "8", root),
		"NUL in origin":            body("example.com/\x00log", "8", root),
		"non-UTF-8 origin":         body("example.com/\xfflog", "8", root),
		"non-UTF-8 extension":      body(testName, "8", root, "a\xc3"),
		"control in extension":     body(testName, "8", root, "a\x1bb"),
		"empty extension":          body(testName, "8", root, "ok", ""),
		"too many extensions":      body(testName, "8", root, append(make16("x"), "y")...),
		"blank line then sig-like": katBody + "\n— example.com/log AAAA\n",
		"over size limit":          body(testName, "8", root, strings.Repeat("x", MaxNoteSize)),
		"newlines only":            strings.Repeat("\n", MaxNoteSize),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			cp, err := Parse([]byte(in))
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse(%.60q) = %+v, %v; want ErrMalformed", in, cp, err)
			}
			t.Log(err)
			if len(err.Error()) > 300 {
				t.Errorf("error message is %d bytes long", len(err.Error()))
			}
		})
	}
}

func TestParseAcceptsLimits(t *testing.T) {
	cases := []string{
		katBody + strings.Join(make16("x"), "\n") + "\n",
		strings.Repeat("o", MaxOriginLen) + "\n0\n" + strings.SplitN(katBody, "\n", 3)[2],
		"example.com/log\n18446744073709551615\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
	}
	for _, in := range cases {
		if _, err := Parse([]byte(in)); err != nil {
			t.Errorf("Parse(%.60q): %v", in, err)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	cases := map[string]Checkpoint{
		"empty origin":         {},
		"newline in origin":    {Origin: "a\nb"},
		"long origin":          {Origin: strings.Repeat("o", MaxOriginLen+1)},
		"non-UTF-8 origin":     {Origin: "\xff"},
		"empty extension":      {Origin: "o", Extensions: []string{""}},
		"newline in extension": {Origin: "o", Extensions: []string{"a\nb"}},
		"too many extensions":  {Origin: "o", Extensions: append(make16("x"), "y")},
		"body too large":       {Origin: "o", Extensions: []string{strings.Repeat("x", MaxNoteSize)}},
	}
	for name, c := range cases {
		if err := c.Validate(); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: Validate() = %v, want ErrMalformed", name, err)
		}
	}
}
