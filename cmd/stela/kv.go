package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/spf13/cobra"

	"github.com/stela-db/stela/client"
	"github.com/stela-db/stela/sql/kvtable"
	"github.com/stela-db/stela/sql/pgerror"
)

// stela kv: the key/value interface over pgwire, like immuclient's set,
// get, safeset and safeget. The statements are sql/kvtable's, the same
// the HTTP API runs, so both see the same table (stela_kv).

func newKVCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kv",
		Short: "Read and write keys of a database's key/value table (stela_kv)",
		Long: `kv reads and writes the key/value table of a database over the PostgreSQL
protocol (--url names the server, user and database). Keys and values are
those of the HTTP API's /kv endpoints. verified-get and verified-set check
the row's proof here against the state trusted last (--state), as
stela verify row does.`,
	}
	cmd.AddCommand(newKVSetCommand(false), newKVSetCommand(true), newKVGetCommand(false), newKVGetCommand(true),
		newKVHistoryCommand(), newKVScanCommand(), newKVDeleteCommand())
	return cmd
}

// kvValue is the value argument: VALUE, or stdin when "-" or absent.
func kvValue(cmd *cobra.Command, args []string) ([]byte, error) {
	if len(args) > 1 && args[1] != "-" {
		return []byte(args[1]), nil
	}
	return io.ReadAll(cmd.InOrStdin())
}

// kvConnect logs in as the plain kv commands do (asking for a password
// on a terminal when none is given).
func kvConnect(cmd *cobra.Command, f *remoteVerifyFlags) (*pgx.Conn, error) {
	a := adminFlags{url: f.url}
	return a.connect(cmd, "")
}

// kvPut writes a key, making the table on the first write when allowed.
func kvPut(ctx context.Context, c *pgx.Conn, key string, value []byte, ctype string) error {
	var ct any
	if ctype != "" {
		ct = ctype
	}
	run := func(q string, args ...any) error {
		_, err := c.Exec(ctx, q, args...)
		return err
	}
	err := kvtable.PutCreating(run, pgCode, c.Config().Database, key, value, ct)
	var pe *pgerror.Error
	if errors.As(err, &pe) {
		// kvtable's own error: show its hint too, as psql would.
		return fmt.Errorf("%s: %s", pe.Message, pe.Hint)
	}
	return err
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// kvMissing is the error for a key without a live version.
func kvMissing(key string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) || pgCode(err) == "42P01" {
		return fmt.Errorf("key %s not found", kvtable.Describe(key))
	}
	return err
}

func newKVSetCommand(verified bool) *cobra.Command {
	var (
		f     remoteVerifyFlags
		ctype string
	)
	use, short := "set KEY [VALUE|-]", "Write a key (the value from stdin when - or absent)"
	if verified {
		use, short = "verified-set KEY [VALUE|-]", "Write a key, then verify the written row's proof here"
	}
	cmd := &cobra.Command{
		Use: use, Short: short,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			key := args[0]
			if err := kvtable.CheckKey(key); err != nil {
				return err
			}
			value, err := kvValue(cmd, args)
			if err != nil {
				return err
			}
			if !verified {
				c, err := kvConnect(cmd, &f)
				if err != nil {
					return err
				}
				defer c.Close(ctx)
				if err := kvPut(ctx, c, key, value, ctype); err != nil {
					return err
				}
				var tx int64
				var v []byte
				var ct *string
				if err := c.QueryRow(ctx, kvtable.Get, key).Scan(&v, &ct, &tx); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "set %s at tx %d\n", kvtable.Describe(key), tx)
				return nil
			}
			c, err := f.open(ctx)
			if err != nil {
				return verifyExit(err)
			}
			defer c.Close(ctx)
			if err := kvPut(ctx, c.Conn, key, value, ctype); err != nil {
				return verifyExit(err)
			}
			row, err := verifiedKV(ctx, c, 0, key)
			if err != nil {
				return verifyExit(err)
			}
			if !bytes.Equal(row.Columns[1], value) {
				return verifyExit(fmt.Errorf("%w: the proven value of %s is not the one written (another writer since?)", client.ErrBadProof, kvtable.Describe(key)))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "verified: %s set at tx %d\n", kvtable.Describe(key), row.Tx)
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&ctype, "content-type", "", "MIME type stored with the value (HTTP GET answers with it)")
	return cmd
}

// verifiedKV reads a key's row with its proof and checks it (client.
// VerifiedRow), and that the proven row is this key's and not deleted.
func verifiedKV(ctx context.Context, c *client.Client, at uint64, key string) (client.Row, error) {
	row, err := c.VerifiedRow(ctx, at, kvtable.Table, key)
	if pgCode(err) == "22023" || pgCode(err) == "42P01" {
		return row, fmt.Errorf("key %s not found", kvtable.Describe(key))
	}
	if err != nil {
		return row, err
	}
	if row.Deleted {
		return row, fmt.Errorf("key %s was deleted by tx %d", kvtable.Describe(key), row.Tx)
	}
	if len(row.Columns) < 2 || string(row.Columns[0]) != key {
		return row, fmt.Errorf("%w: the proof is of another key than %s", client.ErrBadProof, kvtable.Describe(key))
	}
	return row, nil
}

