package kv_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/checkpoint"
)

// TestSignerFor: a store given SignerFor asks it for the signer of the
// origin it reads at Open (also on reopen, where Options.Origin is empty),
// signs its checkpoints with it and reports it; an error fails Open.
func TestSignerFor(t *testing.T) {
	const origin = "stela.example/signed"
	pemBytes, err := os.ReadFile(filepath.Join("checkpoint", "testdata", "ed25519.pem"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := checkpoint.ParsePrivateKeyPEM(pemBytes)
	if err != nil {
		t.Fatal(err)
	}
	var asked []string
	signerFor := func(o string) (checkpoint.Signer, error) {
		asked = append(asked, o)
		return key.Signer(o)
	}
	dir := t.TempDir()
	s := openAt(t, dir, kv.Options{Origin: origin, SignerFor: signerFor})
	put(t, s, "k", "v")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, dir, kv.Options{SignerFor: signerFor})
	defer s.Close()
	if len(asked) != 2 || asked[0] != origin || asked[1] != origin {
		t.Fatalf("SignerFor asked for %q, want the origin twice", asked)
	}
	if s.Signer() == nil || s.Signer().Name() != origin {
		t.Fatalf("Signer() = %v", s.Signer())
	}
	cp := s.Checkpoint()
	v, err := checkpoint.VerifierFor(s.Signer())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := checkpoint.Open(cp.Note, v); err != nil || !cp.Signed || got.Size != 1 {
		t.Fatalf("checkpoint after reopen: %+v, %v", got, err)
	}

	boom := errors.New("no key")
	_, err = kv.Open(t.TempDir(), kv.Options{MinFreeBytes: -1, SignerFor: func(string) (checkpoint.Signer, error) { return nil, boom }})
	if !errors.Is(err, boom) {
		t.Fatalf("Open with a failing SignerFor: %v", err)
	}
}
