package main

import (
	"os"
	"strings"
)

// The Go runtime's monitor thread (sysmon) and a server that goes idle
// between requests.
//
// When every Go processor is idle, sysmon parks in a deep sleep. The next
// goroutine to enter a system call wakes it (a futex wake), and a wake
// from a system call resets sysmon to its shortest period: it then sleeps
// and wakes every 20 µs until the processors are idle again, when it
// parks anew. A server answering one client at a time goes idle between
// every two requests, so each request paid for a wake and two or three
// short sleeps of sysmon: 3 of the 6 context switches and 30-35 µs of the
// 125 µs of server CPU of a 1-connection INSERT, 7 of the 24 µs of a
// 1-connection point select (docs/BENCHMARKS.md).
//
// With GODEBUG's schedtrace set, sysmon never parks: idle, it backs off
// to one wake every 10 ms, and no system call has to wake it. Its
// duties are unchanged under load, where it never parks anyway. The
// period set, 2^31-1 ms (24.8 days), is the longest schedtrace takes:
// the runtime prints one scheduler summary line on stderr when the
// machine has been up longer than that, and again each period after.
// schedtrace is read only when the runtime starts, so `stela start`
// re-executes itself once with it set.

// schedtraceSetting keeps sysmon from parking (see above).
const schedtraceSetting = "schedtrace=2147483647"

// godebugWithSchedtrace returns the GODEBUG value that keeps sysmon awake
// given the current one, and false when the current one already decides
// schedtrace (a user's GODEBUG=schedtrace=0 turns this off).
func godebugWithSchedtrace(godebug string) (string, bool) {
	for _, field := range strings.Split(godebug, ",") {
		if strings.HasPrefix(strings.TrimSpace(field), "schedtrace=") {
			return "", false
		}
	}
	if godebug == "" {
		return schedtraceSetting, true
	}
	return godebug + "," + schedtraceSetting, true
}

// sysmonAwake reports whether this process runs with schedtrace set by
// keepSysmonAwake.
func sysmonAwake() bool {
	return strings.Contains(","+os.Getenv("GODEBUG")+",", ","+schedtraceSetting+",")
}