func newKVGetCommand(verified bool) *cobra.Command {
	var (
		f  remoteVerifyFlags
		at uint64
	)
	use, short := "get KEY", "Print a key's value (raw bytes on stdout)"
	if verified {
		use, short = "verified-get KEY", "Print a key's value after verifying its proof here"
	}
	cmd := &cobra.Command{
		Use: use, Short: short,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			key := args[0]
			if !verified {
				c, err := kvConnect(cmd, &f)
				if err != nil {
					return err
				}
				defer c.Close(ctx)
				q := kvtable.Get
				if at > 0 {
					q = kvtable.GetAt(at)
				}
				var v []byte
				var ct *string
				var tx int64
				if err := c.QueryRow(ctx, q, key).Scan(&v, &ct, &tx); err != nil {
					return kvMissing(key, err)
				}
				_, err = cmd.OutOrStdout().Write(v)
				return err
			}
			c, err := f.open(ctx)
			if err != nil {
				return verifyExit(err)
			}
			defer c.Close(ctx)
			row, err := verifiedKV(ctx, c, at, key)
			if err != nil {
				return verifyExit(err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "verified: %s written by tx %d\n", kvtable.Describe(key), row.Tx)
			_, err = cmd.OutOrStdout().Write(row.Columns[1])
			return err
		},
	}
	f.register(cmd)
	cmd.Flags().Uint64Var(&at, "at", 0, "read the version a read at this tx sees")
	return cmd
}

func newKVHistoryCommand() *cobra.Command {
	var f remoteVerifyFlags
	cmd := &cobra.Command{
		Use:   "history KEY",
		Short: "List every version of a key: tx, time, operation, value (quoted)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := kvConnect(cmd, &f)
			if err != nil {
				return err
			}
			defer c.Close(ctx)
			rows, err := c.Query(ctx, kvtable.History, args[0])
			if err != nil {
				return kvMissing(args[0], err)
			}
			n := 0
			for rows.Next() {
				var tx int64
				var ts time.Time
				var op string
				var v []byte
				var ct *string
				if err := rows.Scan(&tx, &ts, &op, &v, &ct); err != nil {
					return err
				}
				val := "-"
				if v != nil {
					val = strconv.Quote(string(v))
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%d\t%s\t%s\t%s\n", tx, ts.UTC().Format(time.RFC3339Nano), op, val)
				n++
			}
			if err := rows.Err(); err != nil {
				return kvMissing(args[0], err)
			}
			if n == 0 {
				return kvMissing(args[0], pgx.ErrNoRows)
			}
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func newKVScanCommand() *cobra.Command {
	var (
		f     remoteVerifyFlags
		limit int64
		b64   bool
	)
	cmd := &cobra.Command{
		Use:   "scan [PREFIX]",
		Short: "List keys starting with PREFIX in key order: key, tx, value (quoted)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			prefix := ""
			if len(args) == 1 {
				prefix = args[0]
			}
			c, err := kvConnect(cmd, &f)
			if err != nil {
				return err
			}
			defer c.Close(ctx)
			rows, err := c.Query(ctx, kvtable.Scan, prefix, limit)
			if err != nil {
				return err
			}
			for rows.Next() {
				var key string
				var v []byte
				var ct *string
				var tx int64
				if err := rows.Scan(&key, &v, &ct, &tx); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s\t%d\t%s\n", key, tx, showValue(v, b64))
			}
			if err := rows.Err(); err != nil && pgCode(err) != "42P01" {
				return err
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().Int64Var(&limit, "limit", 100, "most keys listed")
	cmd.Flags().BoolVar(&b64, "base64", false, "print values in base64 instead of quoted")
	return cmd
}

func showValue(v []byte, b64 bool) string {
	if b64 {
		return base64.StdEncoding.EncodeToString(v)
	}
	return strconv.Quote(string(v))
}

func newKVDeleteCommand() *cobra.Command {
	var f remoteVerifyFlags
	cmd := &cobra.Command{
		Use:   "delete KEY",
		Short: "Delete a key (its history keeps the delete)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := kvConnect(cmd, &f)
			if err != nil {
				return err
			}
			defer c.Close(ctx)
			tag, err := c.Exec(ctx, kvtable.Delete, args[0])
			if err != nil {
				return kvMissing(args[0], err)
			}
			if tag.RowsAffected() == 0 {
				return kvMissing(args[0], pgx.ErrNoRows)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "deleted %s\n", kvtable.Describe(args[0]))
			return nil
		},
	}
	f.register(cmd)
	return cmd
}
