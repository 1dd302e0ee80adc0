package types

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stela-db/stela/sql/pgerror"
)

// checkCase runs one recorded PostgreSQL answer against this package:
// the input function's result or error (code, message, detail, hint), the
// output function's text, the send function's bytes, and the receive
// function on PostgreSQL's bytes.
func checkCase(t *testing.T, c textCase) {
	t.Helper()
	typ, err := parseTypeSpec(c.typ)
	if err != nil {
		t.Errorf("%s: type: %v", c, err)
		return
	}
	fs := settingsFrom(t, c.settings)
	d, err := typ.ParseText(c.input, &fs)
	if c.errCode != "" {
		var pe *pgerror.Error
		switch {
		case err == nil:
			t.Errorf("%s: got %q, want ERROR %s %q", c, typ.AppendText(nil, d, &fs), c.errCode, c.errMsg)
		case !errors.As(err, &pe):
			t.Errorf("%s: error without SQLSTATE: %v", c, err)
		case string(pe.Code) != c.errCode || pe.Message != c.errMsg || pe.Detail != c.errDetail || pe.Hint != c.errHint:
			t.Errorf("%s:\n got ERROR %s %q detail %q hint %q\nwant ERROR %s %q detail %q hint %q",
				c, pe.Code, pe.Message, pe.Detail, pe.Hint, c.errCode, c.errMsg, c.errDetail, c.errHint)
		}
		return
	}
	if err != nil {
		t.Errorf("%s: unexpected error %v, want %q", c, err, c.output)
		return
	}
	if got := string(typ.AppendText(nil, d, &fs)); got != c.output {
		t.Errorf("%s: text %q, want %q", c, got, c.output)
	}
	bin, err := typ.AppendBinary(nil, d)
	if err != nil {
		t.Errorf("%s: AppendBinary: %v", c, err)
	} else if got := hex.EncodeToString(bin); got != c.binary {
		t.Errorf("%s: binary %s, want %s", c, got, c.binary)
	}
	if pastTimestampEnd(d) {
		return // PostgreSQL's receive function refuses this too
	}
	want, _ := hex.DecodeString(c.binary)
	d2, err := typ.DecodeBinary(want)
	if err != nil {
		t.Errorf("%s: DecodeBinary(%s): %v", c, c.binary, err)
		return
	}
	if got := string(typ.AppendText(nil, d2, &fs)); got != c.output {
		t.Errorf("%s: text of decoded binary %q, want %q", c, got, c.output)
	}
}

// TestTextCases replays PostgreSQL 15's answers recorded in
// testdata/text_cases.txt.
func TestTextCases(t *testing.T) {
	cases := readCases(t, "testdata/text_cases.txt")
	if len(cases) < 300 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		checkCase(t, c)
	}
}
