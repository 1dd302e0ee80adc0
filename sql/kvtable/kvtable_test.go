package kvtable

import (
	"errors"
	"strings"
	"testing"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

func TestCheckKey(t *testing.T) {
	for _, c := range []struct {
		key, code string
	}{
		{"a/b c", ""}, {strings.Repeat("é", MaxKeyLen/2), ""}, {"", "22023"},
		{strings.Repeat("k", MaxKeyLen+1), "54000"}, {"\xff", "22023"}, {"a\x00b", "22023"},
	} {
		err := CheckKey(c.key)
		if got := string(pgerror.GetCode(err)); (err == nil) != (c.code == "") || err != nil && got != c.code {
			t.Errorf("CheckKey(%q): %v (%s), want %q", c.key, err, got, c.code)
		}
	}
	if got := GetAt(7); !strings.Contains(got, "AS OF TX 7 WHERE") {
		t.Errorf("GetAt(7) = %q", got)
	}
}

// TestPutCreating: the first write makes the table (Put, Create, Put);
// a writer who may not create it gets MissingTable (42501 with the
// hint); any other error is returned as it came.
func TestPutCreating(t *testing.T) {
	errOf := func(code string) error {
		if code == "" {
			return nil
		}
		return pgerror.New(pgcode.Code(code), "from the server")
	}
	codeOf := func(err error) string {
		if err == nil {
			return ""
		}
		return string(pgerror.GetCode(err))
	}
	for _, c := range []struct {
		name      string
		answers   []string // SQLSTATE of each statement run, "" for success
		wantCalls []string
		wantCode  string
	}{
		{"table exists", []string{""}, []string{Put}, ""},
		{"first write", []string{"42P01", "", ""}, []string{Put, Create, Put}, ""},
		{"may not create", []string{"42P01", "42501"}, []string{Put, Create}, "42501"},
		{"create fails otherwise", []string{"42P01", "53100"}, []string{Put, Create}, "53100"},
		{"put fails otherwise", []string{"22023"}, []string{Put}, "22023"},
	} {
		var calls []string
		exec := func(q string, args ...any) error {
			calls = append(calls, q)
			return errOf(c.answers[len(calls)-1])
		}
		err := PutCreating(exec, codeOf, "db", "k", []byte("v"), nil)
		if codeOf(err) != c.wantCode || strings.Join(calls, "|") != strings.Join(c.wantCalls, "|") {
			t.Errorf("%s: %v after %d statements, want %q after %d", c.name, err, len(calls), c.wantCode, len(c.wantCalls))
		}
		if c.name == "may not create" {
			var pe *pgerror.Error
			if !errors.As(err, &pe) || pe.Hint != MissingTableHint {
				t.Errorf("%s: %#v, want MissingTable's hint", c.name, err)
			}
		}
	}
}
