package expr

import (
	"errors"
	"testing"

	"github.com/stela-db/stela/sql/pgerror"
)

// The SQL test files compare only code and message: the detail and hint
// of a bad unit are PostgreSQL 15's.
func TestSizeBytesUnitError(t *testing.T) {
	for _, tc := range []struct{ in, msg, detail string }{
		{"1 XB", `invalid size: "1 XB"`, `Invalid size unit: "XB".`},
		{" 1e5x  ", `invalid size: " 1e5x  "`, `Invalid size unit: "x".`},
		{"1 kB kB", `invalid size: "1 kB kB"`, `Invalid size unit: "kB kB".`},
		{"abc", `invalid size: "abc"`, ""},
	} {
		_, err := sizeBytes(tc.in)
		var pe *pgerror.Error
		if !errors.As(err, &pe) {
			t.Fatalf("%q: %v", tc.in, err)
		}
		hint := ""
		if tc.detail != "" {
			hint = `Valid units are "bytes", "kB", "MB", "GB", "TB", and "PB".`
		}
		if pe.Code != "22023" || pe.Message != tc.msg || pe.Detail != tc.detail || pe.Hint != hint {
			t.Errorf("%q: %s %q detail %q hint %q", tc.in, pe.Code, pe.Message, pe.Detail, pe.Hint)
		}
	}
}
