package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/checkpoint"
	"github.com/stela-db/stela/kv/merkle"
)

// Exit codes of verify.
const (
	exitVerifyFailed = 1 // the data does not match its hashes
	exitVerifyError  = 2 // verification could not run (bad arguments, unreadable store)
)

func newVerifyCommand() *cobra.Command {
	var (
		dataDir    string
		cpFile     string
		pubKeyFile string
		quiet      bool
	)
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Recompute every hash of a store and report the first transaction that does not match",
		Long: `verify opens a store read-only and recomputes, from what is stored, every
entry digest, every transaction's entries root, every leaf and every Merkle
node of the log. It prints progress on long runs and exits 0 only when
everything verifies; 1 names the first transaction that does not match; 2
means verification could not run.

With --checkpoint, it also checks that the log still holds the state that
checkpoint describes (the log only grew since). With --public-key, the
checkpoint's signature is checked first.

"verify state" and "verify row" check a running server instead, from
here: its proofs against the state this machine trusted last.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVerify(cmd, dataDir, cpFile, pubKeyFile, quiet)
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", "./data", "store directory")
	cmd.Flags().StringVar(&cpFile, "checkpoint", "", "file holding a trusted checkpoint of this log (C2SP signed note)")
	cmd.Flags().StringVar(&pubKeyFile, "public-key", "", "PEM public key that must have signed --checkpoint")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "print no progress")
	cmd.AddCommand(newVerifyStateCommand(), newVerifyRowCommand())
	return cmd
}

func runVerify(cmd *cobra.Command, dataDir, cpFile, pubKeyFile string, quiet bool) error {
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	fail := func(code int, err error) error { return &exitError{code: code, err: err} }

	s, err := kv.Open(dataDir, kv.Options{ReadOnly: true})
	if err != nil {
		code := exitVerifyError
		if errors.Is(err, kv.ErrCorrupt) {
			code = exitVerifyFailed
		}
		return fail(code, err)
	}
	defer s.Close()

	opts := kv.VerifyOptions{}
	if cpFile != "" {
		trusted, err := readTrustedCheckpoint(cpFile, pubKeyFile, s.Origin())
		if err != nil {
			return fail(exitVerifyError, err)
		}
		opts.Trusted = trusted
	} else if pubKeyFile != "" {
		return fail(exitVerifyError, errors.New("--public-key needs --checkpoint"))
	}
	if !quiet {
		opts.Progress = func(done, total uint64) {
			fmt.Fprintf(errOut, "verified %d of %d transactions (%.1f%%)\n", done, total, 100*float64(done)/float64(max(total, 1)))
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := s.Verify(ctx, opts)
	var verr *kv.VerifyError
	switch {
	case errors.As(err, &verr):
		fmt.Fprintf(out, "FAILED: first transaction that does not match: %d\n%v\n", verr.TxID, verr.Err)
		return fail(exitVerifyFailed, fmt.Errorf("%s does not verify", dataDir))
	case errors.Is(err, kv.ErrCorrupt):
		fmt.Fprintf(out, "FAILED: %v\n", err)
		return fail(exitVerifyFailed, fmt.Errorf("%s does not verify", dataDir))
	case err != nil:
		return fail(exitVerifyError, err)
	}
	fmt.Fprintf(out, "ok: %s: %d transactions, %d entries, root %s (%s)\n",
		s.Origin(), rep.Txs, rep.Entries, rep.Root, rep.Duration.Round(time.Millisecond))
	if opts.Trusted != nil {
		fmt.Fprintf(out, "ok: consistent with the trusted checkpoint of size %d\n", opts.Trusted.Size)
	}
	return nil
}

// readTrustedCheckpoint reads a checkpoint file, checking its signature
// when a public key is given.
func readTrustedCheckpoint(file, pubKeyFile, origin string) (*kv.Checkpoint, error) {
	note, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var cp checkpoint.Checkpoint
	if pubKeyFile != "" {
		pem, err := os.ReadFile(pubKeyFile)
		if err != nil {
			return nil, err
		}
		v, err := checkpoint.ParseVerifierPEM(origin, pem)
		if err != nil {
			return nil, fmt.Errorf("public key: %w", err)
		}
		if cp, err = checkpoint.Open(note, v); err != nil {
			return nil, fmt.Errorf("checkpoint %s: %w", file, err)
		}
	} else {
		// Trusted as given: the operator vouches for the file.
		if cp, _, err = checkpoint.ParseUnverified(note); err != nil {
			if cp, err = checkpoint.Parse(note); err != nil {
				return nil, fmt.Errorf("checkpoint %s: %w", file, err)
			}
		}
	}
	return &kv.Checkpoint{Origin: cp.Origin, Size: cp.Size, Root: merkle.Hash(cp.Root), Note: note}, nil
}
