package types_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

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

// TestCheckEncodingAgreesWithRuneDecoding: the fast path (whole-string
// scans) accepts exactly the strings a rune-by-rune decode accepts, on
// random bytes that mix ASCII, NUL, valid multi-byte characters, lone
// continuation bytes, truncated sequences and surrogates.
func TestCheckEncodingAgreesWithRuneDecoding(t *testing.T) {
	pieces := []string{"a", "z", " ", "\x00", "é", "☃", "😀", "\x80", "\xbf", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "\xff", "\x7f"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		var sb strings.Builder
		for n := rng.IntN(24); n > 0; n-- {
			if rng.IntN(4) > 0 {
				sb.WriteString("abcdefgh"[:1+rng.IntN(8)]) // runs of ASCII
			} else {
				sb.WriteString(pieces[rng.IntN(len(pieces))])
			}
		}
		s := sb.String()
		want := true
		for j := 0; j < len(s); {
			r, size := utf8.DecodeRuneInString(s[j:])
			if s[j] == 0 || (r == utf8.RuneError && size <= 1) {
				want = false
				break
			}
			j += size
		}
		for _, err := range []error{types.CheckEncoding(s), types.CheckEncodingBytes([]byte(s))} {
			if (err == nil) != want {
				t.Fatalf("%q: got %v, want valid=%v", s, err, want)
			}
		}
	}
}
