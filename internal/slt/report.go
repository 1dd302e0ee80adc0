package slt

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Totals sums file results.
type Totals struct {
	Files                                              int
	QueriesPassed, QueriesRun, QueriesSkipped          int
	StatementsPassed, StatementsRun, StatementsSkipped int
	Timeouts                                           int
	Duration                                           time.Duration
}

// Sum adds up results.
func Sum(results []FileResult) Totals {
	var t Totals
	for _, r := range results {
		t.Files++
		t.QueriesPassed += r.QueriesPassed
		t.QueriesRun += r.QueriesRun
		t.QueriesSkipped += r.QueriesSkipped
		t.StatementsPassed += r.StatementsPassed
		t.StatementsRun += r.StatementsRun
		t.StatementsSkipped += r.StatementsSkipped
		t.Timeouts += r.Timeouts
		t.Duration += r.Duration
	}
	return t
}

// Notes is a short remark on how a file ended: halted, truncated, timeouts,
// unparsed records, or the error that stopped it.
func (r *FileResult) Notes() string {
	var n []string
	if r.Halted {
		n = append(n, "halted")
	}
	if r.Truncated {
		n = append(n, "stopped early")
	}
	if r.Timeouts > 0 {
		n = append(n, fmt.Sprintf("%d timeouts", r.Timeouts))
	}
	if len(r.Problems) > 0 {
		n = append(n, fmt.Sprintf("%d records not understood", len(r.Problems)))
	}
	if r.Err != nil {
		n = append(n, "error: "+strings.ReplaceAll(r.Err.Error(), "|", `\|`))
	}
	return strings.Join(n, "; ")
}

// MarkdownTable renders one row per file, as the corpus README does
// (queries passed/run, skipped, statements passed/run), plus time and
// notes columns and a totals row.
func MarkdownTable(results []FileResult) string {
	var b strings.Builder
	b.WriteString("| file | queries | skipped | statements | time | notes |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | --- |\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %s | %s | %d/%d | %s | %s |\n", r.File,
			fraction(r.QueriesPassed, r.QueriesRun, r.QueriesSkipped), skipped(r.QueriesSkipped, r.StatementsSkipped),
			r.StatementsPassed, r.StatementsRun, r.Duration.Round(time.Millisecond), r.Notes())
	}
	t := Sum(results)
	notes := ""
	if t.Timeouts > 0 {
		notes = fmt.Sprintf("%d timeouts", t.Timeouts)
	}
	fmt.Fprintf(&b, "| **total (%d files)** | %s | %s | %d/%d | %s | %s |\n", t.Files,
		fraction(t.QueriesPassed, t.QueriesRun, t.QueriesSkipped), skipped(t.QueriesSkipped, t.StatementsSkipped),
		t.StatementsPassed, t.StatementsRun, t.Duration.Round(time.Millisecond), notes)
	return b.String()
}

func fraction(passed, run, skipped int) string {
	if run == 0 && skipped == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d", passed, run)
}

func skipped(queries, statements int) string {
	s := fmt.Sprint(queries)
	if statements > 0 {
		s += fmt.Sprintf(" (+%d statements)", statements)
	}
	return s
}

// FailureDetails renders up to perFile failures of every file that had
// any (the first failed statement and the first failed query come first),
// SQL and values cut to a readable length.
func FailureDetails(results []FileResult, perFile int) string {
	var b strings.Builder
	for _, r := range results {
		if r.FailureCount == 0 && r.Err == nil {
			continue
		}
		fmt.Fprintf(&b, "### %s\n\n%d failed records", r.File, r.FailureCount)
		if r.Err != nil {
			fmt.Fprintf(&b, "; stopped by: %v", r.Err)
		}
		b.WriteString("\n\n")
		for _, f := range pickFailures(r.Failures, perFile) {
			b.WriteString("```\n")
			b.WriteString(clip(f.String(), 600))
			b.WriteString("```\n\n")
		}
	}
	return b.String()
}

// pickFailures returns up to n failures: the first of each kind, then the
// others, in file order.
func pickFailures(fs []Failure, n int) []Failure {
	pick := make([]bool, len(fs))
	seen := map[Kind]bool{}
	count := 0
	for i, f := range fs {
		if !seen[f.Kind] && count < n {
			seen[f.Kind] = true
			pick[i] = true
			count++
		}
	}
	for i := range fs {
		if !pick[i] && count < n {
			pick[i] = true
			count++
		}
	}
	var out []Failure
	for i, f := range fs {
		if pick[i] {
			out = append(out, f)
		}
	}
	return out
}

// TopReasons renders the n most frequent failure causes over all files
// as a markdown table: cause, failed records, files, and the first failed
// record of that cause (file:line and SQL), so that each cause can be
// reproduced without digging through the per-file details.
func TopReasons(results []FileResult, n int) string {
	var b strings.Builder
	b.WriteString("| cause | failed records | files | first example |\n| --- | ---: | ---: | --- |\n")
	for _, x := range Causes(results, n) {
		fmt.Fprintf(&b, "| %s | %d | %d | %s |\n", cell(x.Text, 160), x.Count, x.Files, cell(x.Example(), 200))
	}
	return b.String()
}

// Cause is one failure cause summed over files.
type Cause struct {
	Text         string // as in FileResult.Reasons
	Count, Files int
	File         string  // of the first example
	First        Failure // the first failed record of the first file with this cause
}

// Example is the cause's first failed record in one line: file:line, the
// SQL, and what came back when it was not an error.
func (c Cause) Example() string {
	s := fmt.Sprintf("%s:%d `%s`", c.File, c.First.Line, strings.Join(strings.Fields(c.First.SQL), " "))
	if c.First.Err == "" {
		s += fmt.Sprintf(" expected `%s` got `%s`", clip(strings.Join(c.First.Expected, " "), 60), clip(strings.Join(c.First.Got, " "), 60))
	}
	return s
}

// Causes returns the n most frequent failure causes over all files (all of
// them if n <= 0), most frequent first.
func Causes(results []FileResult, n int) []Cause {
	byText := map[string]*Cause{}
	var all []*Cause
	for _, r := range results {
		for text, c := range r.Reasons {
			x := byText[text]
			if x == nil {
				x = &Cause{Text: text, File: r.File, First: r.Examples[text]}
				byText[text] = x
				all = append(all, x)
			}
			x.Count += c
			x.Files++
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Count != all[j].Count {
			return all[i].Count > all[j].Count
		}
		return all[i].Text < all[j].Text
	})
	if n > 0 && len(all) > n {
		all = all[:n]
	}
	out := make([]Cause, len(all))
	for i, x := range all {
		out[i] = *x
	}
	return out
}

// cell makes s fit in one markdown table cell.
func cell(s string, n int) string {
	s = strings.TrimSuffix(clip(s, n), "\n")
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "...\n"
}
