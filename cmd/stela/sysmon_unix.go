//go:build unix

package main

import (
	"os"
	"syscall"
)

// keepSysmonAwake re-executes the process with GODEBUG's schedtrace set
// (sysmon.go) unless GODEBUG already sets it. It returns only if it did
// not: the setting is a speed-up, so a failed exec leaves the server to
// start as it is.
func keepSysmonAwake() {
	prev, had := os.LookupEnv("GODEBUG")
	godebug, ok := godebugWithSchedtrace(prev)
	if !ok {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	if err := os.Setenv("GODEBUG", godebug); err != nil {
		return
	}
	_ = syscall.Exec(exe, os.Args, os.Environ())
	// Not replaced: put GODEBUG back, or the "stela started" line's
	// sysmon_awake would say true.
	if had {
		_ = os.Setenv("GODEBUG", prev)
	} else {
		_ = os.Unsetenv("GODEBUG")
	}
}
