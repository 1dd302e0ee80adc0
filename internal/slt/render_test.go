package slt

import (
	"crypto/md5"
	"encoding/hex"
	"reflect"
	"testing"
)

func TestRender(t *testing.T) {
	const (
		int4 = 23
		int8 = 20
		text = 25
		unk  = 705
	)
	for _, c := range []struct {
		v    string
		null bool
		typ  byte
		oid  uint32
		want string
	}{
		{"", true, 'I', int4, "NULL"},
		{"", true, 'T', text, "NULL"},
		{"", true, 'R', oidFloat8, "NULL"},
		{"42", false, 'I', int4, "42"},
		{"-9223372036854775808", false, 'I', int8, "-9223372036854775808"},
		{"53.33", false, 'I', oidNumeric, "53"},
		{"-2.5", false, 'I', oidNumeric, "-2"},
		{"-0.5", false, 'I', oidNumeric, "0"},
		{"53.33", false, 'I', oidFloat8, "53"},
		{"-2.5", false, 'I', oidFloat8, "-2"},
		{"1e+20", false, 'I', oidFloat8, "9223372036854775807"},
		{"-1e+20", false, 'I', oidFloat8, "-9223372036854775808"},
		{"NaN", false, 'I', oidFloat8, "0"},
		{"99999999999999999999.9", false, 'I', oidNumeric, "9223372036854775807"},
		{"t", false, 'I', oidBool, "1"},
		{"f", false, 'I', oidBool, "0"},
		{"12abc", false, 'I', text, "12"},
		{"  -7 apples", false, 'I', text, "-7"},
		{"abc", false, 'I', text, "0"},
		{"", false, 'I', text, "0"},
		{"53.33", false, 'I', unk, "53"},
		{"1.5", false, 'R', oidNumeric, "1.500"},
		{"7", false, 'R', int4, "7.000"},
		{"-0.0004", false, 'R', oidFloat8, "-0.000"},
		{"0.0625", false, 'R', oidFloat8, "0.062"}, // exact tie: to even, as glibc
		{"2.0005", false, 'R', oidNumeric, "2.001"},
		{"1e+20", false, 'R', oidFloat8, "100000000000000000000.000"},
		{"Infinity", false, 'R', oidFloat8, "inf"},
		{"-Infinity", false, 'R', oidFloat8, "-inf"},
		{"NaN", false, 'R', oidFloat8, "nan"},
		{"t", false, 'R', oidBool, "1.000"},
		{"3.25xyz", false, 'R', text, "3.250"},
		{"abc", false, 'R', text, "0.000"},
		{"hello", false, 'T', text, "hello"},
		{"", false, 'T', text, "(empty)"},
		{" ", false, 'T', text, " "},
		{"a\tb\x7fc\x01", false, 'T', text, "a@b@c@"},
		{"caf\u00e9", false, 'T', text, "caf@@"}, // two UTF-8 bytes, two @
		{"42", false, 'T', int4, "42"},
	} {
		if got := Render([]byte(c.v), c.null, c.typ, c.oid); got != c.want {
			t.Errorf("Render(%q, null=%v, %c, oid %d) = %q, want %q", c.v, c.null, c.typ, c.oid, got, c.want)
		}
	}
}

func TestSort(t *testing.T) {
	rows := func() [][]string {
		return [][]string{{"9", "b"}, {"10", "z"}, {"9", "a"}, {"NULL", "c"}}
	}
	if got, want := Sort(rows(), NoSort), []string{"9", "b", "10", "z", "9", "a", "NULL", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("nosort: %v, want %v", got, want)
	}
	// strcmp order: "10" < "9" < "NULL"; ties broken by the next column.
	if got, want := Sort(rows(), RowSort), []string{"10", "z", "9", "a", "9", "b", "NULL", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("rowsort: %v, want %v", got, want)
	}
	if got, want := Sort(rows(), ValueSort), []string{"10", "9", "9", "NULL", "a", "b", "c", "z"}; !reflect.DeepEqual(got, want) {
		t.Errorf("valuesort: %v, want %v", got, want)
	}
}

func TestHash(t *testing.T) {
	vals := []string{"1", "NULL", "(empty)"}
	sum := md5.Sum([]byte("1\nNULL\n(empty)\n"))
	want := hex.EncodeToString(sum[:])
	if got := Hash(vals); got != want {
		t.Errorf("Hash = %s, want %s", got, want)
	}
	if got := HashLine(vals); got != "3 values hashing to "+want {
		t.Errorf("HashLine = %s", got)
	}
	// An empty result hashes the empty input.
	if got := HashLine(nil); got != "0 values hashing to d41d8cd98f00b204e9800998ecf8427e" {
		t.Errorf("HashLine(nil) = %s", got)
	}
}
