package checkpoint

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// rawSign signs arbitrary text, bypassing Sign's validation, so that tests
// can present Open with correctly signed but malformed bodies.
func rawSign(t testing.TB, text string, signers ...Signer) []byte {
	t.Helper()
	adapted := make([]note.Signer, len(signers))
	for i, s := range signers {
		adapted[i] = noteSigner{s}
	}
	msg, err := note.Sign(&note.Note{Text: text}, adapted...)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// sigLine formats a signature line by hand.
func sigLine(name string, id uint32, sig []byte) string {
	b := binary.BigEndian.AppendUint32(nil, id)
	return "— " + name + " " + base64.StdEncoding.EncodeToString(append(b, sig...)) + "\n"
}

// signedBy returns the signature line s makes over text.
func signedBy(t testing.TB, s Signer, text string) string {
	t.Helper()
	sig, err := s.Sign([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return sigLine(s.Name(), s.KeyID(), sig)
}

func TestOpenRejects(t *testing.T) {
	trusted := signerFromPEM(t, "ed25519.pem")
	v := mustVerifier(t, trusted)
	other := seededEd25519(t, testName, "another key, same name")
	stranger := seededEd25519(t, "stranger.example/log", "stranger")
	good := string(mustSign(t, katCheckpoint(t), trusted))
	goodLine := good[len(katBody)+1:]

	// A line claiming to be the trusted key but signed by another one.
	forgedSig, _ := other.Sign([]byte(katBody))
	forged := katBody + "\n" + sigLine(testName, trusted.KeyID(), forgedSig)

	tampered := func(from, to string) string {
		if !strings.Contains(good, from) {
			t.Fatalf("note does not contain %q", from)
		}
		return strings.Replace(good, from, to, 1)
	}
	seventeen := katBody + "\n" + goodLine
	for i := 0; i < MaxSignatures; i++ {
		seventeen += signedBy(t, seededEd25519(t, "w"+string(rune('a'+i)), "w"), katBody)
	}
	cases := []struct {
		name, note, want string
	}{
		{"size changed", tampered("\n8\n", "\n9\n"), "signature"},
		{"root changed", tampered("Xcna", "Ycna"), "signature"},
		{"origin changed", tampered("example.com/log\n8", "example.com/lag\n8"), "signature"},
		{"extension added", tampered("yg=\n\n", "yg=\next\n\n"), "signature"},
		{"other key same name", string(mustSign(t, katCheckpoint(t), other)), "unverified"},
		{"forged key ID", forged, "signature"},
		{"unknown key only", string(mustSign(t, katCheckpoint(t), stranger)), "unverified"},
		{"no signature lines", katBody + "\n", "malformed"},
		{"missing blank line", katBody + goodLine, "malformed"},
		{"two blank lines", katBody + "\n\n" + goodLine, "signature"},
		{"trailing text", good + "trailing", "malformed"},
		{"trailing line", good + "not a signature\n", "malformed"},
		{"trailing blank line", good + "\n", "malformed"},
		{"no final newline", strings.TrimSuffix(good, "\n"), "malformed"},
		{"CRLF", strings.ReplaceAll(good, "\n", "\r\n"), "malformed"},
		{"non-UTF-8", tampered("example.com", "example\xff.com"), "malformed"},
		{"control character", tampered("example.com", "example\x01.com"), "malformed"},
		{"NUL", tampered("example.com", "example\x00.com"), "malformed"},
		{"hyphen for em dash", tampered("— ", "- "), "malformed"},
		{"name with plus", katBody + "\n" + sigLine("a+b", 1, []byte{1}), "malformed"},
		{"signature too short", katBody + "\n" + sigLine(testName, trusted.KeyID(), nil), "malformed"},
		{"bad signature base64", katBody + "\n— example.com/log !!!!\n", "malformed"},
		{"17 signatures", seventeen, "malformed"},
		{"over size limit", good + strings.Repeat(signedBy(t, stranger, katBody), MaxNoteSize/100), "malformed"},
		{"duplicate known line", good + goodLine, "malformed"},
		{"known line then forged", good + forged[len(katBody)+1:], "malformed"},
		{"empty", "", "malformed"},
		// Correctly signed by the trusted key, but the body is not a
		// checkpoint.
		{"signed: leading zero", string(rawSign(t, strings.Replace(katBody, "\n8\n", "\n08\n", 1), trusted)), "malformed"},
		{"signed: size overflow", string(rawSign(t, strings.Replace(katBody, "\n8\n", "\n18446744073709551616\n", 1), trusted)), "malformed"},
		{"signed: short root", string(rawSign(t, strings.Replace(katBody, "Xcna", "", 1), trusted)), "malformed"},
		{"signed: bad base64", string(rawSign(t, strings.Replace(katBody, "Xcna", "*cna", 1), trusted)), "malformed"},
		{"signed: two lines", string(rawSign(t, "example.com/log\n8\n", trusted)), "malformed"},
		{"signed: 17 extensions", string(rawSign(t, katBody+strings.Repeat("x\n", MaxExtensions+1), trusted)), "malformed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cp, err := Open([]byte(c.note), v)
			if got := errorKind(err); got != c.want {
				t.Fatalf("Open = %+v, %v (%s); want %s error", cp, err, got, c.want)
			}
			t.Log(err)
			var sigErr *SignatureError
			if errors.As(err, &sigErr) && (sigErr.KeyName != testName || sigErr.KeyID != trusted.KeyID()) {
				t.Errorf("SignatureError names %s+%08x", sigErr.KeyName, sigErr.KeyID)
			}
		})
	}
}

func TestOpenEveryBitFlip(t *testing.T) {
	for _, file := range []string{"ed25519.pem", "ec.pem"} {
		s := signerFromPEM(t, file)
		v := mustVerifier(t, s)
		sig, err := s.Sign([]byte(katBody))
		if err != nil {
			t.Fatal(err)
		}
		for bit := 0; bit < 8*(4+len(sig)); bit++ {
			raw := binary.BigEndian.AppendUint32(nil, s.KeyID())
			raw = append(raw, sig...)
			raw[bit/8] ^= 1 << (bit % 8)
			msg := katBody + "\n— " + testName + " " + base64.StdEncoding.EncodeToString(raw) + "\n"
			// A flipped key ID makes the line unknown; a flipped
			// signature makes a known key's signature fail (or, for
			// DER, unparseable, which also fails verification).
			want := "signature"
			if bit < 32 {
				want = "unverified"
			}
			if _, err := Open([]byte(msg), v); errorKind(err) != want {
				t.Fatalf("%s: bit %d flipped: Open error %v, want %s", file, bit, err, want)
			}
		}
	}
}

func TestOpenEveryTruncation(t *testing.T) {
	s := signerFromPEM(t, "ed25519.pem")
	msg := mustSign(t, katCheckpoint(t), s)
	v := mustVerifier(t, s)
	for n := range len(msg) {
		if _, err := Open(msg[:n], v); errorKind(err) != "malformed" {
			t.Fatalf("Open of the first %d of %d bytes: %v", n, len(msg), err)
		}
	}
}

func TestOpenIgnoresUnknownKeys(t *testing.T) {
	trusted := signerFromPEM(t, "ec.pem")
	v := mustVerifier(t, trusted)
	stranger := seededEd25519(t, "stranger.example/log", "s")
	sameName := seededEd25519(t, testName, "same name, other key")
	// Garbage signature bytes from unknown keys must not matter either.
	junk := sigLine("junk.example", 0xdeadbeef, []byte("not a signature"))
	lines := []string{signedBy(t, stranger, katBody), signedBy(t, sameName, katBody), junk}
	known := signedBy(t, trusted, katBody)
	for i := 0; i <= len(lines); i++ {
		all := append(append(append([]string{}, lines[:i]...), known), lines[i:]...)
		msg := katBody + "\n" + strings.Join(all, "")
		cp, err := Open([]byte(msg), v)
		if err != nil || !reflect.DeepEqual(cp, katCheckpoint(t)) {
			t.Errorf("known line at %d: Open = %+v, %v", i, cp, err)
		}
	}
	// Fifteen unknown lines plus the known one is within the limit.
	msg := katBody + "\n" + known
	for i := 0; i < MaxSignatures-1; i++ {
		msg += junk
	}
	if _, err := Open([]byte(msg), v); err != nil {
		t.Errorf("Open with %d lines: %v", MaxSignatures, err)
	}
}

func TestOpenAnyKnownFailureRejects(t *testing.T) {
	a, b := signerFromPEM(t, "ed25519.pem"), signerFromPEM(t, "ec.pem")
	badSig, _ := seededEd25519(t, testName, "x").Sign([]byte(katBody))
	msg := katBody + "\n" + signedBy(t, a, katBody) + sigLine(b.Name(), b.KeyID(), badSig)
	_, err := Open([]byte(msg), mustVerifier(t, a), mustVerifier(t, b))
	var sigErr *SignatureError
	if !errors.As(err, &sigErr) || sigErr.KeyID != b.KeyID() {
		t.Fatalf("Open = %v, want SignatureError for %08x", err, b.KeyID())
	}
	// Without b's verifier the bad line is unknown and ignored.
	if _, err := Open([]byte(msg), mustVerifier(t, a)); err != nil {
		t.Fatalf("Open without b's verifier: %v", err)
	}
}

func TestOpenNoVerifiers(t *testing.T) {
	msg := mustSign(t, katCheckpoint(t), signerFromPEM(t, "ed25519.pem"))
	_, err := Open(msg)
	if !errors.Is(err, ErrUnverified) {
		t.Fatalf("Open without verifiers: %v", err)
	}
	// The message names the key that did sign, to help fix a config.
	if !strings.Contains(err.Error(), "example.com/log+1e33dbdd") {
		t.Errorf("error %q does not name the signing key", err)
	}
}

// TestOpenCollidingVerifiers checks that two trusted keys sharing a name
// and key ID are both tried rather than one shadowing the other.
func TestOpenCollidingVerifiers(t *testing.T) {
	genuine := signerFromPEM(t, "ed25519.pem")
	impostorKey := seededEd25519(t, testName, "impostor")
	colliding := &Verifier{
		name:   testName,
		id:     genuine.KeyID(),
		pub:    impostorKey.Public(),
		verify: mustVerifier(t, impostorKey).verify,
	}
	msg := mustSign(t, katCheckpoint(t), genuine)
	for _, order := range [][]*Verifier{{colliding, mustVerifier(t, genuine)}, {mustVerifier(t, genuine), colliding}} {
		if _, err := Open(msg, order...); err != nil {
			t.Errorf("Open: %v", err)
		}
	}
	if _, err := Open(msg, colliding); errorKind(err) != "signature" {
		t.Errorf("Open with only the colliding key: %v", err)
	}
}

func TestParseUnverified(t *testing.T) {
	s := signerFromPEM(t, "ed25519.pem")
	junk := sigLine("junk.example", 0xdeadbeef, []byte("sig"))
	msg := string(mustSign(t, katCheckpoint(t), s)) + junk + junk
	cp, lines, err := ParseUnverified([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cp, katCheckpoint(t)) {
		t.Errorf("checkpoint %+v", cp)
	}
	if len(lines) != 2 || lines[0].KeyName != testName || lines[0].KeyID != s.KeyID() ||
		lines[1].KeyName != "junk.example" || lines[1].KeyID != 0xdeadbeef || !bytes.Equal(lines[1].Signature, []byte("sig")) {
		t.Errorf("lines %+v", lines)
	}
	for _, bad := range []string{"", katBody, katBody + "\n", strings.Replace(msg, "\n8\n", "\n08\n", 1), msg + "x"} {
		if _, _, err := ParseUnverified([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseUnverified(%.40q) = %v, want ErrMalformed", bad, err)
		}
	}
}
