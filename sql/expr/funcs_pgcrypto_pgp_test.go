package expr

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// TestPGPSymDecryptPostgresVectors decrypts messages PostgreSQL 15's
// pgp_sym_encrypt made with many options (testdata/
// pgcrypto_pgp_vectors.txt): ciphers, S2K modes and digests, session
// keys, compression, no MDC, and a large message in partial-length
// packets.
func TestPGPSymDecryptPostgresVectors(t *testing.T) {
	f, err := os.Open("testdata/pgcrypto_pgp_vectors.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		opts, hx, _ := strings.Cut(line, "|")
		msg, err := hex.DecodeString(hx)
		if err != nil {
			t.Fatal(err)
		}
		n++
		want, password, text := []byte("Secret text\nline2 é"), []byte("pass word"), true
		if o, ok := strings.CutPrefix(opts, "bytea "); ok {
			opts, text = o, false
			want, _ = hex.DecodeString(strings.Repeat("00ff10", 3000))
			password = []byte("pw")
		}
		o := defaultPGPOptions()
		if strings.Contains(opts, "convert-crlf=1") {
			o.convertCRLF = true
		}
		got, err := pgpSymDecrypt(msg, password, o, text)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%q: got %q, %v", opts, got, err)
		}
		if _, err := pgpSymDecrypt(msg, []byte("wrong"), o, text); err == nil || err.Error() != pgpErrCorrupt {
			t.Errorf("%q with a wrong password: %v", opts, err)
		}
	}
	if n < 20 {
		t.Fatalf("only %d vectors", n)
	}
}

// TestPGPSymRoundTrip encrypts and decrypts with each cipher and
// option pgcrypto has.
func TestPGPSymRoundTrip(t *testing.T) {
	data := []byte(strings.Repeat("line\n", 3000))
	for _, opts := range []string{"", "cipher-algo=bf", "cipher-algo=cast5", "cipher-algo=3des", "cipher-algo=aes256",
		"compress-algo=1", "compress-algo=2, compress-level=1", "s2k-mode=0", "s2k-mode=1, s2k-digest-algo=md5",
		"s2k-count=1024", "disable-mdc=1", "sess-key=1, s2k-cipher-algo=bf", "disable-mdc=1, cipher-algo=cast5",
		"convert-crlf=1", "unicode-mode=1"} {
		o, err := parsePGPOptions(opts)
		if err != nil {
			t.Fatalf("%q: %v", opts, err)
		}
		msg, err := pgpSymEncrypt(data, []byte("pw"), o, true)
		if err != nil {
			t.Fatalf("%q: %v", opts, err)
		}
		o, _ = parsePGPOptions(opts)
		got, err := pgpSymDecrypt(msg, []byte("pw"), o, true)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%q: round trip gave %d bytes, %v", opts, len(got), err)
		}
	}
}

// TestPGPOptions checks the parsing of options strings and pgcrypto's
// errors.
func TestPGPOptions(t *testing.T) {
	for s, want := range map[string]string{
		"":                                         "",
		"cipher-algo = AES256 , s2k-mode=1":        "",
		"Cipher-Algo=aes":                          "",
		"foo=1":                                    pgpErrArgument,
		"cipher-algo":                              pgpErrArgument,
		"cipher-algo=aes,,":                        pgpErrArgument,
		"cipher-algo=aes,":                         "",
		"cipher-algo=foo":                          pgpErrUnsupportedCiph,
		"s2k-mode=2":                               pgpErrArgument,
		"s2k-count=1023":                           pgpErrArgument,
		"s2k-count=65011713":                       pgpErrArgument,
		"s2k-digest-algo=sha224":                   pgpErrUnsupportedHash,
		"compress-algo=4":                          pgpErrArgument,
		"compress-level=10":                        pgpErrArgument,
		"unicode-mode=2, convert-crlf=x":           "",
		"debug=1, expect-cipher-algo=bogus":        "",
		"cipher-algo=aes s2k-mode=1":               pgpErrArgument,
		"s2k-count=1024x, compress-algo=+2":        "",
		"cipher-algo=aes256,s2k-mode=3,sess-key=1": "",
	} {
		_, err := parsePGPOptions(s)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("%q: got %q, want %q", s, got, want)
		}
	}
}
