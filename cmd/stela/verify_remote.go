package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/stela-db/stela/client"
	"github.com/stela-db/stela/kv/checkpoint"
)

// remoteVerifyFlags are the flags of verify state and verify row: a
// server to ask and the file of trusted states.
type remoteVerifyFlags struct {
	url, state, key    string
	publicKey, keyName string
}

func (f *remoteVerifyFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.url, "url", "", "server connection URL (default: the PG* environment variables)")
	cmd.Flags().StringVar(&f.state, "state", defaultStatePath(), "file of trusted states (made with mode 0600)")
	cmd.Flags().StringVar(&f.key, "key", "", "name of the trusted state in the file (default host:port/database)")
	cmd.Flags().StringVar(&f.publicKey, "public-key", "", "PEM public key the server's checkpoints must be signed with")
	cmd.Flags().StringVar(&f.keyName, "key-name", "", "the key's name in the signatures (default stela.local/DATABASE, the log's origin)")
}

// defaultStatePath is $XDG_CONFIG_HOME/stela/trusted.json or its
// platform equivalent.
func defaultStatePath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "stela-trusted.json"
	}
	return filepath.Join(dir, "stela", "trusted.json")
}

func (f *remoteVerifyFlags) open(ctx context.Context) (*client.Client, error) {
	if err := os.MkdirAll(filepath.Dir(f.state), 0o700); err != nil {
		return nil, err
	}
	opts := client.Options{StatePath: f.state, Key: f.key}
	if f.publicKey != "" {
		pemBytes, err := os.ReadFile(f.publicKey)
		if err != nil {
			return nil, err
		}
		name := f.keyName
		if name == "" {
			cfg, err := pgx.ParseConfig(f.url)
			if err != nil {
				return nil, err
			}
			name = "stela.local/" + cfg.Database
		}
		v, err := checkpoint.ParseVerifierPEM(name, pemBytes)
		if err != nil {
			return nil, err
		}
		opts.Keys = []*checkpoint.Verifier{v}
	}
	return client.Open(ctx, f.url, opts)
}

// verifyExit maps a verification failure to exit code 1 and anything
// else (no server, bad arguments) to 2.
func verifyExit(err error) error {
	for _, e := range []error{client.ErrForked, client.ErrRolledBack, client.ErrBadProof, client.ErrBadCheckpoint, client.ErrUnexpectedKey} {
		if errors.Is(err, e) {
			return &exitError{code: exitVerifyFailed, err: err}
		}
	}
	return &exitError{code: exitVerifyError, err: err}
}

func newVerifyStateCommand() *cobra.Command {
	var f remoteVerifyFlags
	cmd := &cobra.Command{
		Use:   "state",
		Short: "Check that a server's log extends the state trusted last, and trust its current state",
		Long: `state asks the server for its current checkpoint and, when a state of this
server is already trusted, for a consistency proof from it; it checks the
proof here and records the new state. Exit 1 means the server's history
does not extend what was trusted (forked or rolled back); 2 that the check
could not run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := f.open(ctx)
			if err != nil {
				return verifyExit(err)
			}
			defer c.Close(ctx)
			st, err := c.VerifyState(ctx)
			if err != nil {
				return verifyExit(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "verified: %s at tx %d, root %s\n", st.Origin, st.Size, hex.EncodeToString(st.Root[:]))
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func newVerifyRowCommand() *cobra.Command {
	var (
		f  remoteVerifyFlags
		at uint64
	)
	cmd := &cobra.Command{
		Use:   "row TABLE PRIMARY-KEY-VALUE...",
		Short: "Read a row with its proof and verify it here",
		Long: `row reads a row by its primary key with its proof, checks that the proof's
checkpoint extends the state trusted last and that the row's entry is in
the log, and prints the row as proven (column values in PostgreSQL's
binary format, hex). --at reads the version a read at that tx sees.`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := f.open(ctx)
			if err != nil {
				return verifyExit(err)
			}
			defer c.Close(ctx)
			pk := make([]any, len(args)-1)
			for i, a := range args[1:] {
				pk[i] = a
			}
			row, err := c.VerifiedRow(ctx, at, args[0], pk...)
			if err != nil {
				return verifyExit(err)
			}
			out := cmd.OutOrStdout()
			if row.Deleted {
				fmt.Fprintf(out, "verified: row deleted by tx %d\n", row.Tx)
				return nil
			}
			fmt.Fprintf(out, "verified: row written by tx %d\n", row.Tx)
			for i, col := range row.Columns {
				v := "NULL"
				if col != nil {
					v = hex.EncodeToString(col)
				}
				fmt.Fprintf(out, "  column %s: %s\n", strconv.Itoa(i+1), v)
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().Uint64Var(&at, "at", 0, "read the row as of this tx (default: the latest version)")
	return cmd
}
