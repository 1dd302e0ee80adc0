package server_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stela-db/stela/internal/slt"
)

// The sqllogictest corpus (SQLite's SQL-correctness scripts, see its
// README.md) runs against stela through internal/slt, each file against a
// fresh in-process server.
//
//	go test ./server/ -run 'TestSLT$'      a slice, guarded by testdata/slt/baseline.txt
//	go test ./server/ -run 'TestSLT$' -update-slt
//	                                        raise the baseline to today's numbers
//	make slt                                the whole corpus; writes docs/SLT.md
//	  (go test ./server/ -run TestSLTFull -slt.full, or STELA_SLT=full)
//
// With STELA_SLT_PG (or -slt.pg) set to a PostgreSQL DSN whose user may
// create databases, the same tests run against that server instead, each
// file in a database made by CREATE DATABASE and dropped after; TestSLTFull
// then checks the numbers against the corpus README's PostgreSQL 15.18
// table:
//
//	STELA_SLT_PG=postgres://postgres@127.0.0.1:54315/postgres go test ./server/ -run TestSLTFull -slt.full
var (
	sltCorpus   = flag.String("slt.corpus", envOr("STELA_SLT_CORPUS", "../../shared/testdata/sqllogictest"), "the sqllogictest corpus (the folder of README.md and test/)")
	sltFull     = flag.Bool("slt.full", os.Getenv("STELA_SLT") == "full", "TestSLTFull: run every file of the corpus (env STELA_SLT=full)")
	sltPG       = flag.String("slt.pg", os.Getenv("STELA_SLT_PG"), "run the sqllogictest files against this PostgreSQL instead of stela")
	sltUpdate   = flag.Bool("update-slt", false, "TestSLT: rewrite testdata/slt/baseline.txt with today's numbers")
	sltFiles    = flag.String("slt.files", os.Getenv("STELA_SLT_FILES"), "TestSLTFull: only the corpus files whose path matches this regexp")
	sltTimeout  = flag.Duration("slt.timeout", slt.DefaultTimeout, "per-record timeout")
	sltBudget   = flag.Duration("slt.budget", 0, "TestSLTFull: stop a file after this long (0: no limit)")
	sltParallel = flag.Int("slt.parallel", 4, "TestSLTFull: files run at once")
	sltSimple   = flag.Bool("slt.simple", false, "send records by the simple query protocol instead of the extended one")
	sltOut      = flag.String("slt.out", "", "TestSLTFull: write the results here (default ../docs/SLT.md against stela, nowhere against PostgreSQL)")
)

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

const sltBaselinePath = "../testdata/slt/baseline.txt"

// sltSlice is what TestSLT runs: every file of the corpus, the small ones
// whole and the first records of the others (every record kind counts,
// 0 = the whole file), so that each kind of SQL the corpus has (joins of
// many tables, compound selects, views, indexes, DELETE, aggregates,
// the random expressions) is guarded. It takes about 20 s on 2 cores.
var sltSlice = []struct {
	file    string
	records int
}{
	{"test/select1.test", 0},
	{"test/select2.test", 0},
	{"test/select3.test", 400},
	{"test/select4.test", 1300},
	{"test/select5.test", 900},
	{"test/evidence/in1.test", 0},
	{"test/evidence/slt_lang_aggfunc.test", 0},
	{"test/evidence/slt_lang_createview.test", 0},
	{"test/evidence/slt_lang_droptable.test", 0},
	{"test/evidence/slt_lang_update.test", 0},
	{"test/random/aggregates/slt_good_0.test", 4000},
	{"test/random/expr/slt_good_1.test", 0},
	{"test/random/groupby/slt_good_0.test", 4000},
	{"test/random/select/slt_good_0.test", 4000},
	{"test/index/between/1000/slt_good_0.test", 1300},
	{"test/index/commute/10/slt_good_10.test", 1500},
	{"test/index/delete/10/slt_good_0.test", 1500},
	{"test/index/in/10/slt_good_3.test", 1500},
	{"test/index/orderby_nosort/10/slt_good_0.test", 1500},
	{"test/index/random/1000/slt_good_0.test", 1400},
	{"test/index/view/100/slt_good_0.test", 1500},
}

// sltCorpusDir returns the corpus folder, skipping the test without it.
func sltCorpusDir(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(*sltCorpus, "test")); err != nil {
		t.Skipf("no sqllogictest corpus at %s (set -slt.corpus or STELA_SLT_CORPUS)", *sltCorpus)
	}
	return *sltCorpus
}

