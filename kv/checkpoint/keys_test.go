package checkpoint

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
)

func TestParseSignerPEMAcceptsOpenSSLKeys(t *testing.T) {
	ids := fixtureKeyIDs(t)
	cases := []struct {
		priv, pub string
		ecdsa     bool
	}{
		{"ec.pem", "ec.pub.pem", true},
		{"ec-with-params.pem", "ec-with-params.pub.pem", true},
		{"ed25519.pem", "ed25519.pub.pem", false},
		{"ec-pkcs8.pem", "", true},
	}
	for _, c := range cases {
		t.Run(c.priv, func(t *testing.T) {
			s := signerFromPEM(t, c.priv)
			if s.Name() != testName {
				t.Errorf("Name() = %q", s.Name())
			}
			switch s.Public().(type) {
			case *ecdsa.PublicKey:
				if !c.ecdsa {
					t.Errorf("got an ECDSA key")
				}
			case ed25519.PublicKey:
				if c.ecdsa {
					t.Errorf("got an Ed25519 key")
				}
			}
			if c.pub == "" {
				return
			}
			// Key IDs were computed by openssl and sha256sum.
			if want := ids[c.pub]; s.KeyID() != want {
				t.Errorf("KeyID() = %08x, want %08x from keyids.txt", s.KeyID(), want)
			}
			// Our PEM encoding of the public key matches openssl's byte
			// for byte, so the server can print a file openssl would.
			got, err := MarshalPublicKeyPEM(s)
			if err != nil {
				t.Fatal(err)
			}
			if want := readTestdata(t, c.pub); !bytes.Equal(got, want) {
				t.Errorf("MarshalPublicKeyPEM =\n%s\nwant\n%s", got, want)
			}
			v := verifierFromPEM(t, c.pub)
			if v.KeyID() != s.KeyID() || v.Name() != s.Name() {
				t.Errorf("verifier %s+%08x, signer %s+%08x", v.Name(), v.KeyID(), s.Name(), s.KeyID())
			}
		})
	}
}

func TestParseVerifierPEMKeyIDs(t *testing.T) {
	for file, want := range fixtureKeyIDs(t) {
		if v := verifierFromPEM(t, file); v.KeyID() != want {
			t.Errorf("%s: KeyID() = %08x, want %08x", file, v.KeyID(), want)
		}
	}
}

func TestKeyIDDependsOnName(t *testing.T) {
	ed := readTestdata(t, "ed25519.pub.pem")
	a, _ := ParseVerifierPEM("a.example/log", ed)
	b, _ := ParseVerifierPEM("b.example/log", ed)
	if a.KeyID() == b.KeyID() {
		t.Errorf("Ed25519 key ID does not cover the key name")
	}
	// The ECDSA key ID is a hash of the public key alone, by convention.
	ec := readTestdata(t, "ec.pub.pem")
	a, _ = ParseVerifierPEM("a.example/log", ec)
	b, _ = ParseVerifierPEM("b.example/log", ec)
	if a.KeyID() != b.KeyID() {
		t.Errorf("ECDSA key ID depends on the key name")
	}
}

// pemOf wraps DER in a PEM block of the given type.
func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func TestParseSignerPEMRejects(t *testing.T) {
	p384Params, _ := asn1.Marshal(asn1.ObjectIdentifier{1, 3, 132, 0, 34})
	explicitParams, _ := asn1.Marshal([]int{1, 2, 3})
	ec := readTestdata(t, "ec.pem")
	cases := []struct {
		name     string
		in       []byte
		contains string
		sentinel error
	}{
		{"rsa pkcs8", readTestdata(t, "rsa.pem"), "RSA", ErrUnsupportedKey},
		{"rsa traditional", readTestdata(t, "rsa-traditional.pem"), "RSA", ErrUnsupportedKey},
		{"p384", readTestdata(t, "p384.pem"), "P-384", ErrUnsupportedKey},
		{"encrypted pkcs8", readTestdata(t, "ec-encrypted-pkcs8.pem"), "encrypted", ErrUnsupportedKey},
		{"encrypted legacy", readTestdata(t, "ec-encrypted-legacy.pem"), "encrypted", ErrUnsupportedKey},
		{"public key", readTestdata(t, "ec.pub.pem"), "public key", nil},
		{"garbage", []byte("this is not a key\n"), "no PEM", nil},
		{"empty", nil, "no PEM", nil},
		{"two keys", append(append([]byte{}, ec...), readTestdata(t, "ed25519.pem")...), "more than one", nil},
		{"params only", pemOf("EC PARAMETERS", mustOIDP256(t)), "no private key", nil},
		{"p384 params", append(pemOf("EC PARAMETERS", p384Params), ec...), "1.3.132.0.34", ErrUnsupportedKey},
		{"explicit params", append(pemOf("EC PARAMETERS", explicitParams), ec...), "named curve", ErrUnsupportedKey},
		{"params with ed25519", append(pemOf("EC PARAMETERS", mustOIDP256(t)), readTestdata(t, "ed25519.pem")...), "Ed25519", nil},
		{"corrupt DER", pemOf("EC PRIVATE KEY", []byte{0x30, 0x03, 0x02, 0x01}), "cannot parse", nil},
		{"certificate", pemOf("CERTIFICATE", []byte{1}), "CERTIFICATE", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := ParseSignerPEM(testName, c.in)
			if err == nil {
				t.Fatalf("accepted, got signer %s+%08x", s.Name(), s.KeyID())
			}
			if !strings.Contains(err.Error(), c.contains) {
				t.Errorf("error %q does not mention %q", err, c.contains)
			}
			if c.sentinel != nil && !errors.Is(err, c.sentinel) {
				t.Errorf("error %q does not wrap %v", err, c.sentinel)
			}
		})
	}
}

