package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func newConfigCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show the settings of stela start",
	}
	cmd.AddCommand(newConfigPrintCommand())
	return cmd
}

// newConfigPrintCommand takes the flags of a fresh start command, so that
// every flag start has is resolved and printed here too.
func newConfigPrintCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "print [--config FILE] [start's flags]",
		Short: "Print the effective settings of stela start as TOML, with their sources",
		Long: `print resolves the settings as stela start would (flag > environment
variable > config file > default) and prints them as TOML, one key per
line, each with a comment naming its source. Passwords, secrets and tokens
are masked. The output, without the masked lines, is a valid config file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := loadSettings(cmd)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			file := s.file
			if file == "" {
				file = "none"
			}
			fmt.Fprintf(out, "# Effective settings of stela start (flag > env > file > default).\n# Config file: %s\n", file)
			var err2 error
			cmd.Flags().VisitAll(func(f *pflag.Flag) {
				if err2 != nil || f.Name == configFlag || f.Name == "help" || f.Hidden {
					return
				}
				line, err := settingLine(f, s.source[f.Name], s.file)
				if err != nil {
					err2 = err
					return
				}
				fmt.Fprintln(out, line)
			})
			return err2
		},
	}
	cmd.Flags().AddFlagSet(newStartCommand().Flags())
	return cmd
}

// secretSetting reports whether a flag's value must not be shown: text
// flags named with password, secret or token. Paths to keys (tls-key,
// signing-key) and switches (allow-cleartext-password) are not secrets.
func secretSetting(f *pflag.Flag) bool {
	if f.Value.Type() == "bool" {
		return false
	}
	for _, w := range []string{"password", "secret", "token"} {
		if strings.Contains(f.Name, w) {
			return true
		}
	}
	return false
}

// settingLine is `key = value  # source` with the value in TOML syntax
// of the flag's type.
func settingLine(f *pflag.Flag, source, file string) (string, error) {
	if source == sourceFile {
		source = "file " + file
	}
	if secretSetting(f) && f.Value.String() != "" {
		return fmt.Sprintf("%s = '********'  # %s (masked)", f.Name, source), nil
	}
	var v any = f.Value.String()
	if sv, ok := f.Value.(pflag.SliceValue); ok {
		v = sv.GetSlice()
	} else {
		switch t := f.Value.Type(); {
		case t == "bool":
			v = f.Value.String() == "true"
		case strings.HasPrefix(t, "int") || t == "count":
			v, _ = strconv.ParseInt(f.Value.String(), 10, 64)
		case strings.HasPrefix(t, "uint"):
			v, _ = strconv.ParseUint(f.Value.String(), 10, 64)
		case strings.HasPrefix(t, "float"):
			v, _ = strconv.ParseFloat(f.Value.String(), 64)
		}
	}
	b, err := toml.Marshal(map[string]any{f.Name: v})
	if err != nil {
		return "", fmt.Errorf("config print: %s: %w", f.Name, err)
	}
	return strings.TrimSuffix(string(b), "\n") + "  # " + source, nil
}
