package pgenc

import (
	"bytes"
	"strings"
	"testing"
)

// Every byte with a character comes back from UTF-8 as itself: the
// tables are one to one, so convert_to undoes convert_from.
func TestSingleByteRoundTrip(t *testing.T) {
	for name := range codePages {
		e, ok := Lookup(name)
		if !ok || e.tables == nil {
			t.Fatalf("%s: not a single-byte encoding", name)
		}
		// decode and encode pass ASCII through untouched.
		for c := 1; c < 0x80; c++ {
			if r := e.tables().decode[c]; r != rune(c) {
				t.Fatalf("%s: byte %#x is %U, not ASCII", name, c, r)
			}
		}
		for c := 1; c < 256; c++ {
			in := []byte{byte(c)}
			u, err := Convert(in, e, UTF8)
			if err != nil {
				continue // no character: convert_from's error
			}
			back, err := Convert(u, UTF8, e)
			if err != nil || !bytes.Equal(back, in) {
				t.Errorf("%s: byte %#x -> %q -> %x, %v", name, c, u, back, err)
			}
		}
	}
}

func TestLookupNames(t *testing.T) {
	for name, want := range map[string]string{
		"utf-8": "UTF8", "Latin 1": "LATIN1", "ISO-8859-15": "LATIN9", "windows-1251": "WIN1251",
		"sql_ascii": "SQL_ASCII", "Shift_JIS": "SJIS",
	} {
		if e, ok := Lookup(name); !ok || e.Name != want {
			t.Errorf("Lookup(%q) = %v, %v; want %s", name, e, ok, want)
		}
	}
	for _, name := range []string{"utf16", "\u212aoi8r", "LAT\u0130N1", strings.Repeat("-", 60) + "utf8"} {
		if _, ok := Lookup(name); ok {
			t.Errorf("%q is no PostgreSQL encoding name", name)
		}
	}
	if a, _ := Lookup("latin1"); a != encodings["LATIN1"] {
		t.Error("one Encoding per encoding")
	}
}

func TestAppendLossy(t *testing.T) {
	latin1, _ := Lookup("LATIN1")
	got := string(AppendLossy([]byte("x:"), []byte("café € ok"), latin1))
	if want := "x:caf\xe9 ? ok"; got != want {
		t.Fatalf("AppendLossy = %q, want %q", got, want)
	}
	if got := string(AppendLossy(nil, []byte("€"), UTF8)); got != "€" {
		t.Fatalf("AppendLossy to UTF8 = %q", got)
	}
}

func TestFromUTF8InPlace(t *testing.T) {
	latin1, _ := Lookup("LATIN1")
	b := []byte("Zürich, Genève")
	got, err := FromUTF8InPlace(b, latin1)
	if err != nil || string(got) != "Z\xfcrich, Gen\xe8ve" {
		t.Fatalf("FromUTF8InPlace = %q, %v", got, err)
	}
	if _, err := FromUTF8InPlace([]byte("5 €"), latin1); err == nil || !strings.Contains(err.Error(), "has no equivalent in encoding \"LATIN1\"") {
		t.Fatalf("FromUTF8InPlace(€) error = %v", err)
	}
}

// Every encoding has a number, and the number leads back to it.
func TestEncodingIDs(t *testing.T) {
	if len(byID) != len(encodings) {
		t.Fatalf("%d numbered encodings, %d known", len(byID), len(encodings))
	}
	for name, e := range encodings {
		got, ok := ByID(e.ID())
		if !ok || got != e {
			t.Errorf("%s: ByID(%d) = %v, %v", name, e.ID(), got, ok)
		}
	}
	if e, _ := ByID(6); e != UTF8 {
		t.Errorf("ByID(6) = %v, want UTF8", e)
	}
	if _, ok := ByID(42); ok {
		t.Error("ByID(42) found an encoding")
	}
}
