package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"
)

// Levels as immudb names them, and the PostgreSQL privileges that make
// each one in stela (catalog/grants.go): database privileges on the
// database, and table privileges that hold for all its tables, views and
// sequences, now and later.
var levelPrivileges = map[string]struct{ database, tables string }{
	"read":      {"CONNECT", "SELECT"},
	"readwrite": {"CONNECT", "SELECT, INSERT, UPDATE, DELETE, TRUNCATE"},
	"admin":     {"ALL PRIVILEGES", ""},
}

const levelHelp = `Levels and the statements they run (DB and NAME quoted as identifiers):

  read       GRANT CONNECT ON DATABASE DB TO NAME
             GRANT SELECT ON ALL TABLES IN SCHEMA public[, ...] TO NAME
  readwrite  GRANT CONNECT ON DATABASE DB TO NAME
             GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE
                   ON ALL TABLES IN SCHEMA public[, ...] TO NAME
  admin      GRANT ALL PRIVILEGES ON DATABASE DB TO NAME
             (CONNECT, CREATE, TEMPORARY: DDL and granting on DB)

The table grants run in DB and name all of its schemas, because stela
keeps table privileges per database. revoke runs the same statements as
REVOKE ... FROM NAME, so it takes away everything the level gives,
CONNECT included.`

// newUserLevelCommand is "user grant" or "user revoke".
func newUserLevelCommand(f *adminFlags, grant bool) *cobra.Command {
	use, short := "grant", "Give a user a level on a database (GRANT)"
	if !grant {
		use, short = "revoke", "Take a level on a database from a user (REVOKE)"
	}
	return &cobra.Command{
		Use:   use + " NAME read|readwrite|admin DATABASE",
		Short: short,
		Long:  short + ".\n\n" + levelHelp,
		Args:  cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			user, level, db := args[0], args[1], args[2]
			if _, ok := levelPrivileges[level]; !ok {
				return fmt.Errorf("unknown level %q: want read, readwrite or admin", level)
			}
			ctx := cmd.Context()
			// Table grants apply to the database of the session.
			c, err := f.connect(cmd, db)
			if err != nil {
				return err
			}
			defer c.Close(ctx)
			stmts, err := levelStatements(ctx, c, grant, level, db, user)
			if err != nil {
				return err
			}
			if err := execAll(ctx, c, stmts...); err != nil {
				return err
			}
			if grant {
				fmt.Fprintf(cmd.OutOrStdout(), "granted %s on %s to %s\n", level, db, user)
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "revoked %s on %s from %s\n", level, db, user)
			}
			return nil
		},
	}
}

// levelStatements returns the GRANT (or REVOKE) statements of level,
// reading the schemas of the session's database for the table grants.
func levelStatements(ctx context.Context, c *pgx.Conn, grant bool, level, db, user string) ([]string, error) {
	p := levelPrivileges[level]
	verb, to := "GRANT", "TO"
	if !grant {
		verb, to = "REVOKE", "FROM"
	}
	stmts := []string{fmt.Sprintf("%s %s ON DATABASE %s %s %s", verb, p.database, ident(db), to, ident(user))}
	if p.tables == "" {
		return stmts, nil
	}
	rows, err := c.Query(ctx, `SELECT nspname FROM pg_namespace
		WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg\_temp%'
		ORDER BY nspname`)
	if err != nil {
		return nil, err
	}
	schemas, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var n string
		err := r.Scan(&n)
		return ident(n), err
	})
	if err != nil {
		return nil, err
	}
	return append(stmts, fmt.Sprintf("%s %s ON ALL TABLES IN SCHEMA %s %s %s",
		verb, p.tables, strings.Join(schemas, ", "), to, ident(user))), nil
}
