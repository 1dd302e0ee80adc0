package checkpoint

import (
	"errors"
	"strings"
	"testing"
)

// TestPrivateKeyFiles: every key form openssl writes that ParseSignerPEM
// takes also parses as a PrivateKey, whose signers under two names verify
// with the public key it prints; the refused forms are refused.
func TestPrivateKeyFiles(t *testing.T) {
	for _, f := range []string{"ec.pem", "ec-pkcs8.pem", "ec-with-params.pem", "ed25519.pem"} {
		t.Run(f, func(t *testing.T) {
			k, err := ParsePrivateKeyPEM(readTestdata(t, f))
			if err != nil {
				t.Fatal(err)
			}
			checkPrivateKey(t, k)
		})
	}
	for f, want := range map[string]string{
		"ec-encrypted-pkcs8.pem":  "encrypted",
		"ec-encrypted-legacy.pem": "encrypted",
		"p384.pem":                "P-384",
		"rsa.pem":                 "RSA",
		"ec.pub.pem":              "public key",
	} {
		_, err := ParsePrivateKeyPEM(readTestdata(t, f))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want one mentioning %q", f, err, want)
		}
	}
}

// TestGenerateKey: generated keys round-trip through their PKCS #8 PEM.
func TestGenerateKey(t *testing.T) {
	for _, alg := range []string{AlgorithmEd25519, AlgorithmECDSAP256} {
		k, err := GenerateKey(alg)
		if err != nil {
			t.Fatal(err)
		}
		if k.Algorithm() != alg {
			t.Fatalf("Algorithm() = %s, want %s", k.Algorithm(), alg)
		}
		pemBytes, err := k.MarshalPEM()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(pemBytes), "-----BEGIN PRIVATE KEY-----") {
			t.Fatalf("%s: not PKCS #8: %s", alg, pemBytes)
		}
		back, err := ParsePrivateKeyPEM(pemBytes)
		if err != nil {
			t.Fatal(err)
		}
		checkPrivateKey(t, back)
		f1, _ := Fingerprint(k.Public())
		f2, _ := Fingerprint(back.Public())
		if f1 != f2 || !strings.HasPrefix(f1, "SHA256:") {
			t.Fatalf("fingerprints %s, %s", f1, f2)
		}
	}
	if _, err := GenerateKey("rsa"); !errors.Is(err, ErrUnsupportedKey) {
		t.Fatalf("GenerateKey(rsa): %v", err)
	}
}

// checkPrivateKey signs under two names and opens each note with a
// verifier made from the printed public key.
func checkPrivateKey(t *testing.T, k *PrivateKey) {
	t.Helper()
	pub, err := k.PublicKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"stela.local/a", "stela.local/b"} {
		s, err := k.Signer(name)
		if err != nil {
			t.Fatal(err)
		}
		note, err := Sign(Checkpoint{Origin: name, Size: 1, Root: [32]byte{1}}, s)
		if err != nil {
			t.Fatal(err)
		}
		v, err := ParseVerifierPEM(name, pub)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Open(note, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
}
