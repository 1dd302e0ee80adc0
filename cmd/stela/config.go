package main

// The configuration file of stela start.
//
// Format: TOML. Every key is the name of a flag of `stela start`, written
// as the flag (max-connections) or in snake case (max_connections), at the
// top level (no [tables]). A value has its flag's type:
//
//	data = "/var/lib/stela"          # strings: text, paths, addresses
//	max-connections = 100            # integers
//	require-tls = true               # booleans
//	shutdown-timeout = "30s"         # durations, as strings
//	some-list = ["a", "b"]           # list flags: arrays (or one string)
//
// Precedence: flag > environment (STELA_*) > file > default. The file is
// --config (or STELA_CONFIG); without it, defaultConfigPath if it exists;
// --config "" reads no file. An unknown key, a value of the wrong type or
// one the flag rejects stops start-up with file:line:column and the reason.

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// defaultConfigPath is read when neither --config nor STELA_CONFIG is
// given and the file exists. A variable so that tests can move it.
var defaultConfigPath = "/etc/stela/stela.toml"

// configFlag names the config file; it cannot itself be set in a file.
const configFlag = "config"

// Sources of a setting's value, as config print names them.
const (
	sourceFlag    = "flag"
	sourceFile    = "file"
	sourceDefault = "default"
)

// settings is the outcome of resolving a command's flags.
type settings struct {
	file   string            // config file read; "" if none
	source map[string]string // flag name → sourceFlag, "env STELA_X", sourceFile or sourceDefault
}

// loadSettings gives every flag of cmd its value, flag > env > file >
// default, and says where each came from. It is start's PreRunE and the
// first step of config print, so that both resolve settings alike.
func loadSettings(cmd *cobra.Command) (*settings, error) {
	flags := cmd.Flags()
	s := &settings{source: map[string]string{}}
	flags.Visit(func(f *pflag.Flag) { s.source[f.Name] = sourceFlag })
	if err := bindEnv(cmd); err != nil {
		return nil, err
	}
	flags.Visit(func(f *pflag.Flag) {
		if _, ok := s.source[f.Name]; !ok {
			s.source[f.Name] = "env " + envName(f.Name)
		}
	})

	path, err := configPath(flags)
	if err != nil {
		return nil, err
	}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config file: %w; check --config or %s", err, envName(configFlag))
		}
		if err := applyConfig(path, data, flags); err != nil {
			return nil, err
		}
		s.file = path
	}
	flags.VisitAll(func(f *pflag.Flag) {
		if _, ok := s.source[f.Name]; !ok {
			if f.Changed {
				s.source[f.Name] = sourceFile
			} else {
				s.source[f.Name] = sourceDefault
			}
		}
	})
	return s, nil
}

// configPath is the file to read: --config or STELA_CONFIG when given
// (empty means none), else defaultConfigPath if it exists.
func configPath(flags *pflag.FlagSet) (string, error) {
	if f := flags.Lookup(configFlag); f != nil && f.Changed {
		return f.Value.String(), nil
	}
	_, err := os.Stat(defaultConfigPath)
	switch {
	case err == nil:
		return defaultConfigPath, nil
	case errors.Is(err, fs.ErrNotExist):
		return "", nil
	default:
		return "", fmt.Errorf("config file: %w; check its permissions or choose a file with --config", err)
	}
}

