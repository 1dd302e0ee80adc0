package checkpoint

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// randomCheckpoint makes a valid checkpoint whose origin is also a valid
// key name, so it can be used for both.
func randomCheckpoint(r *mrand.Rand) Checkpoint {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789./-_~é—"
	name := make([]rune, 1+r.IntN(40))
	letters := []rune(alphabet)
	for i := range name {
		name[i] = letters[r.IntN(len(letters))]
	}
	cp := Checkpoint{Origin: string(name), Size: r.Uint64() >> r.IntN(64)}
	for i := range cp.Root {
		cp.Root[i] = byte(r.Uint32())
	}
	for range r.IntN(3) {
		cp.Extensions = append(cp.Extensions, fmt.Sprintf("ext %d", r.Uint32()))
	}
	return cp
}

// sumdbKeys returns a sumdb/note signer and verifier for the Ed25519 key
// with the given seed, built from the text key encodings sumdb/note
// defines. note.NewSigner checks the key hash inside skey against its own
// computation, so building skey with our key ID tests our derivation.
func sumdbKeys(t *testing.T, name string, seed []byte, ourID uint32) (note.Signer, note.Verifier) {
	t.Helper()
	skey := fmt.Sprintf("PRIVATE+KEY+%s+%08x+%s", name, ourID, base64.StdEncoding.EncodeToString(append([]byte{1}, seed...)))
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatalf("note.NewSigner rejected our key ID: %v", err)
	}
	vkey, err := note.NewEd25519VerifierKey(name, ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return signer, verifier
}

// TestSumdbNoteDifferential signs random checkpoints with random Ed25519
// keys through both implementations and checks that each verifies the
// other's notes and that the notes are byte-identical.
func TestSumdbNoteDifferential(t *testing.T) {
	r := mrand.New(mrand.NewPCG(1, 2))
	for i := 0; i < 50; i++ {
		cp := randomCheckpoint(r)
		seed := make([]byte, ed25519.SeedSize)
		for j := range seed {
			seed[j] = byte(r.Uint32())
		}
		ours, err := NewEd25519Signer(cp.Origin, ed25519.NewKeyFromSeed(seed))
		if err != nil {
			t.Fatal(err)
		}
		theirSigner, theirVerifier := sumdbKeys(t, cp.Origin, seed, ours.KeyID())
		if theirSigner.KeyHash() != ours.KeyID() || theirVerifier.KeyHash() != ours.KeyID() {
			t.Fatalf("key IDs differ: sumdb %08x, ours %08x", theirVerifier.KeyHash(), ours.KeyID())
		}

		ourNote := mustSign(t, cp, ours)
		theirNote, err := note.Sign(&note.Note{Text: string(cp.Marshal())}, theirSigner)
		if err != nil {
			t.Fatal(err)
		}
		if string(ourNote) != string(theirNote) {
			t.Fatalf("notes differ:\nours:\n%s\nsumdb:\n%s", ourNote, theirNote)
		}

		// Theirs opens with ours.
		got, err := Open(theirNote, mustVerifier(t, ours))
		if err != nil || !reflect.DeepEqual(got, cp) {
			t.Fatalf("Open(sumdb note) = %+v, %v", got, err)
		}
		// Ours opens with theirs.
		n, err := note.Open(ourNote, note.VerifierList(theirVerifier))
		if err != nil {
			t.Fatalf("note.Open(our note): %v", err)
		}
		if n.Text != string(cp.Marshal()) || len(n.Sigs) != 1 || n.Sigs[0].Hash != ours.KeyID() {
			t.Fatalf("note.Open(our note) = %+v", n)
		}
	}
}

// TestSumdbGeneratedKey goes the other way round: sumdb/note makes the
// key, and only its text encoding reaches us.
func TestSumdbGeneratedKey(t *testing.T) {
	skey, vkey, err := note.GenerateKey(rand.Reader, testName)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	// vkey is name+hash+base64(0x01 || public key).
	parts := strings.SplitN(vkey, "+", 3)
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 33 || raw[0] != 1 {
		t.Fatalf("unexpected vkey %q", vkey)
	}
	v, err := NewVerifier(testName, ed25519.PublicKey(raw[1:]))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%08x", v.KeyID()) != parts[1] {
		t.Fatalf("our key ID %08x, vkey says %s", v.KeyID(), parts[1])
	}
	msg, err := note.Sign(&note.Note{Text: katBody}, signer)
	if err != nil {
		t.Fatal(err)
	}
	if cp, err := Open(msg, v); err != nil || !reflect.DeepEqual(cp, katCheckpoint(t)) {
		t.Fatalf("Open = %+v, %v", cp, err)
	}
}

// TestOpenSSLECDSASignature verifies a signature openssl made with
// `openssl dgst -sha256 -sign ec.pem` over body.txt, in a note whose key
// ID was computed by openssl and sha256sum.
func TestOpenSSLECDSASignature(t *testing.T) {
	body := readTestdata(t, "body.txt")
	raw := binary.BigEndian.AppendUint32(nil, fixtureKeyIDs(t)["ec.pub.pem"])
	raw = append(raw, readTestdata(t, "body.ec.sig")...)
	msg := string(body) + "\n— " + testName + " " + base64.StdEncoding.EncodeToString(raw) + "\n"

	cp, err := Open([]byte(msg), verifierFromPEM(t, "ec.pub.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cp, katCheckpoint(t)) {
		t.Fatalf("Open = %+v", cp)
	}
	// The same signature must fail for a different body.
	if _, err := Open([]byte(strings.Replace(msg, "\n8\n", "\n7\n", 1)), verifierFromPEM(t, "ec.pub.pem")); errorKind(err) != "signature" {
		t.Fatalf("tampered: %v", err)
	}
}

// TestOpenSSLVerifiesOurSignatures runs the openssl CLI, when installed,
// over signatures we make: the other direction of the interop check.
func TestOpenSSLVerifiesOurSignatures(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed")
	}
	dir := t.TempDir()
	body := filepath.Join(dir, "body")
	sig := filepath.Join(dir, "sig")
	if err := os.WriteFile(body, []byte(katBody), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		key  string
		args []string
	}{
		{"ec.pem", []string{"dgst", "-sha256", "-verify", "testdata/ec.pub.pem", "-signature", sig, body}},
		{"ed25519.pem", []string{"pkeyutl", "-verify", "-pubin", "-inkey", "testdata/ed25519.pub.pem", "-rawin", "-in", body, "-sigfile", sig}},
	}
	for _, c := range cases {
		_, lines, err := ParseUnverified(mustSign(t, katCheckpoint(t), signerFromPEM(t, c.key)))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(sig, lines[0].Signature, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(openssl, c.args...).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Verified") {
			t.Errorf("%s: openssl %s: %v\n%s", c.key, strings.Join(c.args, " "), err, out)
		}
	}
}
