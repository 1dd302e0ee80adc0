package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/pflag"
)

// writeConfig writes a config file in a temp dir and returns its path.
func writeConfig(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stela.toml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// noDefaultConfig points defaultConfigPath at a file that does not exist,
// so that a config file on the machine running the tests changes nothing.
func noDefaultConfig(t *testing.T) {
	t.Helper()
	old := defaultConfigPath
	defaultConfigPath = filepath.Join(t.TempDir(), "absent.toml")
	t.Cleanup(func() { defaultConfigPath = old })
}

// printedSetting is one line of config print.
type printedSetting struct{ value, source string }

// configPrint runs config print and parses its output as TOML (it must
// be valid), with each line's source comment.
func configPrint(t *testing.T, args ...string) map[string]printedSetting {
	t.Helper()
	out, errOut, code := runCLI(t, append([]string{"config", "print"}, args...)...)
	if code != 0 {
		t.Fatalf("config print %v: exit %d: %s", args, code, errOut)
	}
	var doc map[string]any
	if err := toml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("config print is not TOML: %v\n%s", err, out)
	}
	got := map[string]printedSetting{}
	for _, line := range strings.Split(out, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, _, _ := strings.Cut(line, " = ")
		_, source, ok := strings.Cut(line, "  # ")
		if !ok {
			t.Fatalf("no source comment: %q", line)
		}
		v, ok := doc[key]
		if !ok {
			t.Fatalf("%q: key %q not in the parsed output", line, key)
		}
		var s string
		switch v := v.(type) {
		case string:
			s = v
		default:
			b, _ := toml.Marshal(map[string]any{"v": v})
			s = strings.TrimSuffix(strings.TrimPrefix(string(b), "v = "), "\n")
		}
		got[key] = printedSetting{s, source}
	}
	return got
}

func wantSetting(t *testing.T, got map[string]printedSetting, key, value, source string) {
	t.Helper()
	if g := got[key]; g.value != value || g.source != source {
		t.Errorf("%s: got %q from %q, want %q from %q", key, g.value, g.source, value, source)
	}
}

// Flag > env > file > default, for strings, integers, booleans and
// durations, with keys in flag and snake case spellings.
func TestConfigPrecedence(t *testing.T) {
	noDefaultConfig(t)
	path := writeConfig(t, `# all four types, two spellings
listen = "127.0.0.1:7001"
data = "/file/data"
max_connections = 11
max-message-size = 4096
require-tls = true
allow_cleartext_password = true
shutdown-timeout = "7s"
log-level = "warn"
`)
	t.Setenv("STELA_DATA", "/env/data")
	t.Setenv("STELA_MAX_MESSAGE_SIZE", "8192")
	t.Setenv("STELA_ALLOW_CLEARTEXT_PASSWORD", "false")
	t.Setenv("STELA_SHUTDOWN_TIMEOUT", "8s")
	t.Setenv("STELA_LOG_LEVEL", "error")
	got := configPrint(t, "--config", path, "--data", "/flag/data", "--max-message-size", "16384",
		"--allow-cleartext-password=true", "--shutdown-timeout", "9s")
	file := "file " + path
	// flag over env over file
	wantSetting(t, got, "data", "/flag/data", "flag")
	wantSetting(t, got, "max-message-size", "16384", "flag")
	wantSetting(t, got, "allow-cleartext-password", "true", "flag")
	wantSetting(t, got, "shutdown-timeout", "9s", "flag")
	// env over file
	wantSetting(t, got, "log-level", "error", "env STELA_LOG_LEVEL")
	// file over default
	wantSetting(t, got, "listen", "127.0.0.1:7001", file)
	wantSetting(t, got, "max-connections", "11", file)
	wantSetting(t, got, "require-tls", "true", file)
	// default
	wantSetting(t, got, "log-format", "json", "default")
	wantSetting(t, got, "tls-cert", "", "default")

	// Env over file for each type.
	got = configPrint(t, "--config", path)
	wantSetting(t, got, "data", "/env/data", "env STELA_DATA")
	wantSetting(t, got, "max-message-size", "8192", "env STELA_MAX_MESSAGE_SIZE")
	wantSetting(t, got, "allow-cleartext-password", "false", "env STELA_ALLOW_CLEARTEXT_PASSWORD")
	wantSetting(t, got, "shutdown-timeout", "8s", "env STELA_SHUTDOWN_TIMEOUT")
}

