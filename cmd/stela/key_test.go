package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestKeyCommands: key generate writes a private key only its owner can
// read and the matching public key, refuses to overwrite them without
// --force; key public prints the same public key.
func TestKeyCommands(t *testing.T) {
	for _, alg := range []string{"ed25519", "ecdsa-p256"} {
		prefix := filepath.Join(t.TempDir(), "signing")
		out, errOut, code := runCLI(t, "key", "generate", "--out", prefix, "--algorithm", alg)
		if code != 0 || !strings.Contains(out, "fingerprint: SHA256:") || !regexp.MustCompile(`key id:\s+[0-9a-f]{8} \(as stela.local/defaultdb\)`).MatchString(out) {
			t.Fatalf("generate %s: %d %q %q", alg, code, out, errOut)
		}
		fi, err := os.Stat(prefix + ".key")
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("private key file: %v, %v", fi.Mode(), err)
		}
		priv, _ := os.ReadFile(prefix + ".key")
		pub, _ := os.ReadFile(prefix + ".pub")
		if !bytes.HasPrefix(priv, []byte("-----BEGIN PRIVATE KEY-----")) || !bytes.HasPrefix(pub, []byte("-----BEGIN PUBLIC KEY-----")) {
			t.Fatalf("files:\n%s\n%s", priv, pub)
		}
		printed, _, code := runCLI(t, "key", "public", "--in", prefix+".key")
		if code != 0 || printed != string(pub) {
			t.Fatalf("key public: %d %q, want %q", code, printed, pub)
		}
		_, errOut, code = runCLI(t, "key", "generate", "--out", prefix, "--algorithm", alg)
		if code == 0 || !strings.Contains(errOut, "exists") || !strings.Contains(errOut, "--force") {
			t.Fatalf("overwrite: %d %q", code, errOut)
		}
		if again, _ := os.ReadFile(prefix + ".key"); !bytes.Equal(again, priv) {
			t.Fatal("a refused generate changed the key")
		}
		if _, errOut, code = runCLI(t, "key", "generate", "--out", prefix, "--algorithm", alg, "--force"); code != 0 {
			t.Fatalf("--force: %q", errOut)
		}
	}
	if _, errOut, code := runCLI(t, "key", "generate", "--out", filepath.Join(t.TempDir(), "k"), "--algorithm", "rsa"); code == 0 || !strings.Contains(errOut, "ed25519") {
		t.Fatalf("rsa: %d %q", code, errOut)
	}
	if _, errOut, code := runCLI(t, "key", "public", "--in", filepath.Join("..", "..", "kv", "checkpoint", "testdata", "ec-encrypted-pkcs8.pem")); code == 0 || !strings.Contains(errOut, "decrypt it first") {
		t.Fatalf("encrypted key: %d %q", code, errOut)
	}
}

// TestStartSigningKeyRefused: start refuses a key it cannot sign with,
// given by flag or environment, naming the file and the reason.
func TestStartSigningKeyRefused(t *testing.T) {
	bad := filepath.Join("..", "..", "kv", "checkpoint", "testdata", "p384.pem")
	_, errOut, code := runCLI(t, "start", "--data", t.TempDir(), "--listen", "127.0.0.1:0", "--admin-password", "Test!pw0rd", "--signing-key", bad)
	if code == 0 || !strings.Contains(errOut, bad) || !strings.Contains(errOut, "only P-256") {
		t.Fatalf("--signing-key: %d %q", code, errOut)
	}
	t.Setenv("STELA_SIGNING_KEY", filepath.Join("..", "..", "kv", "checkpoint", "testdata", "ec.pub.pem"))
	_, errOut, code = runCLI(t, "start", "--data", t.TempDir(), "--listen", "127.0.0.1:0", "--admin-password", "Test!pw0rd")
	if code == 0 || !strings.Contains(errOut, "ec.pub.pem") || !strings.Contains(errOut, "needs the private key") {
		t.Fatalf("STELA_SIGNING_KEY: %d %q", code, errOut)
	}
}
