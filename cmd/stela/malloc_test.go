package main

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestMallocTunedUnlessTheEnvironmentIs: a Linux build tunes glibc's
// allocator when it is loaded, unless glibc's own settings are in the
// environment. Each case runs the test binary afresh, as the tuning
// happens before main.
func TestMallocTunedUnlessTheEnvironmentIs(t *testing.T) {
	if os.Getenv("STELA_TEST_REPORT_MALLOC") != "" {
		if mallocTuned() {
			os.Stdout.WriteString("tuned\n")
		} else {
			os.Stdout.WriteString("untuned\n")
		}
		return
	}
	for _, c := range []struct {
		env  string
		want string
	}{
		{"", map[bool]string{true: "tuned", false: "untuned"}[runtime.GOOS == "linux"]},
		{"MALLOC_ARENA_MAX=8", "untuned"},
		{"GLIBC_TUNABLES=glibc.malloc.arena_max=8", "untuned"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMallocTunedUnlessTheEnvironmentIs$")
		cmd.Env = append(cleanMallocEnv(), "STELA_TEST_REPORT_MALLOC=1")
		if c.env != "" {
			cmd.Env = append(cmd.Env, c.env)
		}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("env %q: %v", c.env, err)
		}
		if got := strings.Fields(string(out)); len(got) == 0 || got[0] != c.want {
			t.Fatalf("env %q: %q, want %s", c.env, out, c.want)
		}
	}
}

// cleanMallocEnv is the environment without glibc's malloc settings.
func cleanMallocEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MALLOC_") && !strings.HasPrefix(kv, "GLIBC_TUNABLES=") {
			env = append(env, kv)
		}
	}
	return env
}