// sltDSNs returns where each file runs: a fresh in-process stela server,
// shut down with the (sub)test, or a fresh PostgreSQL database.
func sltDSNs(t *testing.T) slt.DSNFunc {
	if *sltPG != "" {
		return slt.PostgresDatabases(*sltPG)
	}
	return func(ctx context.Context, file string) (string, func(), error) {
		return startForFile(t), nil, nil
	}
}

func sltRunner(t *testing.T, records int) *slt.Runner {
	return &slt.Runner{NewDSN: sltDSNs(t), Options: slt.Options{
		Timeout: *sltTimeout, MaxRecords: records, FileBudget: *sltBudget, MaxFailures: 5, SimpleProtocol: *sltSimple,
	}}
}

type sltCounts struct{ queries, queriesRun, statements, statementsRun int }

// TestSLT runs the slice and fails if a file passes fewer queries or
// statements than testdata/slt/baseline.txt says; improvements are logged
// so that the baseline can be raised with -update-slt.
func TestSLT(t *testing.T) {
	dir := sltCorpusDir(t)
	baseline, err := readSLTBaseline(sltBaselinePath)
	if err != nil && !(*sltUpdate && os.IsNotExist(err)) {
		t.Fatalf("%v (create it with -update-slt)", err)
	}
	if *sltUpdate && *sltPG != "" {
		t.Fatal("-update-slt records stela's numbers: unset STELA_SLT_PG / -slt.pg")
	}
	got := map[string]sltCounts{}
	var order []string
	for _, s := range sltSlice {
		t.Run(s.file, func(t *testing.T) {
			res := sltRunner(t, s.records).RunFile(context.Background(), filepath.Join(dir, s.file))
			if res.Err != nil {
				t.Errorf("%s: %v", s.file, res.Err)
			}
			c := sltCounts{res.QueriesPassed, res.QueriesRun, res.StatementsPassed, res.StatementsRun}
			got[s.file] = c
			order = append(order, s.file)
			slice := "whole file"
			if s.records > 0 {
				slice = fmt.Sprintf("first %d records", s.records)
			}
			t.Logf("%s (%s): queries %d/%d (%d skipped), statements %d/%d, %s",
				s.file, slice, c.queries, c.queriesRun, res.QueriesSkipped, c.statements, c.statementsRun, res.Duration.Round(time.Millisecond))
			b, ok := baseline[s.file]
			switch {
			case !ok:
				if !*sltUpdate {
					t.Errorf("%s is not in %s: add it with -update-slt", s.file, sltBaselinePath)
				}
			case c.queries < b.queries || c.statements < b.statements:
				t.Errorf("%s regressed: queries %d (baseline %d), statements %d (baseline %d); first failures:\n%s",
					s.file, c.queries, b.queries, c.statements, b.statements, failuresText(res))
			case c.queries > b.queries || c.statements > b.statements:
				t.Logf("%s improved: queries %d (baseline %d), statements %d (baseline %d): raise the baseline with -update-slt",
					s.file, c.queries, b.queries, c.statements, b.statements)
			}
		})
	}
	if *sltUpdate {
		if err := writeSLTBaseline(sltBaselinePath, order, got); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", sltBaselinePath)
	}
}

func failuresText(res slt.FileResult) string {
	var b strings.Builder
	for _, f := range res.Failures {
		b.WriteString(f.String())
	}
	return b.String()
}

// The baseline: "<file> <queries passed>/<run> <statements passed>/<run>"
// per line; only the passed counts are compared.
func readSLTBaseline(path string) (map[string]sltCounts, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]sltCounts{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var c sltCounts
		fields := strings.Fields(line)
		if len(fields) != 3 {
			return nil, fmt.Errorf("%s:%d: want <file> <queries passed>/<run> <statements passed>/<run>", path, n)
		}
		if _, err := fmt.Sscanf(fields[1]+" "+fields[2], "%d/%d %d/%d", &c.queries, &c.queriesRun, &c.statements, &c.statementsRun); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		out[fields[0]] = c
	}
	return out, sc.Err()
}

