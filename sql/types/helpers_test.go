package types

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// Test helpers shared by the table, live and fuzz tests.

// parseTypeSpec reads a type as written in the test files ("int4",
// "varchar(3)", "numeric(5,2)", "interval day to second(3)", "int4[]")
// and resolves it with ByName (and ArrayOf).
func parseTypeSpec(spec string) (*T, error) {
	if elem, ok := strings.CutSuffix(spec, "[]"); ok {
		e, err := parseTypeSpec(elem)
		if err != nil {
			return nil, err
		}
		a, ok := ArrayOf(e)
		if !ok {
			return nil, fmt.Errorf("no array type for %s", elem)
		}
		return a, nil
	}
	name, args := spec, ""
	if i := strings.IndexByte(spec, '('); i >= 0 {
		j := strings.IndexByte(spec, ')')
		name, args = strings.TrimSpace(spec[:i]), spec[i+1:j]
		if rest := strings.TrimSpace(spec[j+1:]); rest != "" {
			name += " " + rest // "timestamp(3) with time zone"
		}
	}
	var mods []int32
	if args != "" {
		for _, a := range strings.Split(args, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(a))
			if err != nil {
				return nil, err
			}
			mods = append(mods, int32(n))
		}
	}
	if strings.HasPrefix(name, "interval ") {
		fields := strings.TrimPrefix(name, "interval ")
		r := -1
		for m, s := range intervalRangeNames {
			if s == " "+fields {
				r = m
			}
		}
		if r < 0 {
			return nil, fmt.Errorf("bad interval fields %q", fields)
		}
		return ByName("interval", append([]int32{int32(r)}, mods...))
	}
	if name == "interval" && len(mods) == 1 {
		mods = []int32{intervalFullRange, mods[0]}
	}
	return ByName(name, mods)
}

// settingsFrom turns "DateStyle=SQL, DMY;TimeZone=Europe/Rome" (or "-")
// into FormatSettings.
func settingsFrom(t testing.TB, s string) FormatSettings {
	fs := DefaultFormatSettings()
	if s == "-" || s == "" {
		return fs
	}
	for _, kv := range strings.Split(s, ";") {
		k, v, _ := strings.Cut(kv, "=")
		switch strings.ToLower(k) {
		case "datestyle":
			fs.DateStyle = v
		case "intervalstyle":
			fs.IntervalStyle = v
		case "timezone":
			loc, ok := LoadTimeZone(v)
			if !ok {
				t.Fatalf("unknown zone %q", v)
			}
			fs.TimeZone = loc
		case "extra_float_digits":
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			fs.ExtraFloatDigits = n
		case "bytea_output":
			fs.ByteaOutput = v
		default:
			t.Fatalf("unknown setting %q", k)
		}
	}
	return fs
}

// settingsSQL turns the same string into SET statements.
func settingsSQL(s string) []string {
	if s == "-" || s == "" {
		return nil
	}
	var out []string
	for _, kv := range strings.Split(s, ";") {
		k, v, _ := strings.Cut(kv, "=")
		out = append(out, fmt.Sprintf("SET %s = '%s'", k, strings.ReplaceAll(v, "'", "''")))
	}
	return out
}

// textInput is one line of testdata/text_inputs.txt.
type textInput struct {
	line     int
	typ      string
	settings string
	input    string
}

// readInputs reads "type | settings | "input"" lines (input as a Go
// string literal); blank lines and # comments are skipped.
func readInputs(t testing.TB, path string) []textInput {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []textInput
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, " | ", 3)
		if len(parts) != 3 {
			t.Fatalf("%s:%d: want 3 fields", path, n)
		}
		in, err := strconv.Unquote(parts[2])
		if err != nil {
			t.Fatalf("%s:%d: input: %v", path, n, err)
		}
		out = append(out, textInput{line: n, typ: strings.TrimSpace(parts[0]), settings: strings.TrimSpace(parts[1]), input: in})
	}
	return out
}

// textCase is one line of testdata/text_cases.txt: an input and what
// PostgreSQL 15 answered.
type textCase struct {
	textInput
	errCode, errMsg, errDetail, errHint string
	output                              string
	binary                              string // hex
}

func (c textCase) String() string {
	return fmt.Sprintf("%s | %s | %s", c.typ, c.settings, strconv.Quote(c.input))
}

// formatCase writes a case line: the input, then either
// `=> "text" bin=hex` or `=> ERROR code "message" [DETAIL "..."] [HINT "..."]`.
func formatCase(c textCase) string {
	s := c.String() + " => "
	if c.errCode != "" {
		s += "ERROR " + c.errCode + " " + strconv.Quote(c.errMsg)
		if c.errDetail != "" {
			s += " DETAIL " + strconv.Quote(c.errDetail)
		}
		if c.errHint != "" {
			s += " HINT " + strconv.Quote(c.errHint)
		}
		return s
	}
	return s + strconv.Quote(c.output) + " bin=" + c.binary
}

func readCases(t testing.TB, path string) []textCase {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []textCase
	for n, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		head, tail, ok := strings.Cut(line, " => ")
		if !ok {
			t.Fatalf("%s:%d: no =>", path, n+1)
		}
		parts := strings.SplitN(head, " | ", 3)
		in, err := strconv.Unquote(parts[2])
		if err != nil {
			t.Fatalf("%s:%d: %v", path, n+1, err)
		}
		c := textCase{textInput: textInput{line: n + 1, typ: parts[0], settings: parts[1], input: in}}
		if strings.HasPrefix(tail, "ERROR ") {
			rest := tail[len("ERROR "):]
			c.errCode, rest = rest[:5], rest[6:]
			var q string
			q, rest = unquotePrefix(t, rest)
			c.errMsg = q
			for rest != "" {
				rest = strings.TrimPrefix(rest, " ")
				switch {
				case strings.HasPrefix(rest, "DETAIL "):
					c.errDetail, rest = unquotePrefix(t, rest[len("DETAIL "):])
				case strings.HasPrefix(rest, "HINT "):
					c.errHint, rest = unquotePrefix(t, rest[len("HINT "):])
				default:
					t.Fatalf("%s:%d: junk %q", path, n+1, rest)
				}
			}
		} else {
			q, rest := unquotePrefix(t, tail)
			c.output = q
			c.binary = strings.TrimPrefix(strings.TrimSpace(rest), "bin=")
		}
		out = append(out, c)
	}
	return out
}

// unquotePrefix reads a Go string literal at the start of s.
func unquotePrefix(t testing.TB, s string) (string, string) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		t.Fatalf("bad literal in %q: %v", s, err)
	}
	v, _ := strconv.Unquote(q)
	return v, s[len(q):]
}
