package types_test

import (
	"testing"

	"github.com/stela-db/stela/sql/types"
)

// TestCheckEncoding: PostgreSQL's message names as many bytes as the bad
// character's lead byte announces.
func TestCheckEncoding(t *testing.T) {
	for in, want := range map[string]string{
		"plain":           "",
		"héllo ☃ 😀":       "",
		"a\x00b":          "0x00",
		"\xc3\x28":        "0xc3 0x28",
		"\xf0\x9f\x98":    "0xf0 0x9f 0x98",
		"\xed\xa0\x80":    "0xed 0xa0 0x80", // a surrogate
		"\xff":            "0xff",
		"ok \xe2\x82\xac": "",
	} {
		for _, err := range []error{types.CheckEncoding(in), types.CheckEncodingBytes([]byte(in))} {
			if want == "" {
				if err != nil {
					t.Errorf("%q: %v", in, err)
				}
				continue
			}
			if err == nil || err.Error() != `invalid byte sequence for encoding "UTF8": `+want {
				t.Errorf("%q: got %v, want %s", in, err, want)
			}
		}
	}
}
