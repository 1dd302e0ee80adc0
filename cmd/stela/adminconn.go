package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// adminFlags are the connection flags of the user and database commands:
// they talk to a running server over the wire, as any client does, so
// the server applies the same rules (privileges, password policy) as to
// SQL typed in psql.
type adminFlags struct {
	url string
}

func (f *adminFlags) register(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&f.url, "url", "",
		"server connection URL or key=value string (default: the PG* environment variables, as libpq reads them)")
}

// connect logs in to database db ("" = the one of --url or PGDATABASE).
// Without a password from the URL, PGPASSWORD or the password file, it
// asks for one on the terminal, without echo.
func (f *adminFlags) connect(cmd *cobra.Command, db string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(f.url)
	if err != nil {
		return nil, err
	}
	if db != "" {
		cfg.Database = db
	}
	if cfg.Password == "" {
		if fd, ok := terminal(cmd.InOrStdin()); ok {
			fmt.Fprintf(cmd.ErrOrStderr(), "Password for user %s: ", cfg.User)
			pw, err := term.ReadPassword(fd)
			fmt.Fprintln(cmd.ErrOrStderr())
			if err != nil {
				return nil, err
			}
			cfg.Password = string(pw)
		}
	}
	return pgx.ConnectConfig(cmd.Context(), cfg)
}

// terminal reports whether r is a terminal, and its descriptor.
func terminal(r io.Reader) (int, bool) {
	f, ok := r.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0, false
	}
	return int(f.Fd()), true
}

// newPassword reads a new password: the first line of stdin with
// --password-stdin, or typed twice without echo on a terminal. It is
// never taken from a flag, which would leave it in the shell's history
// and the process list.
func newPassword(cmd *cobra.Command, fromStdin bool) (string, error) {
	in := cmd.InOrStdin()
	if fromStdin {
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		pw := strings.TrimRight(line, "\r\n")
		if pw == "" {
			return "", errors.New("no password on stdin")
		}
		return pw, nil
	}
	fd, ok := terminal(in)
	if !ok {
		return "", errors.New("stdin is not a terminal: pass the new password with --password-stdin")
	}
	read := func(prompt string) (string, error) {
		fmt.Fprint(cmd.ErrOrStderr(), prompt)
		pw, err := term.ReadPassword(fd)
		fmt.Fprintln(cmd.ErrOrStderr())
		return string(pw), err
	}
	pw, err := read("New password: ")
	if err != nil {
		return "", err
	}
	again, err := read("Repeat the new password: ")
	if err != nil {
		return "", err
	}
	if pw != again {
		return "", errors.New("the passwords do not match")
	}
	return pw, nil
}

// newPasswordLiteral reads a new password (newPassword) and returns it
// as a SQL string literal.
func newPasswordLiteral(cmd *cobra.Command, fromStdin bool) (string, error) {
	pw, err := newPassword(cmd, fromStdin)
	if err != nil {
		return "", err
	}
	return quoteLiteral(pw)
}

// quoteLiteral quotes s as an SQL string literal. The E” form with
// backslashes doubled means the same whatever standard_conforming_strings
// says; a NUL byte cannot be in a PostgreSQL string and is refused.
func quoteLiteral(s string) (string, error) {
	if strings.ContainsRune(s, 0) {
		return "", errors.New("a password cannot contain a NUL byte")
	}
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `'`, `''`)
	return "E'" + s + "'", nil
}

// ident quotes a name as an SQL identifier.
func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// execAll runs each statement on its own (GRANT may not run in a
// transaction block) and stops at the first error, which carries the
// server's message and SQLSTATE.
func execAll(ctx context.Context, c *pgx.Conn, stmts ...string) error {
	for _, s := range stmts {
		if _, err := c.Exec(ctx, s); err != nil {
			return err
		}
	}
	return nil
}
