package main

import (
	"bufio"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// gcPercent is the garbage collector's target (GOGC) the server runs
// with unless the environment sets GOGC. A bulk load allocates fast
// (decoded values, buffered writes) over a small live heap, so the
// default of 100 collects often: at 200, COPY loaded 10-16% more rows a
// second, with the server's peak resident memory 45 MB higher, and
// INSERT and point selects moved within the noise (docs/BENCHMARKS.md,
// "The collector's target").
const gcPercent = 200

// memoryLimitShare is the part of the memory the process may use (the
// machine's, or its cgroup's limit when lower) that the collector keeps
// the Go heap under when it can, unless the environment sets
// GOMEMLIMIT: with a large live heap (a statement's sorts may hold a
// gigabyte) the collector then runs more often instead of letting the
// heap grow to three times the live data.
const memoryLimitShare = 2

// tuneGC sets gcPercent and the soft memory limit as above; it returns
// the values in effect (a limit of 0: none set).
func tuneGC() (percent int, limit int64) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	// SetGCPercent answers with the value it replaces: put it back.
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	if os.Getenv("GOMEMLIMIT") == "" {
		if avail := memoryAvailable("/proc/meminfo", cgroupLimitFiles); avail > 0 {
			debug.SetMemoryLimit(avail / memoryLimitShare)
		}
	}
	if limit = debug.SetMemoryLimit(-1); limit == math.MaxInt64 {
		limit = 0
	}
	return percent, limit
}

// cgroupLimitFiles are where a cgroup's memory limit is read from, v2 and
// v1, as mounted in a container (whose own cgroup is the root it sees).
var cgroupLimitFiles = []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}

// memoryAvailable returns the machine's memory (MemTotal in meminfo),
// or a cgroup's limit when lower; 0 if neither can be read.
func memoryAvailable(meminfo string, cgroupFiles []string) int64 {
	var avail int64
	if f, err := os.Open(meminfo); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			// "MemTotal:       24684092 kB"
			if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					avail = kb << 10
				}
				break
			}
		}
		f.Close()
	}
	for _, name := range cgroupFiles {
		b, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		// "max" (v2) or a huge number (v1) means no limit.
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && (avail == 0 || n < avail) {
			avail = n
		}
	}
	return avail
}
