package main

import (
	"strings"
	"testing"

	"github.com/stela-db/stela/bench"
)

// resultLine finds and parses the RESULT line, which must be the last.
func resultLine(t *testing.T, out string) bench.Result {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	res, err := bench.ParseLine(lines[len(lines)-1])
	if err != nil {
		t.Fatalf("last line: %v\n%s", err, out)
	}
	return res
}

func TestBenchCLI(t *testing.T) {
	url := loginURL(startAdminServer(t), "admin", "Test!pw0rd", "defaultdb")
	for _, w := range bench.Workloads() {
		t.Run(w, func(t *testing.T) {
			out, errOut, code := runCLIIn(t, "", "bench", "--url", url, "--workload", w, "--connections", "2",
				"--count", "25", "--warmup", "0", "--rows", "1500", "--batch", "20")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			res := resultLine(t, out)
			if res.Workload != w || res.Ops != 25 || res.Errors != 0 || !res.Stela {
				t.Errorf("result %+v", res)
			}
			if !strings.Contains(out, "latency ms   p50") {
				t.Errorf("no summary:\n%s", out)
			}
		})
	}
	// --duration, with the warm-up left out of the figures, and --json.
	out, errOut, code := runCLIIn(t, "", "bench", "--url", url, "--workload", "point-select", "--duration", "300ms",
		"--warmup", "100ms", "--rows", "500", "--no-setup=false", "--json", "--table", "bench_ps")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	res, err := bench.ParseLine("RESULT " + strings.TrimSpace(out))
	if err != nil || res.Ops == 0 || res.DurationS < 0.3 {
		t.Errorf("--json: %v %+v\n%s", err, res, out)
	}
	// --no-setup keeps the table just loaded.
	out, errOut, code = runCLIIn(t, "", "bench", "--url", url, "--workload", "point-select", "--count", "10",
		"--warmup", "0", "--rows", "500", "--no-setup", "--table", "bench_ps", "--quiet")
	if code != 0 || resultLine(t, out).Ops != 10 {
		t.Errorf("--no-setup: exit %d %s\n%s", code, errOut, out)
	}
}

func TestBenchCLIBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--url", "postgres://x", "--workload", "nope"}, `bench: unknown workload "nope" (one of as-of-read, copy,`},
		{[]string{"--url", "postgres://x", "--workload", "insert", "--connections", "0"}, "bench: --connections must be between 1 and 1000, got 0"},
		{[]string{"--workload", "insert"}, "bench: --url is required"},
		{[]string{"--url", "postgres://x", "--workload", "insert", "--duration", "0s"}, "give a --duration"},
		{[]string{"--url", "postgres://x", "--workload", "insert", "--connections", "many"}, `invalid argument "many"`},
	} {
		_, errOut, code := runCLIIn(t, "", append([]string{"bench"}, tc.args...)...)
		if code == 0 || !strings.Contains(errOut, tc.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q, want one line with %q", tc.args, code, errOut, tc.want)
		}
	}
}

func TestBenchCompareCLI(t *testing.T) {
	url := loginURL(startAdminServer(t), "admin", "Test!pw0rd", "defaultdb")
	out, errOut, code := runCLIIn(t, "", "bench", "compare", "--a", url, "--b", url, "--b-name", "again",
		"--plan", "point-select:1 update-hot:2", "--rounds", "1", "--duration", "150ms", "--warmup", "0", "--rows", "1000")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"| workload | connections | unit | stela (runs) | again (runs) | ratio stela/again |",
		"| point-select | 1 | ops/s |", "| update-hot | 2 | ops/s |"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(errOut, "round 1/1") != 4 {
		t.Errorf("run lines:\n%s", errOut)
	}
}

func TestHidePassword(t *testing.T) {
	for in, want := range map[string]string{
		"--a=postgres://admin:s3cret@h:5432/db": "--a=postgres://admin:***@h:5432/db",
		"postgresql://u:p@h/db":                 "postgresql://u:***@h/db",
		"postgres://u@h/db":                     "postgres://u@h/db",
		"host=h user=u":                         "host=h user=u",
		"host=h password=pw user=u":             "host=h password=*** user=u",
	} {
		if got := hidePassword(in); got != want {
			t.Errorf("hidePassword(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"--rounds": "--rounds", "insert:1,8 copy:1": "'insert:1,8 copy:1'", "it's": `'it'\''s'`,
		"postgres://u:***@h/db?sslmode=disable": "'postgres://u:***@h/db?sslmode=disable'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
