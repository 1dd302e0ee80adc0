package parser

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"
)

func TestMaskLiterals(t *testing.T) {
	for _, tc := range []struct {
		sql, key string
		lits     []string
	}{
		{"SELECT v FROM t WHERE id = 12345", "SELECT v FROM t WHERE id = 00000", []string{"12345"}},
		{"SELECT 'it''s', 1.5e3, 99999999999", "SELECT 'xxxxx', 9.9e9, 99999999999", []string{"it's", "1.5e3", "99999999999"}},
		{"SELECT t1.c2 FROM t1 -- 42\n", "SELECT t1.c2 FROM t1 -- 42\n", nil},
		{`SELECT "a 1" /* 'x' /* 2 */ */ , $1, .5`, `SELECT "a 1" /* 'x' /* 2 */ */ , $1, .9`, []string{".5"}},
		{"SELECT -5, x-3", "SELECT -0, x-0", []string{"5", "3"}},
	} {
		key, lits, ok := maskLiterals(tc.sql)
		if !ok || key != tc.key {
			t.Errorf("maskLiterals(%q) = %q, %v; want %q", tc.sql, key, ok, tc.key)
			continue
		}
		var got []string
		for _, l := range lits {
			got = append(got, l.value)
		}
		if strings.Join(got, "|") != strings.Join(tc.lits, "|") {
			t.Errorf("maskLiterals(%q) literals %q, want %q", tc.sql, got, tc.lits)
		}
	}
	for _, sql := range []string{
		"SELECT E'a\\'b'", "SELECT $$x$$", "SELECT 1_000", "SELECT 0x1f", "SELECT x'1f'",
		"SELECT 'open", "SELECT 1e", "SELECT /* open", "SELECT 1..2", `SELECT "open`,
	} {
		if _, _, ok := maskLiterals(sql); ok {
			t.Errorf("maskLiterals(%q) is ok; want it refused", sql)
		}
	}
}

// TestParseCacheAgrees parses every statement of the SQL test files, then
// the same statement with every literal changed (same lengths, same
// kinds) through the template the first parse kept, and checks that the
// tree is the one PostgreSQL's parser gives the changed text.
func TestParseCacheAgrees(t *testing.T) {
	stmts := corpusStatements(t)
	if len(stmts) < 1000 {
		t.Fatalf("only %d statements found", len(stmts))
	}
	hits := 0
	for _, sql := range stmts {
		key, lits, ok := maskLiterals(sql)
		if !ok {
			continue
		}
		if _, err := Parse(sql); err != nil {
			continue
		}
		other := changeLiterals(sql, lits)
		key2, lits2, ok := maskLiterals(other)
		if !ok || key2 != key {
			t.Fatalf("changed literals of %q give key %q, want %q", sql, key2, key)
		}
		cached, ok := cachedParse(other, key2, lits2)
		if !ok {
			continue
		}
		hits++
		want, err := parseUncached(other)
		if err != nil {
			t.Errorf("%q parses from the template of %q, but does not parse: %v", other, sql, err)
			continue
		}
		if len(want) != 1 || !proto.Equal(cached.AST, want[0].AST) || cached.SQL != want[0].SQL || cached.Offset != want[0].Offset || cached.Full != want[0].Full {
			t.Errorf("template of %q gives for %q\n%v\nwant\n%v", sql, other, cached.AST, want[0].AST)
		}
	}
	if hits < len(stmts)/10 {
		t.Errorf("only %d of %d statements came from a template", hits, len(stmts))
	}
	t.Logf("%d statements, %d from a template", len(stmts), hits)
}

// parseUncached is Parse without the cache.
func parseUncached(sql string) ([]Statement, error) {
	tree, err := pg_query.Parse(sql)
	if err != nil {
		return nil, err
	}
	var out []Statement
	for _, raw := range tree.Stmts {
		start, end := stmtBounds(raw, len(sql))
		out = append(out, Statement{AST: selectIntoAsCreate(raw.Stmt), SQL: strings.TrimSpace(sql[start:end]), Offset: start, Full: sql})
	}
	return out, nil
}

// changeLiterals gives every literal of sql another value of the same
// length and kind.
func changeLiterals(sql string, lits []literal) string {
	b := []byte(sql)
	for _, l := range lits {
		switch l.kind {
		case litInt:
			for j := l.start; j < l.end; j++ {
				b[j] = '1'
			}
		case litFloat:
			for j := l.start; j < l.end; j++ {
				if isDigit(b[j]) {
					b[j] = '7'
				}
			}
		case litString:
			for j := l.start + 1; j < l.end-1; j++ {
				b[j] = 'z'
			}
		}
	}
	return string(b)
}

// corpusStatements splits the statements of the repository's SQL test
// files and of the shared sqllogictest corpus (a slice of it), once.
func corpusStatements(t *testing.T) []string {
	corpusOnce.Do(func() { corpus = readCorpus(t) })
	return corpus
}

var (
	corpusOnce sync.Once
	corpus     []string
)

func readCorpus(t *testing.T) []string {
	var blocks []string
	files, _ := filepath.Glob("../../testdata/sql/*.test")
	slt, _ := filepath.Glob("../../../shared/testdata/sqllogictest/test/*.test")
	random, _ := filepath.Glob("../../../shared/testdata/sqllogictest/test/random/*/slt_good_0.test")
	slt = append(slt, random...)
	for _, f := range append(files, slt...) {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		var cur []string
		in := false
		// Of the sqllogictest files, every fourth statement: their
		// shapes repeat.
		every, n := 1, 0
		if !strings.Contains(f, "testdata/sql/") {
			every = 4
		}
		flush := func() {
			if len(cur) > 0 && n%every == 0 {
				blocks = append(blocks, strings.Join(cur, "\n"))
			}
			if len(cur) > 0 {
				n++
			}
			cur, in = nil, false
		}
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "" || line == "----":
				flush()
			case !in && (strings.HasPrefix(line, "exec") || strings.HasPrefix(line, "query") || strings.HasPrefix(line, "statement")):
				in = true
			case in:
				cur = append(cur, line)
			}
		}
		flush()
		fh.Close()
	}
	// One statement of each shape: those of one masked text differ only
	// in their literals.
	var out []string
	shapes := map[string]bool{}
	for _, b := range blocks {
		parts, err := pg_query.SplitWithParser(b, true)
		if err != nil {
			continue
		}
		for _, p := range parts {
			if key, _, ok := maskLiterals(p); ok {
				if shapes[key] {
					continue
				}
				shapes[key] = true
			}
			out = append(out, p)
		}
	}
	return out
}
