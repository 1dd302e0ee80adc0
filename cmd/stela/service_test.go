package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fakeSystem replaces the commands and the user lookup of the service
// subcommands; it returns the commands run.
func fakeSystem(t *testing.T, userExists bool, result func(argv []string) error) *[][]string {
	t.Helper()
	var ran [][]string
	oldRun, oldUser := serviceRun, serviceUserExists
	serviceRun = func(_, _ io.Writer, argv []string) error {
		ran = append(ran, argv)
		if result != nil {
			return result(argv)
		}
		return nil
	}
	serviceUserExists = func(string) bool { return userExists }
	t.Cleanup(func() { serviceRun, serviceUserExists = oldRun, oldUser })
	return &ran
}

// parseUnit reads a systemd unit into section → key → values.
func parseUnit(t *testing.T, text string) map[string]map[string][]string {
	t.Helper()
	units := map[string]map[string][]string{}
	var section string
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
			units[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("unit line %d: %q is neither a section nor key=value", n, line)
			}
			units[section][k] = append(units[section][k], v)
		}
	}
	return units
}

func testExecutable(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

// checkUnit checks the unit's structure, and has systemd-analyze verify
// it when the machine has it.
func checkUnit(t *testing.T, path, timeoutStop string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	u := parseUnit(t, string(b))
	for _, want := range []struct{ section, key, value string }{
		{"Unit", "After", "network-online.target"},
		{"Service", "ExecStart", testExecutable(t) + " start --config /etc/stela/stela.toml"},
		{"Service", "User", "stela"},
		{"Service", "Group", "stela"},
		{"Service", "Restart", "on-failure"},
		{"Service", "KillSignal", "SIGTERM"},
		{"Service", "TimeoutStopSec", timeoutStop},
		{"Service", "LimitNOFILE", "65536"},
		{"Service", "NoNewPrivileges", "true"},
		{"Service", "ProtectSystem", "strict"},
		{"Service", "ReadWritePaths", "/var/lib/stela /var/log/stela"},
		{"Service", "PrivateTmp", "true"},
		{"Install", "WantedBy", "multi-user.target"},
	} {
		if got := u[want.section][want.key]; len(got) != 1 || got[0] != want.value {
			t.Errorf("[%s] %s = %q, want %q", want.section, want.key, got, want.value)
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze not installed: the unit is checked structurally only")
		return
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(out) != 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// install --dry-run prints every file with its content and every command,
// and changes nothing.
func TestServiceDryRun(t *testing.T) {
	noDefaultConfig(t)
	ran := fakeSystem(t, false, nil)
	root := t.TempDir()
	out, errOut, code := runCLI(t, "service", "install", "--dry-run", "--root", root)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if len(*ran) != 0 {
		t.Fatalf("dry run ran %v", *ran)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Fatalf("dry run wrote %v", entries)
	}
	for _, want := range []string{
		"useradd --system --user-group --no-create-home --home-dir /var/lib/stela --shell /usr/sbin/nologin stela",
		"mkdir " + root + "/var/lib/stela (mode 0750)",
		"mkdir " + root + "/var/log/stela (mode 0750)",
		"chown stela:stela " + root + "/var/lib/stela " + root + "/var/log/stela",
		"chown root:stela " + root + "/etc/stela/stela.toml",
		"systemctl daemon-reload",
		"systemctl enable stela.service",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run does not show %q:\n%s", want, out)
		}
	}
	files := regexp.MustCompile(`(?ms)^write (\S+) \(mode (\d+)\) <<EOF\n(.*?)^EOF$`).FindAllStringSubmatch(out, -1)
	if len(files) != 2 {
		t.Fatalf("want 2 files with content, got %d:\n%s", len(files), out)
	}
	if files[0][1] != root+"/etc/stela/stela.toml" || files[0][2] != "0640" || files[0][3] != serviceConfig() {
		t.Errorf("config file: %q mode %s:\n%s", files[0][1], files[0][2], files[0][3])
	}
	if files[1][1] != root+"/etc/systemd/system/stela.service" || files[1][2] != "0644" || !strings.Contains(files[1][3], "ExecStart="+testExecutable(t)+" start --config /etc/stela/stela.toml\n") {
		t.Errorf("unit: %q mode %s:\n%s", files[1][1], files[1][2], files[1][3])
	}

	for _, verb := range []string{"uninstall", "start", "stop", "status"} {
		out, errOut, code := runCLI(t, "service", verb, "--dry-run")
		if code != 0 || len(*ran) != 0 {
			t.Errorf("%s --dry-run: exit %d, ran %v: %s", verb, code, *ran, errOut)
		}
		want := "systemctl " + verb + " stela.service"
		if verb == "uninstall" {
			want = "systemctl disable --now stela.service"
		}
		if !strings.Contains(out, want) {
			t.Errorf("%s --dry-run does not show %q:\n%s", verb, want, out)
		}
	}
}

// install under --root writes the directories, config and unit with their
// modes, keeps an existing config (whose shutdown-timeout sets the
// unit's stop timeout) and refuses a bad one; uninstall removes the unit
// only.
func TestServiceInstallRoot(t *testing.T) {
	noDefaultConfig(t)
	ran := fakeSystem(t, false, nil)
	root := t.TempDir()
	_, errOut, code := runCLI(t, "service", "install", "--root", root)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if len(*ran) != 0 {
		t.Fatalf("commands ran with --root: %v", *ran)
	}
	for path, mode := range map[string]os.FileMode{
		"etc/stela":                        0o755 | os.ModeDir,
		"var/lib/stela":                    0o750 | os.ModeDir,
		"var/log/stela":                    0o750 | os.ModeDir,
		"etc/stela/stela.toml":             0o640,
		"etc/systemd/system/stela.service": 0o644,
	} {
		fi, err := os.Stat(filepath.Join(root, path))
		if err != nil || fi.Mode() != mode {
			t.Errorf("%s: %v, %v; want %v", path, fi.Mode(), err, mode)
		}
	}
	unit := filepath.Join(root, "etc/systemd/system/stela.service")
	checkUnit(t, unit, "45")
	// The default config is one start accepts.
	conf := filepath.Join(root, "etc/stela/stela.toml")
	got := configPrint(t, "--config", conf)
	wantSetting(t, got, "data", "/var/lib/stela", "file "+conf)
	wantSetting(t, got, "log-file", "/var/log/stela/stela.log", "file "+conf)

	// Again, with the operator's config: kept, and its timeout used.
	const mine = "data = \"/srv/stela\"\nshutdown-timeout = \"60s\"\n"
	if err := os.WriteFile(conf, []byte(mine), 0o640); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "service", "install", "--root", root)
	if code != 0 {
		t.Fatalf("second install: exit %d: %s", code, errOut)
	}
	if b, _ := os.ReadFile(conf); string(b) != mine {
		t.Errorf("config overwritten:\n%s", b)
	}
	if !strings.Contains(out, "skip write "+conf+" (mode 0640): it exists") {
		t.Errorf("install does not say it keeps the config:\n%s", out)
	}
	checkUnit(t, unit, "75")

	// A bad config stops install with the file's line.
	if err := os.WriteFile(conf, []byte("data = \"/srv/stela\"\nshutdown-timeout = 60\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = runCLI(t, "service", "install", "--root", root)
	if code == 0 || !strings.HasPrefix(errOut, conf+":2:1: shutdown-timeout: want a duration") {
		t.Errorf("bad config: exit %d, %q", code, errOut)
	}

	_, errOut, code = runCLI(t, "service", "uninstall", "--root", root)
	if code != 0 {
		t.Fatalf("uninstall: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(unit); !os.IsNotExist(err) {
		t.Errorf("unit not removed: %v", err)
	}
	for _, keep := range []string{"etc/stela/stela.toml", "var/lib/stela", "var/log/stela"} {
		if _, err := os.Stat(filepath.Join(root, keep)); err != nil {
			t.Errorf("uninstall removed %s: %v", keep, err)
		}
	}
	out, _, code = runCLI(t, "service", "uninstall", "--root", root)
	if code != 0 || !strings.Contains(out, "not installed") {
		t.Errorf("second uninstall: exit %d:\n%s", code, out)
	}
}

// useradd is skipped when the user exists; start, stop and status call
// systemctl (here recorded) and exit with its code.
func TestServiceCommands(t *testing.T) {
	noDefaultConfig(t)
	fakeSystem(t, true, nil)
	steps, err := installSteps(&serviceOptions{root: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if steps[0].argv[0] != "useradd" || steps[0].skip != "user stela exists" {
		t.Errorf("useradd step %+v", steps[0])
	}

	status3 := exec.Command("sh", "-c", "exit 3").Run()
	ran := fakeSystem(t, true, func(argv []string) error {
		if argv[1] == "status" {
			return status3
		}
		return nil
	})
	for _, verb := range []string{"start", "stop", "status"} {
		*ran = nil
		_, errOut, code := runCLI(t, "service", verb)
		if len(*ran) != 1 || strings.Join((*ran)[0], " ") != "systemctl "+verb+" stela.service" {
			t.Errorf("%s ran %v", verb, *ran)
		}
		wantCode := 0
		if verb == "status" {
			wantCode = 3
		}
		if code != wantCode {
			t.Errorf("%s: exit %d, want %d: %s", verb, code, wantCode, errOut)
		}
	}
}
