package server

import (
	"fmt"
	"os"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv/checkpoint"
)

// signerFor reads the signing key file (Config.SigningKey) and returns the
// kv.Options.SignerFor that signs every store's checkpoints with it, each
// under the store's origin. Errors name the file and the reason, so that a
// bad key stops the start-up with something the operator can act on.
func signerFor(path string, log zerolog.Logger) (func(string) (checkpoint.Signer, error), error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	key, err := checkpoint.ParsePrivateKeyPEM(b)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn().Str("path", path).Str("mode", fi.Mode().Perm().String()).
			Msg("signing key is readable by other users; chmod 600 it")
	}
	fp, _ := checkpoint.Fingerprint(key.Public())
	log.Info().Str("path", path).Str("algorithm", key.Algorithm()).Str("fingerprint", fp).Msg("signing checkpoints")
	return key.Signer, nil
}
