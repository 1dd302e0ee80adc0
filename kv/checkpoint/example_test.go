package checkpoint_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/stela-db/stela/kv/checkpoint"
)

// Example signs a checkpoint with an Ed25519 key and opens it again, as a
// log server and a client would. Ed25519 signatures are deterministic, so
// the note is a stable test vector.
func Example() {
	// A real server loads its key with ParseSignerPEM; this one is made
	// from a fixed seed so the output is reproducible.
	seed := sha256.Sum256([]byte("stela example key"))
	signer, err := checkpoint.NewEd25519Signer("example.com/log", ed25519.NewKeyFromSeed(seed[:]))
	if err != nil {
		panic(err)
	}
	root, _ := hex.DecodeString("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
	cp := checkpoint.Checkpoint{Origin: "example.com/log", Size: 8, Root: [32]byte(root)}

	msg, err := checkpoint.Sign(cp, signer)
	if err != nil {
		panic(err)
	}
	os.Stdout.Write(msg)

	// The client holds the public key, from ParseVerifierPEM in practice.
	verifier, err := checkpoint.VerifierFor(signer)
	if err != nil {
		panic(err)
	}
	got, err := checkpoint.Open(msg, verifier)
	if err != nil {
		panic(err)
	}
	fmt.Printf("verified: %s at size %d, key ID %08x\n", got.Origin, got.Size, verifier.KeyID())
	// Output:
	// example.com/log
	// 8
	// XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=
	//
	// — example.com/log yLy/wYiYocMiT/AgZZE66XXOFsKiNIEteb5TEzrU/Cu72eoUalDbTPShHXcEcW01yEhxcGplnhqwKSGrjK31IeC1Ugg=
	// verified: example.com/log at size 8, key ID c8bcbfc1
}