func mustOIDP256(t *testing.T) []byte {
	der, err := asn1.Marshal(oidP256)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestParseVerifierPEMRejects(t *testing.T) {
	cases := []struct {
		name     string
		in       []byte
		contains string
	}{
		{"rsa", readTestdata(t, "rsa.pub.pem"), "RSA"},
		{"p384", readTestdata(t, "p384.pub.pem"), "P-384"},
		{"private key", readTestdata(t, "ec.pem"), "private key"},
		{"encrypted private key", readTestdata(t, "ec-encrypted-pkcs8.pem"), "private key"},
		{"two keys", append(readTestdata(t, "ec.pub.pem"), readTestdata(t, "ed25519.pub.pem")...), "more than one"},
		{"garbage", []byte("-----BEGIN NOTHING\n"), "no PEM"},
		{"corrupt DER", pemOf("PUBLIC KEY", []byte{0x30, 0x00}), "cannot parse"},
		{"certificate", pemOf("CERTIFICATE", []byte{1}), "CERTIFICATE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ParseVerifierPEM(testName, c.in); err == nil || !strings.Contains(err.Error(), c.contains) {
				t.Fatalf("error %v does not mention %q", err, c.contains)
			}
		})
	}
}

func TestKeyNameRules(t *testing.T) {
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	bad := []string{"", "a b", "a+b", "a\tb", "a\u00a0b", "a\u2003b", "a\x00b", "a\x7fb", "\xff", strings.Repeat("n", MaxOriginLen+1)}
	for _, name := range bad {
		if _, err := NewEd25519Signer(name, edKey); err == nil {
			t.Errorf("NewEd25519Signer accepted name %q", name)
		}
		if _, err := NewVerifier(name, edKey.Public()); err == nil {
			t.Errorf("NewVerifier accepted name %q", name)
		}
	}
	good := []string{"example.com/log", "x", "ünïcode/ℓog", "a—b", strings.Repeat("n", MaxOriginLen)}
	for _, name := range good {
		if _, err := NewEd25519Signer(name, edKey); err != nil {
			t.Errorf("NewEd25519Signer(%q): %v", name, err)
		}
	}
}

func TestNewEd25519SignerRejects(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := NewEd25519Signer(testName, key[:32]); err == nil {
		t.Error("accepted a 32-byte key")
	}
	bad := bytes.Clone(key)
	bad[63] ^= 1
	if _, err := NewEd25519Signer(testName, bad); err == nil {
		t.Error("accepted a key whose public half does not match its seed")
	}
	// The signer keeps its own copy of the key.
	s, err := NewEd25519Signer(testName, key)
	if err != nil {
		t.Fatal(err)
	}
	v := mustVerifier(t, s)
	clear(key)
	sig, _ := s.Sign([]byte("msg\n"))
	if !v.Verify([]byte("msg\n"), sig) {
		t.Error("signer was changed through the caller's slice")
	}
}

func TestNewECDSASignerRejects(t *testing.T) {
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if _, err := NewECDSASigner(testName, p384); !errors.Is(err, ErrUnsupportedKey) || !strings.Contains(err.Error(), "P-384") {
		t.Errorf("P-384: %v", err)
	}
	if _, err := NewECDSASigner(testName, nil); err == nil {
		t.Error("accepted nil key")
	}
	a, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	b, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	mixed := *a
	mixed.PublicKey = b.PublicKey
	if _, err := NewECDSASigner(testName, &mixed); err == nil {
		t.Error("accepted a key whose public half belongs to another key")
	}
	if _, err := NewECDSASigner(testName, &ecdsa.PrivateKey{PublicKey: ecdsa.PublicKey{Curve: elliptic.P256()}}); err == nil {
		t.Error("accepted an empty key")
	}
}

func TestNewVerifierRejects(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	offCurve := &ecdsa.PublicKey{Curve: elliptic.P256(), X: big.NewInt(1), Y: big.NewInt(1)}
	cases := map[string]crypto.PublicKey{
		"rsa":             &rsaKey.PublicKey,
		"p384":            &p384.PublicKey,
		"nil ecdsa":       (*ecdsa.PublicKey)(nil),
		"nil":             nil,
		"short ed25519":   ed25519.PublicKey(make([]byte, 31)),
		"ecdsa value":     p384.PublicKey,
		"private ed25519": ed25519.NewKeyFromSeed(make([]byte, 32)),
		"off-curve point": offCurve,
		"empty point":     &ecdsa.PublicKey{Curve: elliptic.P256()},
	}
	for name, pub := range cases {
		if v, err := NewVerifier(testName, pub); err == nil {
			t.Errorf("%s: accepted, got %s+%08x", name, v.Name(), v.KeyID())
		}
	}
}

// badIDSigner is a custom Signer that misreports its key ID.
type badIDSigner struct{ Signer }

func (badIDSigner) KeyID() uint32 { return 0x01020304 }

func TestVerifierForChecksKeyID(t *testing.T) {
	if _, err := VerifierFor(badIDSigner{seededEd25519(t, testName, "k")}); err == nil {
		t.Fatal("VerifierFor accepted a signer whose key ID does not match its key")
	}
}

func TestVerifierCopiesKey(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	v, err := NewVerifier(testName, pub)
	if err != nil {
		t.Fatal(err)
	}
	sig := ed25519.Sign(priv, []byte("m"))
	clear(pub)
	if !v.Verify([]byte("m"), sig) {
		t.Fatal("verifier was changed through the caller's slice")
	}
}
