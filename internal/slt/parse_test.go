package slt

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseCRLFAndComments(t *testing.T) {
	src := "# leading comment\r\n" +
		"statement ok\r\n" +
		"CREATE TABLE t1(a INTEGER,\r\n" +
		"# a comment inside a record does not end it\r\n" +
		"  b INTEGER)\r\n" +
		"   \t\r\n" + // whitespace only: blank
		"query IT rowsort label-1\r\n" +
		"SELECT a, b\r\n" +
		"# comment between SQL and ----\r\n" +
		"FROM t1\r\n" +
		"----\r\n" +
		"1\r\n" +
		"# comment among the values\r\n" +
		"(empty)\r\n" +
		"\r\n" +
		"\r\n" +
		"skipif postgresql # PostgreSQL requires AS\r\n" +
		"onlyif mysql\r\n" +
		"statement error\r\n" +
		"DROP TABLE tX\r\n" +
		"\r\n" +
		"hash-threshold 0\r\n" +
		"\r\n" +
		"halt\r\n" +
		"\r\n" +
		"query R\r\n" +
		"SELECT 1.5" // no final newline
	s := Parse("inline", []byte(src))
	if len(s.Problems) > 0 {
		t.Fatalf("problems: %v", s.Problems)
	}
	want := []Record{
		{Line: 2, Kind: KindStatement, SQL: "CREATE TABLE t1(a INTEGER,\n  b INTEGER)"},
		{Line: 7, Kind: KindQuery, SQL: "SELECT a, b\nFROM t1", Types: "IT", Sort: RowSort, Label: "label-1",
			HasExpected: true, Expected: []string{"1", "(empty)"}},
		{Line: 19, Kind: KindStatement, ExpectError: true, SQL: "DROP TABLE tX",
			Conditions: []Condition{{OnlyIf: false, Engine: "postgresql"}, {OnlyIf: true, Engine: "mysql"}}},
		{Line: 22, Kind: KindHashThreshold, Threshold: 0},
		{Line: 24, Kind: KindHalt},
		{Line: 26, Kind: KindQuery, SQL: "SELECT 1.5", Types: "R"},
	}
	if !reflect.DeepEqual(s.Records, want) {
		t.Fatalf("got\n%#v\nwant\n%#v", s.Records, want)
	}
	if !s.Records[2].Skipped("postgresql") || !s.Records[2].Skipped("PostgreSQL") || !s.Records[2].Skipped("sqlite") {
		t.Error("skipif postgresql / onlyif mysql must skip for postgresql and sqlite")
	}
	if s.Records[2].Skipped("mysql") {
		t.Error("skipif postgresql / onlyif mysql must run for mysql")
	}
	if s.Records[0].Skipped("postgresql") {
		t.Error("an unconditional record is never skipped")
	}
}

func TestParseLF(t *testing.T) {
	lf := "statement ok\nCREATE TABLE t(x INTEGER)\n\nquery I nosort\nSELECT x FROM t\n----\n\n"
	crlf := strings.ReplaceAll(lf, "\n", "\r\n")
	a, b := Parse("lf", []byte(lf)), Parse("crlf", []byte(crlf))
	if !reflect.DeepEqual(a.Records, b.Records) {
		t.Fatalf("LF and CRLF differ:\n%#v\n%#v", a.Records, b.Records)
	}
	if q := a.Records[1]; !q.HasExpected || len(q.Expected) != 0 {
		t.Fatalf("empty result: %#v", q)
	}
}

func TestParseProblems(t *testing.T) {
	s := Parse("bad", []byte("frobnicate\n\nquery X\nSELECT 1\n----\n1\n\nquery I sideways\nSELECT 1\n\nstatement maybe\nSELECT 1\n\nstatement ok\nSELECT 1\n"))
	if len(s.Problems) != 4 || len(s.Records) != 1 {
		t.Fatalf("problems %v, records %v", s.Problems, s.Records)
	}
	if !strings.HasPrefix(s.Problems[0], "bad:1: ") {
		t.Errorf("problem not located: %q", s.Problems[0])
	}
}
