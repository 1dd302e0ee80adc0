package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/stela-db/stela/kv/checkpoint"
)

// newKeyCommand is `stela key`: the checkpoint signing key's files.
func newKeyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Make and inspect checkpoint signing keys",
	}
	cmd.AddCommand(newKeyGenerateCommand(), newKeyPublicCommand())
	return cmd
}

func newKeyGenerateCommand() *cobra.Command {
	var out, alg, name string
	var force bool
	cmd := &cobra.Command{
		Use:   "generate --out PREFIX",
		Short: "Write a new signing key to PREFIX.key and its public key to PREFIX.pub",
		Long: `generate makes a signing key for stela start --signing-key: PREFIX.key is
the private key (PKCS #8 PEM, mode 0600), PREFIX.pub the public key (PKIX PEM)
that auditors and clients pin (stela audit --public-key, stela verify
--public-key). It prints the key's fingerprint, the same for every
database, and its signed-note key ID under --name.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return errors.New("--out is required: the key is written to PREFIX.key and PREFIX.pub")
			}
			key, err := checkpoint.GenerateKey(alg)
			if err != nil {
				return fmt.Errorf("--algorithm: %w", err)
			}
			priv, err := key.MarshalPEM()
			if err != nil {
				return err
			}
			pub, err := key.PublicKeyPEM()
			if err != nil {
				return err
			}
			if err := writeKeyFile(out+".key", priv, 0o600, force); err != nil {
				return err
			}
			if err := writeKeyFile(out+".pub", pub, 0o644, force); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "wrote %s (private, keep it secret) and %s (public)\n", out+".key", out+".pub")
			return printKeyInfo(w, key, name)
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "file name prefix: writes PREFIX.key and PREFIX.pub")
	f.StringVar(&alg, "algorithm", checkpoint.AlgorithmEd25519, "ed25519 or ecdsa-p256")
	f.StringVar(&name, "name", "stela.local/defaultdb", "key name (a database's origin) whose key ID is printed")
	f.BoolVar(&force, "force", false, "overwrite existing files")
	return cmd
}

func newKeyPublicCommand() *cobra.Command {
	var in, name string
	cmd := &cobra.Command{
		Use:   "public --in FILE",
		Short: "Print the public key (PEM) of a private key file",
		Long: `public prints the PKIX PEM public key of a signing key (any form stela start
--signing-key takes), then its fingerprint and key ID on standard error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in == "" {
				return errors.New("--in is required: the private key file")
			}
			b, err := os.ReadFile(in)
			if err != nil {
				return err
			}
			key, err := checkpoint.ParsePrivateKeyPEM(b)
			if err != nil {
				return fmt.Errorf("%s: %w", in, err)
			}
			pub, err := key.PublicKeyPEM()
			if err != nil {
				return err
			}
			if _, err := cmd.OutOrStdout().Write(pub); err != nil {
				return err
			}
			return printKeyInfo(cmd.ErrOrStderr(), key, name)
		},
	}
	cmd.Flags().StringVar(&in, "in", "", "private key file (PEM)")
	cmd.Flags().StringVar(&name, "name", "stela.local/defaultdb", "key name (a database's origin) whose key ID is printed")
	return cmd
}

// printKeyInfo prints the key's algorithm, fingerprint and key ID under
// name. The key ID of an Ed25519 key depends on the name (each database's
// origin gives another), an ECDSA key's does not.
func printKeyInfo(w io.Writer, key *checkpoint.PrivateKey, name string) error {
	fp, err := checkpoint.Fingerprint(key.Public())
	if err != nil {
		return err
	}
	s, err := key.Signer(name)
	if err != nil {
		return fmt.Errorf("--name: %w", err)
	}
	_, err = fmt.Fprintf(w, "algorithm:   %s\nfingerprint: %s\nkey id:      %08x (as %s)\n", key.Algorithm(), fp, s.KeyID(), name)
	return err
}

// writeKeyFile writes b to a new file with the given mode, refusing to
// replace an existing one unless force is set: a lost private key cannot
// be made again, and checkpoints signed with it would no longer verify
// against a new one.
func writeKeyFile(path string, b []byte, mode os.FileMode, force bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, mode)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s exists; choose another --out or pass --force to replace it", path)
	}
	if err != nil {
		return err
	}
	// An existing file keeps its mode under O_TRUNC: set it.
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
