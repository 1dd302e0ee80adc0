package client

import (
	"bytes"
	"context"
	"fmt"

	"github.com/stela-db/stela/kv/checkpoint"
)

// Signing keys. A checkpoint's signature binds it to the server's key, so
// a copy of the data served by someone without the key (a restored backup,
// a fork) cannot pass for the server. The client learns the key in one of
// two ways:
//
//   - pinned (Options.Keys): every checkpoint must verify with one of
//     them; the one that signed is recorded in the trusted state;
//   - trust on first use: the first signed checkpoint the client trusts
//     must verify with the key the server publishes (stela_public_key()),
//     and that key is recorded. From then on a checkpoint not signed by it
//     is refused, which is how a server seen signing is caught serving an
//     unsigned (or otherwise signed) log. Rotating the key therefore needs
//     the new key pinned, or the trusted state removed.
//
// Either way ErrUnexpectedKey reports the mismatch.

// checkSigner checks next's note against the key recorded in old (nil:
// nothing trusted yet) and records in next the key to trust from now on.
func (c *Client) checkSigner(ctx context.Context, next *Trusted, note []byte, old *Trusted) error {
	if c.pinned() {
		return nil // checkpointOf verified the note and set the key
	}
	if old != nil && old.PublicKey != "" {
		v, err := checkpoint.ParseVerifierPEM(old.KeyName, []byte(old.PublicKey))
		if err != nil {
			return fmt.Errorf("client: trusted key of %s in %s: %w", c.key, c.statePath, err)
		}
		if _, err := checkpoint.Open(note, v); err != nil {
			return fmt.Errorf("%w: the server signed with key %s+%s before, and this checkpoint does not verify with it: %v",
				ErrUnexpectedKey, old.KeyName, old.KeyID, err)
		}
		next.KeyName, next.KeyID, next.PublicKey = old.KeyName, old.KeyID, old.PublicKey
		return nil
	}
	if !bytes.Contains(note, []byte("\n\n")) {
		return nil // unsigned, and never seen signed
	}
	// First signed checkpoint: the key the server publishes must have
	// signed it under the log's origin.
	var pub *string
	if err := c.Conn.QueryRow(ctx, "SELECT stela_public_key()").Scan(&pub); err != nil {
		return err
	}
	if pub == nil {
		return fmt.Errorf("%w: the checkpoint is signed but the server publishes no key", ErrUnexpectedKey)
	}
	v, err := checkpoint.ParseVerifierPEM(next.Origin, []byte(*pub))
	if err != nil {
		return fmt.Errorf("%w: stela_public_key(): %v", ErrUnexpectedKey, err)
	}
	if _, err := checkpoint.Open(note, v); err != nil {
		return fmt.Errorf("%w: the checkpoint does not verify with the key the server publishes: %v", ErrUnexpectedKey, err)
	}
	return bindKey(next, v)
}

// pinned reports whether keys are pinned (Options.Keys, PublicKeys).
func (c *Client) pinned() bool { return len(c.keys)+len(c.pubs) > 0 }

// pinnedKeys are the verifiers a note must verify with: Options.Keys, and
// Options.PublicKeys named after the note's origin (its first line; Open
// checks it is what the key signed, as the key name is in the signature).
func (c *Client) pinnedKeys(note []byte) ([]*checkpoint.Verifier, error) {
	if len(c.pubs) == 0 {
		return c.keys, nil
	}
	origin, _, ok := bytes.Cut(note, []byte("\n"))
	if !ok {
		return nil, fmt.Errorf("%w: no origin line", ErrBadCheckpoint)
	}
	keys := append([]*checkpoint.Verifier(nil), c.keys...)
	for _, pub := range c.pubs {
		v, err := checkpoint.NewVerifier(string(origin), pub)
		if err != nil {
			return nil, fmt.Errorf("%w: origin %.80q: %v", ErrBadCheckpoint, origin, err)
		}
		keys = append(keys, v)
	}
	return keys, nil
}

// bindPinnedKey records in t the pinned key that signed note (Open has
// found at least one).
func bindPinnedKey(t *Trusted, note []byte, keys []*checkpoint.Verifier) error {
	for _, v := range keys {
		if _, err := checkpoint.Open(note, v); err == nil {
			return bindKey(t, v)
		}
	}
	return fmt.Errorf("%w: no pinned key verifies the checkpoint", ErrUnexpectedKey)
}

// bindKey records v as t's signing key.
func bindKey(t *Trusted, v *checkpoint.Verifier) error {
	pemBytes, err := checkpoint.PublicKeyPEM(v.PublicKey())
	if err != nil {
		return err
	}
	t.KeyName, t.KeyID, t.PublicKey = v.Name(), fmt.Sprintf("%08x", v.KeyID()), string(pemBytes)
	return nil
}
