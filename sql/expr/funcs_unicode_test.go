package expr

import (
	"errors"
	"testing"

	"github.com/stela-db/stela/sql/pgerror"
)

// The SQL test files compare only code and message: unistr's hint for a
// bad escape is PostgreSQL 15's, and a bad pair has none.
func TestUnistrErrorHint(t *testing.T) {
	for in, hint := range map[string]string{
		`\x`:    `Unicode escapes must be \XXXX, \+XXXXXX, \uXXXX, or \UXXXXXXXX.`,
		`\D83D`: "",
		`\0000`: "",
	} {
		_, err := unistr(in)
		var pe *pgerror.Error
		if !errors.As(err, &pe) || pe.Hint != hint {
			t.Errorf("%q: %#v", in, err)
		}
	}
}
