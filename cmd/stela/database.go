package main

import (
	"strconv"

	"github.com/spf13/cobra"
)

// newDatabaseCommand is "stela database": databases, over the wire.
func newDatabaseCommand() *cobra.Command {
	var f adminFlags
	cmd := &cobra.Command{
		Use:   "database",
		Short: "Create, list, drop and purge databases on a running server",
	}
	f.register(cmd)
	cmd.AddCommand(
		&cobra.Command{
			Use:   "create NAME",
			Short: "Create a database with its own verifiable log (CREATE DATABASE)",
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return runAdmin(cmd, &f, "", "created database "+args[0], "CREATE DATABASE "+ident(args[0]))
			},
		},
		&cobra.Command{
			Use:   "drop NAME",
			Short: "Stop serving a database; its files are moved aside, not erased (DROP DATABASE)",
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return runAdmin(cmd, &f, "", "dropped database "+args[0], "DROP DATABASE "+ident(args[0]))
			},
		},
		newDatabaseListCommand(&f),
		newDatabaseDroppedCommand(&f),
		newDatabasePurgeCommand(&f),
	)
	return cmd
}

func newDatabaseListCommand(f *adminFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List databases: owner, size on disk, and whether you may connect",
		Long: `list prints one line per database: its owner, the size of its files in
bytes (pg_database_size; "-" where you may not connect) and whether you
may connect to it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := f.connect(cmd, "")
			if err != nil {
				return err
			}
			defer c.Close(ctx)
			// pg_database_size needs CONNECT on the database.
			rows, err := c.Query(ctx, `SELECT datname, pg_get_userbyid(datdba),
				has_database_privilege(datname, 'CONNECT'),
				CASE WHEN has_database_privilege(datname, 'CONNECT') THEN pg_database_size(datname) END
				FROM pg_database ORDER BY datname`)
			if err != nil {
				return err
			}
			var table [][]string
			for rows.Next() {
				var name, owner string
				var connect bool
				var size *int64
				if err := rows.Scan(&name, &owner, &connect, &size); err != nil {
					return err
				}
				sz := "-"
				if size != nil {
					sz = strconv.FormatInt(*size, 10)
				}
				table = append(table, []string{name, owner, sz, yesNo(connect)})
			}
			if err := rows.Err(); err != nil {
				return err
			}
			printTable(cmd.OutOrStdout(), []string{"DATABASE", "OWNER", "SIZE", "CONNECT"}, table)
			return nil
		},
	}
}
