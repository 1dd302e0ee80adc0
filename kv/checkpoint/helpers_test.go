package checkpoint

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// testName is the key name and origin the fixtures were made for.
const testName = "example.com/log"

// katBody is the known-answer checkpoint body, written out by hand from
// the tlog-checkpoint format: origin, size 8, and the base64 of root
// 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328.
const katBody = "example.com/log\n" +
	"8\n" +
	"XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"

// katCheckpoint is the checkpoint katBody encodes.
func katCheckpoint(t testing.TB) Checkpoint {
	t.Helper()
	root, err := hex.DecodeString("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
	if err != nil {
		t.Fatal(err)
	}
	return Checkpoint{Origin: testName, Size: 8, Root: [32]byte(root)}
}

// readTestdata returns a fixture file's bytes.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixtureKeyIDs reads testdata/keyids.txt, the key IDs computed with
// openssl and sha256sum rather than with this package.
func fixtureKeyIDs(t testing.TB) map[string]uint32 {
	t.Helper()
	ids := map[string]uint32{}
	sc := bufio.NewScanner(bytes.NewReader(readTestdata(t, "keyids.txt")))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		file, hexID, ok := strings.Cut(line, " ")
		id, err := strconv.ParseUint(hexID, 16, 32)
		if !ok || err != nil {
			t.Fatalf("bad keyids.txt line %q", line)
		}
		ids[file] = uint32(id)
	}
	return ids
}

// signerFromPEM loads a fixture private key under testName.
func signerFromPEM(t testing.TB, file string) Signer {
	t.Helper()
	s, err := ParseSignerPEM(testName, readTestdata(t, file))
	if err != nil {
		t.Fatalf("ParseSignerPEM(%s): %v", file, err)
	}
	return s
}

// verifierFromPEM loads a fixture public key under testName.
func verifierFromPEM(t testing.TB, file string) *Verifier {
	t.Helper()
	v, err := ParseVerifierPEM(testName, readTestdata(t, file))
	if err != nil {
		t.Fatalf("ParseVerifierPEM(%s): %v", file, err)
	}
	return v
}

// seededEd25519 returns a deterministic Ed25519 signer, so that tests and
// examples that print notes are reproducible.
func seededEd25519(t testing.TB, name, seed string) Signer {
	t.Helper()
	sum := sha256.Sum256([]byte(seed))
	s, err := NewEd25519Signer(name, ed25519.NewKeyFromSeed(sum[:]))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mustVerifier is VerifierFor that fails the test on error.
func mustVerifier(t testing.TB, s Signer) *Verifier {
	t.Helper()
	v, err := VerifierFor(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// mustSign is Sign that fails the test on error.
func mustSign(t testing.TB, cp Checkpoint, signers ...Signer) []byte {
	t.Helper()
	msg, err := Sign(cp, signers...)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// errorKind classifies an error from Open into the three documented kinds,
// or "other" so that a test fails on an undocumented one.
func errorKind(err error) string {
	var sigErr *SignatureError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrMalformed):
		return "malformed"
	case errors.Is(err, ErrUnverified):
		return "unverified"
	case errors.As(err, &sigErr):
		return "signature"
	default:
		return "other"
	}
}