func writeSLTBaseline(path string, order []string, got map[string]sltCounts) error {
	var b strings.Builder
	b.WriteString("# sqllogictest slice run by TestSLT (server/slt_test.go) against stela:\n")
	b.WriteString("# <file> <queries passed>/<run> <statements passed>/<run>.\n")
	b.WriteString("# TestSLT fails when a file passes fewer queries or statements than this.\n")
	b.WriteString("# Rewrite with: go test ./server/ -run 'TestSLT$' -update-slt\n")
	for _, f := range order {
		c := got[f]
		fmt.Fprintf(&b, "%s %d/%d %d/%d\n", f, c.queries, c.queriesRun, c.statements, c.statementsRun)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// TestSLTFull runs every file of the corpus (behind -slt.full or
// STELA_SLT=full) and writes the per-file table to docs/SLT.md. Against
// PostgreSQL it instead compares each file with the README's table.
func TestSLTFull(t *testing.T) {
	if !*sltFull {
		t.Skip("the full sqllogictest run needs -slt.full or STELA_SLT=full (make slt)")
	}
	dir := sltCorpusDir(t)
	var filter *regexp.Regexp
	if *sltFiles != "" {
		filter = regexp.MustCompile(*sltFiles)
	}
	var files []string
	err := filepath.WalkDir(filepath.Join(dir, "test"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if !d.IsDir() && strings.HasSuffix(path, ".test") && (filter == nil || filter.MatchString(rel)) {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	files = sortLikeREADME(files)
	results := make([]slt.FileResult, len(files))
	start := time.Now()
	t.Run("files", func(t *testing.T) {
		sem := make(chan struct{}, max(*sltParallel, 1))
		for i, f := range files {
			t.Run(f, func(t *testing.T) {
				t.Parallel()
				sem <- struct{}{}
				defer func() { <-sem }()
				res := sltRunner(t, 0).RunFile(context.Background(), filepath.Join(dir, f))
				res.File = strings.TrimPrefix(f, "test/")
				results[i] = res
				t.Logf("queries %d/%d (%d skipped), statements %d/%d (%d skipped), %s %s",
					res.QueriesPassed, res.QueriesRun, res.QueriesSkipped, res.StatementsPassed, res.StatementsRun,
					res.StatementsSkipped, res.Duration.Round(time.Millisecond), res.Notes())
			})
		}
	})
	elapsed := time.Since(start)
	table := slt.MarkdownTable(results)
	t.Logf("\n%s", table)
	target := "stela"
	if *sltPG != "" {
		target = "PostgreSQL at " + redactDSN(*sltPG)
		compareWithREADME(t, filepath.Join(dir, "README.md"), results)
	}
	out := *sltOut
	if out == "" && *sltPG == "" {
		out = "../docs/SLT.md"
	}
	if out == "" {
		return
	}
	var b strings.Builder
	b.WriteString("# sqllogictest results\n\n")
	fmt.Fprintf(&b, "Generated by `make slt` (`go test ./server/ -run TestSLTFull -slt.full`) on %s\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "at commit %s against %s: engine name `%s`, per-record timeout %s, %d files (%d at a time) in %s",
		sltCommit(), target, slt.DefaultEngine, *sltTimeout, len(files), max(*sltParallel, 1), elapsed.Round(time.Second))
	if filter != nil {
		fmt.Fprintf(&b, " (files matching `%s`)", *sltFiles)
	}
	b.WriteString(".\n\n")
	b.WriteString("The corpus is SQLite's sqllogictest selection described in\n")
	b.WriteString("`shared/testdata/sqllogictest/README.md`, which also lists what PostgreSQL 15.18\n")
	b.WriteString("gets per file. Columns: queries passed/run, queries skipped by skipif/onlyif\n")
	b.WriteString("(and skipped statements), statements passed/run. The runner is `internal/slt`.\n\n")
	b.WriteString(table)
	b.WriteString("\n")
	b.WriteString(pgSection(filepath.Join(dir, "README.md"), results))
	b.WriteString("\n## Most frequent failure causes\n\n")
	b.WriteString(slt.TopReasons(results, 25))
	b.WriteString("\n## First failures\n\n")
	b.WriteString(slt.FailureDetails(results, 3))
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", out)
}

// sortLikeREADME orders files as the README does: select*, evidence,
// random, index.
func sortLikeREADME(files []string) []string {
	rank := func(f string) int {
		switch {
		case strings.HasPrefix(f, "test/select"):
			return 0
		case strings.HasPrefix(f, "test/evidence/"):
			return 1
		case strings.HasPrefix(f, "test/random/"):
			return 2
		}
		return 3
	}
	sort.SliceStable(files, func(i, j int) bool {
		if ri, rj := rank(files[i]), rank(files[j]); ri != rj {
			return ri < rj
		}
		return files[i] < files[j]
	})
	return files
}

func sltCommit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(strings.TrimSpace(string(st))) > 0 {
		c += " (with uncommitted changes)"
	}
	return c
}

// redactDSN drops the user (and password) of a URL DSN.
func redactDSN(dsn string) string {
	return regexp.MustCompile(`//[^@/]*@`).ReplaceAllString(dsn, "//")
}

// pgFile is one row of the README's table of what PostgreSQL 15.18 gets:
// "| file | queries | skipped | statements |".
type pgFile struct {
	queries, queriesRun, skipped, statements, statementsRun int
	skippedStatements                                       bool // "skipped" counts statements
}

// readPGTable parses the README's table.
func readPGTable(readme string) (map[string]pgFile, error) {
	b, err := os.ReadFile(readme)
	if err != nil {
		return nil, err
	}
	row := regexp.MustCompile(`(?m)^\| (\S+\.test) \| (-|(\d+)/(\d+))[^|]* \| (\d+)( \(statements\))? \| (\d+)/(\d+) \|$`)
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	out := map[string]pgFile{}
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		out[m[1]] = pgFile{atoi(m[3]), atoi(m[4]), atoi(m[5]), atoi(m[7]), atoi(m[8]), m[6] != ""}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no table of PostgreSQL's results", readme)
	}
	return out, nil
}

// pgDiff says how r differs from PostgreSQL's row p ("" if it does not).
func pgDiff(r slt.FileResult, p pgFile) string {
	skip := r.QueriesSkipped
	if p.skippedStatements {
		skip = r.StatementsSkipped
	}
	if r.QueriesPassed == p.queries && r.QueriesRun == p.queriesRun && skip == p.skipped &&
		r.StatementsPassed == p.statements && r.StatementsRun == p.statementsRun && r.Err == nil {
		return ""
	}
	d := fmt.Sprintf("queries %d/%d skipped %d statements %d/%d, PostgreSQL 15.18 %d/%d skipped %d statements %d/%d",
		r.QueriesPassed, r.QueriesRun, skip, r.StatementsPassed, r.StatementsRun,
		p.queries, p.queriesRun, p.skipped, p.statements, p.statementsRun)
	if r.Err != nil {
		d += fmt.Sprintf("; stopped by: %v", r.Err)
	}
	return d
}

// compareWithREADME checks results (of a run against PostgreSQL) against
// the README's table.
func compareWithREADME(t *testing.T, readme string, results []slt.FileResult) {
	want, err := readPGTable(readme)
	if err != nil {
		t.Error(err)
		return
	}
	for _, r := range results {
		p, ok := want[r.File]
		switch {
		case !ok:
			t.Logf("%s: not in the README's table", r.File)
		case pgDiff(r, p) != "":
			t.Errorf("%s: %s; first failures:\n%s", r.File, pgDiff(r, p), failuresText(r))
		default:
			t.Logf("%s: matches the README", r.File)
		}
	}
}

// pgSection is the part of docs/SLT.md that compares stela with what
// PostgreSQL 15.18 itself gets (the README's table): the overall pass
// rates and the files where the counts differ.
func pgSection(readme string, results []slt.FileResult) string {
	var b strings.Builder
	tot := slt.Sum(results)
	pct := func(n, d int) string {
		if d == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f%%", 100*float64(n)/float64(d))
	}
	b.WriteString("## Overall\n\n")
	fmt.Fprintf(&b, "stela: queries %d/%d passed (%s), statements %d/%d passed (%s), all records %d/%d (%s).\n",
		tot.QueriesPassed, tot.QueriesRun, pct(tot.QueriesPassed, tot.QueriesRun),
		tot.StatementsPassed, tot.StatementsRun, pct(tot.StatementsPassed, tot.StatementsRun),
		tot.QueriesPassed+tot.StatementsPassed, tot.QueriesRun+tot.StatementsRun,
		pct(tot.QueriesPassed+tot.StatementsPassed, tot.QueriesRun+tot.StatementsRun))
	want, err := readPGTable(readme)
	if err != nil {
		fmt.Fprintf(&b, "\nNo comparison with PostgreSQL: %v.\n", err)
		return b.String()
	}
	var pq, pqr, ps, psr int
	var diffs []string
	for _, r := range results {
		p, ok := want[r.File]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("| %s | not in the README's table |", r.File))
			continue
		}
		pq, pqr, ps, psr = pq+p.queries, pqr+p.queriesRun, ps+p.statements, psr+p.statementsRun
		if d := pgDiff(r, p); d != "" {
			diffs = append(diffs, fmt.Sprintf("| %s | %s |", r.File, strings.ReplaceAll(d, "|", `\|`)))
		}
	}
	fmt.Fprintf(&b, "PostgreSQL 15.18 on the same files (README): queries %d/%d (%s), statements %d/%d (%s).\n\n",
		pq, pqr, pct(pq, pqr), ps, psr, pct(ps, psr))
	if len(diffs) == 0 {
		b.WriteString("Every file's counts equal PostgreSQL 15.18's.\n")
		return b.String()
	}
	b.WriteString("Files whose counts differ from PostgreSQL 15.18's:\n\n| file | difference |\n| --- | --- |\n")
	b.WriteString(strings.Join(diffs, "\n"))
	b.WriteString("\n")
	return b.String()
}
