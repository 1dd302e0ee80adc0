package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
)

func TestGodebugWithSchedtrace(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"", schedtraceSetting, true},
		{"gctrace=1", "gctrace=1," + schedtraceSetting, true},
		{"schedtrace=0", "", false},
		{"gctrace=1, schedtrace=1000", "", false},
		{"xschedtrace=1", "xschedtrace=1," + schedtraceSetting, true},
	} {
		got, ok := godebugWithSchedtrace(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("godebugWithSchedtrace(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// TestStartKeepsSysmonAwake checks that the server re-executes itself
// with the setting, in place (the pid its parent started is the one that
// serves), and that a GODEBUG naming schedtrace turns it off.
func TestStartKeepsSysmonAwake(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	if strings.Contains(testGodebug, "schedtrace") {
		t.Skip("GODEBUG sets schedtrace")
	}
	p := startStela(t, nil, "start", "--data", t.TempDir(), "--listen", "127.0.0.1:0", "--admin-password", "Secret!pw0")
	if !p.started(t).SysmonAwake {
		t.Fatal("sysmon_awake is false without GODEBUG")
	}
	env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains("\x00"+string(env), "\x00GODEBUG="+schedtraceSetting+"\x00") {
		t.Fatalf("the started process's environment has no GODEBUG=%s", schedtraceSetting)
	}
	p.stop(t)

	p = startStela(t, []string{"GODEBUG=schedtrace=0"}, "start", "--data", t.TempDir(), "--listen", "127.0.0.1:0", "--admin-password", "Secret!pw0")
	if p.started(t).SysmonAwake {
		t.Fatal("sysmon_awake is true with GODEBUG=schedtrace=0")
	}
	p.stop(t)
}
