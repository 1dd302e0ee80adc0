// Command stela is the stela database: one binary whose subcommands start
// the server and run the tools (verify, and more to come).
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/spf13/cobra"
)

// exitError carries a process exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "stela",
		Short:         "stela: an immutable, verifiable SQL database",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newVersionCommand(), newVerifyCommand(), newStartCommand(), newUserCommand(), newDatabaseCommand(),
		newBackupCommand(), newRestoreCommand(), newConfigCommand(), newServiceCommand())
	root.AddCommand(newKeyCommand(), newAuditCommand())
	root.AddCommand(newBenchCommand())
	root.AddCommand(newKVCommand())
	return root
}

// describeError is err's message, with the server's DETAIL and HINT when
// the server refused (its message already ends with the SQLSTATE).
func describeError(err error) string {
	msg := err.Error()
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		if pe.Detail != "" {
			msg += "\nDETAIL: " + pe.Detail
		}
		if pe.Hint != "" {
			msg += "\nHINT: " + pe.Hint
		}
	}
	return msg
}

func main() {
	root := newRootCommand()
	if err := root.Execute(); err != nil {
		fmt.Fprintln(root.ErrOrStderr(), "stela:", describeError(err))
		var ee *exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		os.Exit(1)
	}
}
