package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/stela-db/stela/backup"
)

func newBackupCommand() *cobra.Command {
	var (
		f        adminFlags
		database string
		since    uint64
		out      string
	)
	cmd := &cobra.Command{
		Use:   "backup --out FILE",
		Short: "Take an online backup of a running server",
		Long: `backup copies the logs of a running server into FILE while writes go on:
every database and the system log (users, grants, databases), or with
--database one database. Each log is copied up to its last transaction at
the start, with the checkpoint of that transaction, so that restore can
verify every hash. --since-tx N (with --database) copies only the
transactions after N: an incremental backup to restore on top of a backup
that ends at N. The user must be a superuser. FILE appears only once the
backup is complete.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return errors.New("--out is required: the file to write the backup to")
			}
			conn, err := f.connect(cmd, "")
			if err != nil {
				return err
			}
			defer conn.Close(cmd.Context())
			logs, err := backup.Take(cmd.Context(), conn, backup.TakeOptions{Database: database, SinceTx: since, Out: out})
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			for _, l := range logs {
				fmt.Fprintf(w, "%s: transactions %d..%d, checkpoint at tx %d (%s)\n", logName(l.Database), l.Since+1, l.Upto, l.Upto, signedWord(l.Signed))
			}
			fmt.Fprintf(w, "backup written to %s\n", out)
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&database, "database", "", "back up this database only (default: every database and the system log)")
	cmd.Flags().Uint64Var(&since, "since-tx", 0, "incremental: copy only the transactions after this one (needs --database)")
	cmd.Flags().StringVar(&out, "out", "", "file to write the backup to")
	return cmd
}

func newRestoreCommand() *cobra.Command {
	var in, dataDir, pubKey string
	cmd := &cobra.Command{
		Use:   "restore --in FILE --data DIR",
		Short: "Verify a backup and restore it into a data directory",
		Long: `restore checks every transaction of the backup in FILE (each hash, the
sequence, and the Merkle root of each log against its checkpoint) before
it writes anything, then rebuilds the stores in DIR. A full backup needs
a new or empty DIR; an incremental one (stela backup --since-tx) is
appended to a DIR restored earlier, whose database must end at the tx the
backup continues from. With --public-key every checkpoint must be signed
by that key. A backup that does not verify is refused, naming the first
bad transaction, and DIR is left as it was. The server must not be
running on DIR.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in == "" || dataDir == "" {
				return errors.New("--in and --data are required: the backup file and the data directory to restore into")
			}
			var opts backup.RestoreOptions
			if pubKey != "" {
				pem, err := os.ReadFile(pubKey)
				if err != nil {
					return fmt.Errorf("--public-key: %w", err)
				}
				opts.PublicKey = pem
			} else {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning: no --public-key: checkpoint signatures are not checked, only that the logs match the checkpoints in the file")
			}
			rep, err := backup.Restore(cmd.Context(), in, dataDir, opts)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			for _, l := range rep.Logs {
				fmt.Fprintf(w, "%s: transactions %d..%d verified and restored\n", logName(l.Database), l.Since+1, l.Upto)
			}
			how := "restored into"
			if rep.Incremental {
				how = "appended to"
			}
			fmt.Fprintf(w, "backup %s %s\n", how, dataDir)
			return nil
		},
	}
	cmd.Flags().StringVar(&in, "in", "", "backup file to restore")
	cmd.Flags().StringVar(&dataDir, "data", "", "data directory to restore into (the server must not be running on it)")
	cmd.Flags().StringVar(&pubKey, "public-key", "", "PEM public key every checkpoint of the backup must be signed with")
	return cmd
}

// logName names a log in the commands' output.
func logName(db string) string {
	if db == "" {
		return "system log"
	}
	return fmt.Sprintf("database %q", db)
}

func signedWord(signed bool) string {
	if signed {
		return "signed"
	}
	return "unsigned"
}
