package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stela-db/stela/internal/buildinfo"
)

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "stela %s (commit %s, %s)\n",
				buildinfo.Version, buildinfo.CommitOrVCS(), buildinfo.GoVersion())
			return nil
		},
	}
}
