package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
)

// newUserCommand is "stela user": users and their levels, over the wire.
// Each subcommand sends the SQL statement an operator would type in psql,
// with names quoted as identifiers and passwords as literals, so the
// server decides exactly as it does for SQL.
func newUserCommand() *cobra.Command {
	var f adminFlags
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Create, list and change users on a running server",
	}
	f.register(cmd)
	cmd.AddCommand(newUserCreateCommand(&f), newUserListCommand(&f), newUserPasswordCommand(&f),
		newUserLevelCommand(&f, true), newUserLevelCommand(&f, false),
		newUserLoginCommand(&f, false), newUserLoginCommand(&f, true))
	return cmd
}

func newUserCreateCommand(f *adminFlags) *cobra.Command {
	var super, fromStdin bool
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a user who may log in (CREATE USER ... LOGIN PASSWORD)",
		Long: `create makes a user who may log in, with a password typed twice without
echo, or read from the first line of stdin with --password-stdin. The
password must have at least 8 characters with an uppercase letter, a
lowercase letter, a digit and a symbol. The user may do nothing until
granted a level (stela user grant).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lit, err := newPasswordLiteral(cmd, fromStdin)
			if err != nil {
				return err
			}
			opts := "LOGIN"
			if super {
				opts += " SUPERUSER"
			}
			return runAdmin(cmd, f, "", fmt.Sprintf("created user %s", args[0]),
				fmt.Sprintf("CREATE USER %s WITH %s PASSWORD %s", ident(args[0]), opts, lit))
		},
	}
	cmd.Flags().BoolVar(&super, "superuser", false, "make the user a superuser (every right on every database)")
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of stdin")
	return cmd
}

func newUserPasswordCommand(f *adminFlags) *cobra.Command {
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "change-password NAME",
		Short: "Set a user's password (ALTER USER ... PASSWORD)",
		Long: `change-password sets a new password, typed twice without echo or read from
the first line of stdin with --password-stdin; the password policy of
create applies.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lit, err := newPasswordLiteral(cmd, fromStdin)
			if err != nil {
				return err
			}
			return runAdmin(cmd, f, "", fmt.Sprintf("changed the password of %s", args[0]),
				fmt.Sprintf("ALTER USER %s WITH PASSWORD %s", ident(args[0]), lit))
		},
	}
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of stdin")
	return cmd
}

// newUserLoginCommand is deactivate (NOLOGIN: the user's open sessions
// end and new logins are refused with 28000) or activate (LOGIN).
func newUserLoginCommand(f *adminFlags, activate bool) *cobra.Command {
	use, short, opt, done := "deactivate", "Stop a user from logging in (ALTER USER ... NOLOGIN)", "NOLOGIN", "deactivated"
	if activate {
		use, short, opt, done = "activate", "Let a deactivated user log in again (ALTER USER ... LOGIN)", "LOGIN", "activated"
	}
	return &cobra.Command{
		Use:   use + " NAME",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAdmin(cmd, f, "", fmt.Sprintf("%s user %s", done, args[0]),
				fmt.Sprintf("ALTER USER %s WITH %s", ident(args[0]), opt))
		},
	}
}

func newUserListCommand(f *adminFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List users, whether they may log in, and their rights per database",
		Long: `list prints one line per user the caller may see: whether the user may log
in (active), is a superuser (every right everywhere), and the user's level
on each database, as immudb names them (read, readwrite, admin; "custom"
for another set of privileges, as GRANT can make), from stela_grants().
A database's owner is its admin.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := f.connect(cmd, "")
			if err != nil {
				return err
			}
			defer c.Close(ctx)
			levels := map[string][]string{}
			rows, err := c.Query(ctx, `SELECT user_name, database_name, level FROM stela_grants()
				WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = database_name AND pg_get_userbyid(datdba) = user_name)
				UNION ALL
				SELECT pg_get_userbyid(datdba), datname, 'admin' FROM pg_database`)
			if err != nil {
				return err
			}
			for rows.Next() {
				var user, db, level string
				if err := rows.Scan(&user, &db, &level); err != nil {
					return err
				}
				levels[user] = append(levels[user], db+" ("+level+")")
			}
			if err := rows.Err(); err != nil {
				return err
			}
			var table [][]string
			rows, err = c.Query(ctx, "SELECT rolname, rolcanlogin, rolsuper FROM pg_roles")
			if err != nil {
				return err
			}
			for rows.Next() {
				var user string
				var login, super bool
				if err := rows.Scan(&user, &login, &super); err != nil {
					return err
				}
				dbs := levels[user]
				sort.Strings(dbs)
				rights := strings.Join(dbs, ", ")
				if super {
					rights = "* (superuser)"
				}
				if rights == "" {
					rights = "-"
				}
				table = append(table, []string{user, yesNo(login), yesNo(super), rights})
			}
			if err := rows.Err(); err != nil {
				return err
			}
			sort.Slice(table, func(i, j int) bool { return table[i][0] < table[j][0] })
			printTable(cmd.OutOrStdout(), []string{"USER", "ACTIVE", "SUPERUSER", "DATABASES"}, table)
			return nil
		},
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// runAdmin runs statements on database db and reports done.
func runAdmin(cmd *cobra.Command, f *adminFlags, db, done string, stmts ...string) error {
	ctx := cmd.Context()
	c, err := f.connect(cmd, db)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	if err := execAll(ctx, c, stmts...); err != nil {
		return err
	}
	fmt.Fprintln(cmd.OutOrStdout(), done)
	return nil
}
