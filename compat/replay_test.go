package compat_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// The start-up and sync queries of DBeaver, Metabase and Grafana, recorded
// from their source (testdata/compat/README.md), are replayed against
// stela: each must run, and answer with the columns (names and types)
// PostgreSQL 15 answers with, recorded in testdata/compat/NAME.columns by
//
//	STELA_REPLAY_PG='postgres://postgres@127.0.0.1:54315/SCRATCH' go test ./compat/ -run TestReplay -record-columns
//
// against a fresh PostgreSQL database. A query known to fail is listed in
// expected-failures.txt as "dbeaver query-name  # reason".

var recordColumns = flag.Bool("record-columns", false, "record testdata/compat/*.columns from the PostgreSQL at STELA_REPLAY_PG")

const replayDir = "../testdata/compat"

// replayQuery is one entry of a query file.
type replayQuery struct {
	name, source, sql string
}

// readQueries parses a query file: entries start with "-- name: x", may
// have "-- source:" and other comment lines, and hold one statement.
func readQueries(t *testing.T, path string) []replayQuery {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var qs []replayQuery
	var cur *replayQuery
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "-- name:"):
			qs = append(qs, replayQuery{name: strings.TrimSpace(strings.TrimPrefix(trimmed, "-- name:"))})
			cur = &qs[len(qs)-1]
		case cur == nil:
		case strings.HasPrefix(trimmed, "-- source:"):
			cur.source = strings.TrimSpace(strings.TrimPrefix(trimmed, "-- source:"))
		case strings.HasPrefix(trimmed, "--") && cur.sql == "":
		default:
			cur.sql += line + "\n"
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	out := qs[:0]
	for _, q := range qs {
		q.sql = strings.TrimSuffix(strings.TrimSpace(q.sql), ";")
		if q.sql != "" { // comment-only entries (jdbc: calls) have no SQL
			out = append(out, q)
		}
	}
	return out
}

// columnsOf runs q and describes its result's columns as
// "name type, ...", with PostgreSQL's type names.
func columnsOf(ctx context.Context, c *pgx.Conn, sql string) (string, error) {
	rows, err := c.Query(ctx, sql)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	var cols []string
	for _, fd := range rows.FieldDescriptions() {
		typ := fmt.Sprint(fd.DataTypeOID)
		if dt, ok := c.TypeMap().TypeForOID(fd.DataTypeOID); ok {
			typ = dt.Name
		}
		cols = append(cols, fd.Name+" "+typ)
	}
	return strings.Join(cols, ", "), nil
}

func TestReplay(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(replayDir, "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no recorded query sets in testdata/compat")
	}
	dsn := os.Getenv("STELA_REPLAY_PG")
	if *recordColumns && dsn == "" {
		t.Fatal("-record-columns needs STELA_REPLAY_PG")
	}
	if dsn == "" {
		host, port := startServer(t)
		dsn = fmt.Sprintf("postgres://admin:%s@%s:%s/defaultdb?sslmode=disable", strings.ReplaceAll(password, "!", "%21"), host, port)
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	schema, err := os.ReadFile(filepath.Join(replayDir, "schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, string(schema)); err != nil {
		t.Fatalf("schema.sql: %v", err)
	}
	for _, file := range files {
		tool := strings.TrimSuffix(filepath.Base(file), ".sql")
		if tool == "schema" {
			continue
		}
		t.Run(tool, func(t *testing.T) {
			replayTool(t, ctx, c, tool, readQueries(t, file))
		})
	}
}

func replayTool(t *testing.T, ctx context.Context, c *pgx.Conn, tool string, qs []replayQuery) {
	colsPath := filepath.Join(replayDir, tool+".columns")
	got := map[string]string{}
	for _, q := range qs {
		cols, err := columnsOf(ctx, c, q.sql)
		if err != nil {
			cols = "ERROR " + strings.ReplaceAll(err.Error(), "\n", " ")
		}
		got[q.name] = cols
	}
	if *recordColumns {
		var b strings.Builder
		names := make([]string, 0, len(got))
		for n := range got {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if strings.HasPrefix(got[n], "ERROR") {
				t.Errorf("%s fails on PostgreSQL: %s", n, got[n])
			}
			fmt.Fprintf(&b, "%s: %s\n", n, got[n])
		}
		if err := os.WriteFile(colsPath, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readColumns(t, colsPath)
	expected := expectedFailures(t, tool)
	for _, q := range qs {
		w, ok := want[q.name]
		if !ok {
			t.Errorf("%s: no recorded columns in %s (record them with -record-columns)", q.name, colsPath)
			continue
		}
		g := got[q.name]
		reason, known := expected[q.name]
		switch {
		case g == w && known:
			t.Errorf("%s passes now but expected-failures.txt says it fails (%s): remove it from the list and from docs/COMPATIBILITY.md", q.name, reason)
		case g != w && !known:
			t.Errorf("%s (%s):\n  got  %s\n  want %s\n  sql: %s", q.name, q.source, g, w, q.sql)
		case g != w:
			t.Logf("%s fails as expected (%s): %s", q.name, reason, g)
		}
	}
	for name := range expected {
		if _, ok := got[name]; !ok {
			t.Errorf("%s is in expected-failures.txt but is not a query of %s", name, tool)
		}
	}
}

func readColumns(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		name, cols, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("%s: bad line %q", path, line)
		}
		out[name] = cols
	}
	return out
}
