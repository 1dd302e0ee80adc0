package client_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/client"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/checkpoint"
	"github.com/stela-db/stela/server"
)

// TestKeyTrustedOnFirstUse: a client without pinned keys learns the
// server's key from the first signed checkpoint it trusts; the same data
// served unsigned, or signed by another key, is then refused, and served
// again with the key, accepted.
func TestKeyTrustedOnFirstUse(t *testing.T) {
	ctx := context.Background()
	keyFor := func(seed byte) func(string) (checkpoint.Signer, error) {
		return func(origin string) (checkpoint.Signer, error) {
			return checkpoint.NewEd25519Signer(origin, ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize)))
		}
	}
	dir := t.TempDir()
	state := filepath.Join(t.TempDir(), "state.json")
	verify := func(signerFor func(string) (checkpoint.Signer, error)) (client.Trusted, error) {
		t.Helper()
		log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel)
		srv, err := server.Start(ctx, server.Config{DataDir: dir, Listen: "127.0.0.1:0", AdminPassword: "Test!pw0rd",
			Logger: log, KV: kv.Options{MinFreeBytes: -1, SignerFor: signerFor}})
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
		c := open(t, fmt.Sprintf("postgres://admin:Test%%21pw0rd@%s/defaultdb?sslmode=disable", srv.Addr), state)
		defer c.Close(ctx)
		return c.VerifyState(ctx)
	}

	// Unsigned at first: nothing to learn.
	if st, err := verify(nil); err != nil || st.PublicKey != "" {
		t.Fatalf("unsigned: %+v, %v", st, err)
	}
	// Signed from now on: the key is learnt at the same state.
	st, err := verify(keyFor(1))
	if err != nil || st.PublicKey == "" || st.KeyName != "stela.local/defaultdb" {
		t.Fatalf("first signed: %+v, %v", st, err)
	}
	saved, err := client.LoadTrusted(state, "test")
	if err != nil || saved.PublicKey != st.PublicKey || saved.KeyID != st.KeyID {
		t.Fatalf("key not saved: %+v, %v", saved, err)
	}
	if _, err := verify(nil); !errors.Is(err, client.ErrUnexpectedKey) {
		t.Fatalf("unsigned after signed: %v, want ErrUnexpectedKey", err)
	}
	if _, err := verify(keyFor(2)); !errors.Is(err, client.ErrUnexpectedKey) {
		t.Fatalf("another key: %v, want ErrUnexpectedKey", err)
	}
	if _, err := verify(keyFor(1)); err != nil {
		t.Fatalf("the key again: %v", err)
	}
}
