package checkpoint

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestSignOpenRoundTrip(t *testing.T) {
	signers := map[string]Signer{
		"ed25519": signerFromPEM(t, "ed25519.pem"),
		"ecdsa":   signerFromPEM(t, "ec.pem"),
	}
	cps := []Checkpoint{
		katCheckpoint(t),
		{Origin: testName, Size: 0},
		{Origin: testName, Size: 1 << 40, Root: [32]byte{1, 2, 3}, Extensions: []string{"ext a", "ext b"}},
	}
	for name, s := range signers {
		v := mustVerifier(t, s)
		for _, cp := range cps {
			msg := mustSign(t, cp, s)
			got, err := Open(msg, v)
			if err != nil {
				t.Fatalf("%s: Open(%q): %v", name, msg, err)
			}
			if !reflect.DeepEqual(got, cp) {
				t.Errorf("%s: Open = %+v, want %+v", name, got, cp)
			}
		}
	}
}

func TestSignTwoKeysEitherVerifies(t *testing.T) {
	ed, ec := signerFromPEM(t, "ed25519.pem"), signerFromPEM(t, "ec.pem")
	msg := mustSign(t, katCheckpoint(t), ed, ec)
	for _, v := range [][]*Verifier{{mustVerifier(t, ed)}, {mustVerifier(t, ec)}, {mustVerifier(t, ec), mustVerifier(t, ed)}} {
		if _, err := Open(msg, v...); err != nil {
			t.Errorf("Open with %d verifiers: %v", len(v), err)
		}
	}
	cp, lines, err := ParseUnverified(msg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cp, katCheckpoint(t)) || len(lines) != 2 {
		t.Fatalf("ParseUnverified = %+v, %d lines", cp, len(lines))
	}
	for i, s := range []Signer{ed, ec} {
		l := lines[i]
		if l.KeyName != s.Name() || l.KeyID != s.KeyID() || !mustVerifier(t, s).Verify([]byte(katBody), l.Signature) {
			t.Errorf("line %d = %+v, want a valid signature by %s+%08x", i, l, s.Name(), s.KeyID())
		}
	}
}

// TestSignEd25519KnownAnswer pins the whole signed note. Ed25519 is
// deterministic, so the signature openssl made over body.txt with the same
// key must be the one we make, and the key ID comes from keyids.txt.
func TestSignEd25519KnownAnswer(t *testing.T) {
	var idSig []byte
	idSig = binary.BigEndian.AppendUint32(idSig, fixtureKeyIDs(t)["ed25519.pub.pem"])
	idSig = append(idSig, readTestdata(t, "body.ed25519.sig")...)
	want := katBody + "\n— example.com/log " + base64.StdEncoding.EncodeToString(idSig) + "\n"

	got := mustSign(t, katCheckpoint(t), signerFromPEM(t, "ed25519.pem"))
	if string(got) != want {
		t.Fatalf("Sign =\n%s\nwant\n%s", got, want)
	}
}

func TestSignRejects(t *testing.T) {
	s := signerFromPEM(t, "ed25519.pem")
	cp := katCheckpoint(t)
	if _, err := Sign(cp); err == nil {
		t.Error("Sign with no signers succeeded")
	}
	if _, err := Sign(Checkpoint{Origin: "bad\norigin"}, s); !errors.Is(err, ErrMalformed) {
		t.Errorf("Sign of an invalid checkpoint: %v", err)
	}
	if _, err := Sign(cp, s, signerFromPEM(t, "ed25519.pem")); err == nil {
		t.Error("Sign with the same key twice succeeded")
	}
	many := make([]Signer, MaxSignatures+1)
	for i := range many {
		many[i] = seededEd25519(t, testName, fmt.Sprint(i))
	}
	if _, err := Sign(cp, many...); err == nil {
		t.Error("Sign with too many signers succeeded")
	}
	if _, err := Sign(cp, renamedSigner{s, "bad name"}); err == nil {
		t.Error("Sign with a signer named with a space succeeded")
	}
	if _, err := Sign(cp, failingSigner{s}); err == nil || !strings.Contains(err.Error(), "HSM") {
		t.Errorf("Sign did not report the signer's error: %v", err)
	}
	// The limit is exactly 16: Open must accept all that Sign produces.
	msg, err := Sign(cp, many[:MaxSignatures]...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(msg, mustVerifier(t, many[7])); err != nil {
		t.Errorf("Open of a note with %d signatures: %v", MaxSignatures, err)
	}
}

type renamedSigner struct {
	Signer
	name string
}

func (s renamedSigner) Name() string { return s.name }

type failingSigner struct{ Signer }

func (failingSigner) Sign([]byte) ([]byte, error) { return nil, errors.New("HSM unplugged") }
