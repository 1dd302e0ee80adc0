package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

// TestTuneGC: without GOGC and GOMEMLIMIT the server collects at
// gcPercent with a limit of half the memory available; with them, the
// environment's values stand.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	percent, limit := tuneGC()
	if percent != gcPercent || debug.SetGCPercent(-1) != gcPercent {
		t.Fatalf("without GOGC: percent %d, want %d", percent, gcPercent)
	}
	debug.SetGCPercent(gcPercent)
	if avail := memoryAvailable("/proc/meminfo", cgroupLimitFiles); avail > 0 && (limit != avail/memoryLimitShare || debug.SetMemoryLimit(-1) != limit) {
		t.Fatalf("without GOMEMLIMIT: limit %d, want %d", limit, avail/memoryLimitShare)
	}

	debug.SetGCPercent(100)
	debug.SetMemoryLimit(1 << 40)
	t.Setenv("GOGC", "100")
	t.Setenv("GOMEMLIMIT", "1TiB")
	if percent, limit := tuneGC(); percent != 100 || limit != 1<<40 {
		t.Fatalf("with GOGC and GOMEMLIMIT set: %d, %d; want 100, %d", percent, limit, int64(1<<40))
	}
}

// TestMemoryAvailable: the machine's memory, or a lower cgroup limit;
// "max" and v1's huge number mean no limit.
func TestMemoryAvailable(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	meminfo := write("meminfo", "MemFree:  100 kB\nMemTotal:       2048 kB\nSwap: 1 kB\n")
	max := write("v2max", "max\n")
	huge := write("v1", "9223372036854771712\n")
	low := write("low", "1048576\n")
	for _, c := range []struct {
		cgroups []string
		want    int64
	}{
		{nil, 2 << 20},
		{[]string{max, huge}, 2 << 20},
		{[]string{filepath.Join(dir, "missing"), low}, 1 << 20},
	} {
		if got := memoryAvailable(meminfo, c.cgroups); got != c.want {
			t.Fatalf("cgroup files %v: %d, want %d", c.cgroups, got, c.want)
		}
	}
	if got := memoryAvailable(filepath.Join(dir, "none"), []string{low}); got != 1<<20 {
		t.Fatalf("without meminfo: %d, want the cgroup's %d", got, 1<<20)
	}
}