// applyConfig checks every key of the TOML document data (read from path)
// and sets the flags that no flag or variable set already.
func applyConfig(path string, data []byte, flags *pflag.FlagSet) error {
	// The decoder gives the values (with its own number and string
	// syntax); the parser gives where each key is, for the errors.
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return fmt.Errorf("%s:%d:%d: %s", path, row, col, strings.TrimPrefix(de.Error(), "toml: "))
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	keys, err := configKeys(data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	seen := map[string]configKey{}
	for _, k := range keys {
		at := fmt.Sprintf("%s:%d:%d", path, k.line, k.col)
		if k.table {
			return fmt.Errorf("%s: tables are not supported: write [%s] settings as top-level keys (the flags of stela start)", at, k.name)
		}
		name := strings.ReplaceAll(k.name, "_", "-")
		f := flags.Lookup(name)
		switch {
		case name == configFlag:
			return fmt.Errorf("%s: %q cannot be set in a config file; use --config or %s", at, k.name, envName(configFlag))
		case f == nil || f.Hidden || name == "help" || strings.Contains(k.name, "."):
			return fmt.Errorf("%s: unknown setting %q (%s)", at, k.name, suggestSetting(name, flags))
		}
		if prev, ok := seen[name]; ok {
			return fmt.Errorf("%s: %q repeats %q of line %d", at, k.name, prev.name, prev.line)
		}
		seen[name] = k
		vals, err := flagStrings(f, doc[k.name])
		if err != nil {
			return fmt.Errorf("%s: %s: %w", at, k.name, err)
		}
		if f.Changed {
			continue // a flag or variable wins over the file
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			err = sv.Replace(vals)
			f.Changed = true
		} else {
			err = flags.Set(name, vals[0])
		}
		if err != nil {
			return fmt.Errorf("%s: %s: %w", at, k.name, err)
		}
	}
	return nil
}

// configKey is a key of the file and where it is.
type configKey struct {
	name      string // dotted for dotted keys and tables
	table     bool   // a [table] or [[array of tables]] header
	line, col int
}

// configKeys lists the file's keys in order, with their positions.
func configKeys(data []byte) ([]configKey, error) {
	var p unstable.Parser
	p.Reset(data)
	var keys []configKey
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind != unstable.KeyValue && e.Kind != unstable.Table && e.Kind != unstable.ArrayTable {
			continue
		}
		var parts []string
		var first *unstable.Node
		for it := e.Key(); it.Next(); {
			if first == nil {
				first = it.Node()
			}
			parts = append(parts, string(it.Node().Data))
		}
		if first == nil {
			continue
		}
		pos := p.Shape(first.Raw).Start
		keys = append(keys, configKey{name: strings.Join(parts, "."), table: e.Kind != unstable.KeyValue, line: pos.Line, col: pos.Column})
	}
	return keys, p.Error()
}

// flagStrings turns a TOML value into the string(s) f's Set takes,
// refusing a value of another type than the flag's.
func flagStrings(f *pflag.Flag, v any) ([]string, error) {
	typ := f.Value.Type()
	if _, ok := f.Value.(pflag.SliceValue); ok {
		switch v := v.(type) {
		case string:
			// One string is a comma-separated list, as on the command line.
			r := csv.NewReader(strings.NewReader(v))
			vals, err := r.Read()
			if err != nil {
				return nil, fmt.Errorf("want an array or a comma-separated string: %w", err)
			}
			return vals, nil
		case []any:
			vals := make([]string, 0, len(v))
			for _, e := range v {
				s, err := scalarString(e)
				if err != nil {
					return nil, fmt.Errorf("array element: %w", err)
				}
				vals = append(vals, s)
			}
			return vals, nil
		}
		return nil, fmt.Errorf("want an array, got %s", describeValue(v))
	}
	var ok bool
	switch {
	case typ == "bool":
		_, ok = v.(bool)
		if !ok {
			return nil, fmt.Errorf("want true or false, got %s", describeValue(v))
		}
	case strings.HasPrefix(typ, "int") || strings.HasPrefix(typ, "uint") || typ == "count":
		if _, ok = v.(int64); !ok {
			return nil, fmt.Errorf("want an integer, got %s", describeValue(v))
		}
	case strings.HasPrefix(typ, "float"):
		switch v.(type) {
		case int64, float64:
		default:
			return nil, fmt.Errorf("want a number, got %s", describeValue(v))
		}
	case typ == "duration":
		if _, ok = v.(string); !ok {
			return nil, fmt.Errorf("want a duration as a string such as \"30s\", got %s", describeValue(v))
		}
	case typ == "string":
		if _, ok = v.(string); !ok {
			return nil, fmt.Errorf("want a string, got %s", describeValue(v))
		}
	}
	s, err := scalarString(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

// scalarString is a TOML scalar as a command-line argument.
func scalarString(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	}
	return "", fmt.Errorf("want a string, number or boolean, got %s", describeValue(v))
}

// describeValue names a TOML value's type, and shows it when short.
func describeValue(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("a string (%q)", v)
	case bool:
		return fmt.Sprintf("a boolean (%t)", v)
	case int64:
		return fmt.Sprintf("an integer (%d)", v)
	case float64:
		return fmt.Sprintf("a float (%g)", v)
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("a %T", v)
}

// suggestSetting is the hint for an unknown key: the closest flag name
// when one is close, else where the list is.
func suggestSetting(name string, flags *pflag.FlagSet) string {
	best, bestD := "", 0
	flags.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Name == "help" || f.Name == configFlag {
			return
		}
		if d := editDistance(name, f.Name); best == "" || d < bestD {
			best, bestD = f.Name, d
		}
	})
	if best != "" && bestD <= max(2, len(name)/3) {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return "the settings are the flags listed by stela start --help"
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
