package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"
)

// newDatabaseDroppedCommand is "database dropped": the directories DROP
// DATABASE moved aside, which only purge erases.
func newDatabaseDroppedCommand(f *adminFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "dropped",
		Short: "List dropped databases whose files are kept (superusers only)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := f.connect(cmd, "")
			if err != nil {
				return err
			}
			defer c.Close(ctx)
			rows, err := c.Query(ctx, "SELECT name, bytes, dropped_at FROM stela_dropped_databases()")
			if err != nil {
				return err
			}
			var table [][]string
			for rows.Next() {
				var name string
				var size int64
				var at *time.Time
				if err := rows.Scan(&name, &size, &at); err != nil {
					return err
				}
				when := "-"
				if at != nil {
					when = at.UTC().Format(time.RFC3339)
				}
				table = append(table, []string{name, strconv.FormatInt(size, 10), when})
			}
			if err := rows.Err(); err != nil {
				return err
			}
			printTable(cmd.OutOrStdout(), []string{"NAME", "SIZE", "DROPPED"}, table)
			return nil
		},
	}
}

// newDatabasePurgeCommand is "database purge": erase dropped databases'
// files for good.
func newDatabasePurgeCommand(f *adminFlags) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "purge NAME... | --all",
		Short: "Erase the files of dropped databases for good (superusers only)",
		Long: `purge erases the files DROP DATABASE moved aside. NAME is a name as
"stela database dropped" lists it (the database's directory and the time
it was dropped); --all erases every one. There is no undo.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return fmt.Errorf("name the dropped databases to purge, or give --all (see: stela database dropped)")
			}
			ctx := cmd.Context()
			c, err := f.connect(cmd, "")
			if err != nil {
				return err
			}
			defer c.Close(ctx)
			if all {
				rows, err := c.Query(ctx, "SELECT name FROM stela_dropped_databases()")
				if err != nil {
					return err
				}
				for rows.Next() {
					var n string
					if err := rows.Scan(&n); err != nil {
						return err
					}
					args = append(args, n)
				}
				if err := rows.Err(); err != nil {
					return err
				}
			}
			for _, n := range args {
				var freed int64
				if err := c.QueryRow(ctx, "SELECT stela_purge_dropped_database($1)", n).Scan(&freed); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "purged %s (%d bytes)\n", n, freed)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "purge every dropped database")
	return cmd
}