// Every flag of start is printed (a flag added to start appears with no
// change here), passwords masked, and the file named by STELA_CONFIG or
// found at the default path.
func TestConfigPrint(t *testing.T) {
	noDefaultConfig(t)
	const pw = "Secret!pw0rd"
	t.Setenv("STELA_ADMIN_PASSWORD", pw)
	path := writeConfig(t, "pidfile = \"/run/stela.pid\"\n")
	t.Setenv("STELA_CONFIG", path)
	out, errOut, code := runCLI(t, "config", "print")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, pw) {
		t.Fatalf("the password is printed:\n%s", out)
	}
	got := configPrint(t)
	wantSetting(t, got, "admin-password", "********", "env STELA_ADMIN_PASSWORD (masked)")
	wantSetting(t, got, "pidfile", "/run/stela.pid", "file "+path)
	newStartCommand().Flags().VisitAll(func(f *pflag.Flag) {
		if _, ok := got[f.Name]; !ok && f.Name != configFlag {
			t.Errorf("--%s not printed", f.Name)
		}
	})
	if _, ok := got[configFlag]; ok {
		t.Error("config is printed as a setting")
	}

	// The default path, when neither flag nor variable names a file; an
	// empty --config reads none.
	os.Unsetenv("STELA_CONFIG")
	defaultConfigPath = writeConfig(t, "log-format = \"console\"\n")
	got = configPrint(t)
	wantSetting(t, got, "log-format", "console", "file "+defaultConfigPath)
	got = configPrint(t, "--config", "")
	wantSetting(t, got, "log-format", "json", "default")
}

// A bad file fails with file:line:column and the reason, before anything
// starts.
func TestConfigFileErrors(t *testing.T) {
	noDefaultConfig(t)
	for _, tc := range []struct {
		content string
		want    string // after "path:"
	}{
		{"listen = \"127.0.0.1:0\"\n\nlisen = \"x\"\n", `3:1: unknown setting "lisen" (did you mean "listen"?)`},
		{"max_conections = 3\n", `1:1: unknown setting "max_conections" (did you mean "max-connections"?)`},
		{"frobnicate = 3\n", `1:1: unknown setting "frobnicate" (the settings are the flags listed by stela start --help)`},
		{"data = \"d\"\nmax-connections = \"lots\"\n", `2:1: max-connections: want an integer, got a string ("lots")`},
		{"require-tls = \"yes\"\n", `1:1: require-tls: want true or false, got a string ("yes")`},
		{"shutdown-timeout = 30\n", `1:1: shutdown-timeout: want a duration as a string such as "30s", got an integer (30)`},
		{"listen = 5432\n", `1:1: listen: want a string, got an integer (5432)`},
		{"\n  shutdown_timeout = \"soon\"\n", `2:3: shutdown_timeout: invalid argument "soon" for "--shutdown-timeout" flag`},
		{"max-connections = 1.5\n", `1:1: max-connections: want an integer, got a float (1.5)`},
		{"listen = \"x\n", `1:12: basic strings cannot have new lines`},
		{"[server]\nlisten = \"x\"\n", `1:2: tables are not supported`},
		{"server.listen = \"x\"\n", `1:1: unknown setting "server.listen"`},
		{"max_connections = 1\nmax-connections = 2\n", `2:1: "max-connections" repeats "max_connections" of line 1`},
		{"config = \"other.toml\"\n", `1:1: "config" cannot be set in a config file`},
	} {
		path := writeConfig(t, tc.content)
		_, errOut, code := runCLI(t, "config", "print", "--config", path)
		if code == 0 || !strings.HasPrefix(errOut, path+":"+tc.want) {
			t.Errorf("%q: exit %d, %q; want %q", tc.content, code, errOut, path+":"+tc.want)
		}
	}
	_, errOut, code := runCLI(t, "config", "print", "--config", filepath.Join(t.TempDir(), "none.toml"))
	if code == 0 || !strings.Contains(errOut, "no such file") || !strings.Contains(errOut, "--config") {
		t.Errorf("missing file: exit %d, %q", code, errOut)
	}

	// start fails the same way, in one line, and creates nothing.
	data := filepath.Join(t.TempDir(), "data")
	path := writeConfig(t, "data = \""+data+"\"\nlisten = \"127.0.0.1:0\"\nlisen = \"x\"\n")
	p := startStela(t, nil, "start", "--config", path)
	code = p.exitCode(t, 20*time.Second)
	errOut = p.stderr.String()
	if want := "stela: " + path + `:3:1: unknown setting "lisen" (did you mean "listen"?)` + "\n"; code == 0 || errOut != want {
		t.Errorf("start: exit %d, %q; want %q", code, errOut, want)
	}
	if _, err := os.Stat(data); err == nil {
		t.Error("the data directory was created")
	}
}

func TestStartHelpNamesConfig(t *testing.T) {
	out, _, code := runCLI(t, "start", "--help")
	for _, want := range []string{"TOML config file", "keys are the flag names", "max_connections", "--config", "STELA_CONFIG", "config print"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("start --help lacks %q:\n%s", want, out)
		}
	}
}
