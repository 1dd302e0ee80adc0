package slt

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// fakeDB answers SQL from a table, as the server would in text format.
type fakeDB struct {
	answers map[string]answer
	ran     []string
}

type answer struct {
	oids []uint32
	rows [][]any // string or nil (NULL)
	err  error
}

func (f *fakeDB) fatalErr() error { return nil }

func (f *fakeDB) exec(_ context.Context, sql string) (*pgconn.Result, error) {
	f.ran = append(f.ran, sql)
	a, ok := f.answers[sql]
	if !ok {
		return &pgconn.Result{}, nil // a statement
	}
	if a.err != nil {
		return nil, a.err
	}
	res := &pgconn.Result{}
	for _, oid := range a.oids {
		res.FieldDescriptions = append(res.FieldDescriptions, pgconn.FieldDescription{DataTypeOID: oid})
	}
	for _, r := range a.rows {
		row := make([][]byte, len(r))
		for i, v := range r {
			if v != nil {
				row[i] = []byte(v.(string))
			}
		}
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

func ints(oid uint32, vals ...string) answer {
	a := answer{oids: []uint32{oid}}
	for _, v := range vals {
		a.rows = append(a.rows, []any{v})
	}
	return a
}

func runFake(t *testing.T, opts Options, script string, answers map[string]answer) (FileResult, *fakeDB) {
	t.Helper()
	s := Parse("fake.test", []byte(script))
	if len(s.Problems) > 0 {
		t.Fatalf("problems: %v", s.Problems)
	}
	db := &fakeDB{answers: answers}
	r := &Runner{Options: opts}
	res := FileResult{File: s.Name}
	r.run(context.Background(), db, s, &res, time.Now())
	return res, db
}

func TestRunCounts(t *testing.T) {
	nine := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}
	script := `statement ok
CREATE TABLE t1(x INTEGER)

statement error
DROP TABLE nope

statement ok
DROP TABLE nope

statement error
SELECT 1

query I rowsort
SELECT nine
----
9 values hashing to ` + Hash(nine) + `

query I nosort
SELECT eight
----
1
2
3
4
5
6
7
8

query I nosort
SELECT nine
----
1
2
3
4
5
6
7
8
9

query TT valuesort
SELECT a, b
----
10
9
NULL
a

query IT rowsort
SELECT a, b
----
10
NULL
9
a

query I nosort
SELECT numeric
----
53
-2

query I nosort
SELECT bools
----
1
0

onlyif mysql
query I nosort
SELECT 1 DIV 2
----
0

skipif postgresql
statement ok
SELECT 'skipped'

hash-threshold 0

query I rowsort
SELECT nine
----
1
2
3
4
5
6
7
8
9

query I nosort
SELECT broken
----
1

query II nosort
SELECT eight
----
1

query I nosort
SELECT empty
----

skipif sqlite
halt

query I nosort
SELECT never
----
1
`
	answers := map[string]answer{
		"DROP TABLE nope": {err: &ServerError{Code: "42P01", Message: `table "nope" does not exist`}},
		"SELECT nine":     ints(23, "9", "8", "7", "6", "5", "4", "3", "2", "1"),
		"SELECT eight":    ints(23, "1", "2", "3", "4", "5", "6", "7", "8"),
		"SELECT a, b":     {oids: []uint32{23, 25}, rows: [][]any{{"9", "a"}, {"10", nil}}},
		"SELECT numeric":  ints(oidNumeric, "53.33", "-2.5"),
		"SELECT bools":    ints(oidBool, "t", "f"),
		"SELECT broken":   {err: &ServerError{Code: "42703", Message: "no such column"}},
		"SELECT empty":    {oids: []uint32{23}},
	}
	res, db := runFake(t, Options{}, script, answers)
	// nine values with the default threshold 8 hash; eight do not; nine
	// listed under the default threshold fail; valuesort passes, the same
	// values row-sorted ("10" < "9") as two columns pass; numerics truncate;
	// booleans are 1/0; hash-threshold 0 lists nine values; an error, a
	// column-count mismatch fail; an empty result passes.
	if res.QueriesRun != 11 || res.QueriesPassed != 8 || res.QueriesSkipped != 1 {
		t.Errorf("queries %d/%d, %d skipped; want 8/11, 1 skipped\n%v", res.QueriesPassed, res.QueriesRun, res.QueriesSkipped, res.Failures)
	}
	if res.StatementsRun != 4 || res.StatementsPassed != 2 || res.StatementsSkipped != 1 {
		t.Errorf("statements %d/%d, %d skipped; want 2/4, 1 skipped", res.StatementsPassed, res.StatementsRun, res.StatementsSkipped)
	}
	if !res.Halted || res.FailureCount != 5 || len(res.Failures) != 5 {
		t.Errorf("halted %v, failures %d (%d kept)", res.Halted, res.FailureCount, len(res.Failures))
	}
	for _, sql := range db.ran {
		if sql == "SELECT never" || sql == "SELECT 1 DIV 2" || sql == "SELECT 'skipped'" {
			t.Errorf("%q ran", sql)
		}
	}
	wantLines := []int{7, 10, 30, 96, 101}
	for i, f := range res.Failures {
		if f.Line != wantLines[i] {
			t.Errorf("failure %d at line %d, want %d: %s", i, f.Line, wantLines[i], f)
		}
	}
	if f := res.Failures[2]; len(f.Got) != 1 || f.Got[0] != "9 values hashing to "+Hash([]string{"9", "8", "7", "6", "5", "4", "3", "2", "1"}) {
		t.Errorf("nosort must hash in the engine's order: %v", f.Got)
	}
	if f := res.Failures[4]; !strings.Contains(f.Err, "1 columns, expected 2") {
		t.Errorf("column count failure: %q", f.Err)
	}

	wantReasons := map[string]int{
		`42P01: table "…" does not exist`:        1,
		"statement succeeded, expected an error": 1,
		"wrong result: values differ":            1,
		"42703: no such column":                  1,
		"N columns, expected N (II)":             1,
	}
	for why, n := range wantReasons {
		if res.Reasons[why] != n || res.Examples[why].Line == 0 {
			t.Errorf("reason %q: %d failures, example %+v; want %d (all: %v)", why, res.Reasons[why], res.Examples[why], n, res.Reasons)
		}
	}
	causes := Causes([]FileResult{res, res}, 2)
	if len(causes) != 2 || causes[0].Count != 2 || causes[0].Files != 2 || causes[0].First.Line == 0 {
		t.Errorf("causes: %+v", causes)
	}

	// A slice: the first three records only.
	res, _ = runFake(t, Options{MaxRecords: 3, MaxFailures: -1}, script, answers)
	if res.StatementsRun != 3 || res.QueriesRun != 0 || !res.Truncated || len(res.Failures) != 0 || res.FailureCount != 1 {
		t.Errorf("slice: %+v", res)
	}
}

func TestRunLabels(t *testing.T) {
	script := `onlyif mysql
query I nosort label-1
SELECT a DIV b
----
1
2

query I nosort label-1
SELECT a / b
----
1
2

query I nosort label-1
SELECT other
----
3
4

query I nosort label-2
SELECT other
----
3
4

query I nosort label-2
SELECT wrong
----
5
6

query I nosort label-2
SELECT other
----
3
4
`
	answers := map[string]answer{
		"SELECT a / b":   ints(23, "1", "2"),
		"SELECT other":   ints(23, "3", "4"),
		"SELECT wrong":   ints(23, "9", "9"),
		"SELECT a DIV b": {err: &ServerError{Code: "42601", Message: "syntax error"}},
	}
	res, _ := runFake(t, Options{}, script, answers)
	// label-1: the skipped query states the label's result; the second
	// agrees, the third matches its own expected values but not the label.
	// label-2: a query that got the wrong values still records what it got
	// (as the reference runner does), so the fifth fails twice over and the
	// sixth passes.
	if res.QueriesPassed != 3 || res.QueriesRun != 5 || res.QueriesSkipped != 1 {
		t.Fatalf("queries %d/%d (%d skipped), want 3/5 (1 skipped): %v", res.QueriesPassed, res.QueriesRun, res.QueriesSkipped, res.Failures)
	}
	if f := res.Failures[0]; f.Line != 14 || !strings.Contains(f.Err, "label label-1") {
		t.Errorf("label failure: %s", f)
	}
	if f := res.Failures[1]; f.Line != 26 || f.Err != "" {
		t.Errorf("wrong-values failure: %s", f)
	}
}

// The tests below need a PostgreSQL whose user may create databases:
//
//	STELA_SLT_PG=postgres://postgres@127.0.0.1:54315/postgres go test ./internal/slt/
func pgDSN(t *testing.T) string {
	dsn := os.Getenv("STELA_SLT_PG")
	if dsn == "" {
		t.Skip("STELA_SLT_PG not set")
	}
	return dsn
}

func TestPostgresFreshDatabaseAndTimeout(t *testing.T) {
	r := &Runner{NewDSN: PostgresDatabases(pgDSN(t)), Options: Options{Timeout: 300 * time.Millisecond, CancelGrace: 2 * time.Second}}
	script := Parse("pg.test", []byte(`statement ok
CREATE TABLE t1(a INTEGER, b TEXT)

statement ok
INSERT INTO t1 VALUES(1, ''), (2, NULL), (3, E'x\ty')

query IT rowsort
SELECT a, b FROM t1
----
1
(empty)
2
NULL
3
x@y

query R nosort
SELECT avg(a) FROM t1
----
2.000

statement ok
SELECT pg_sleep(20)

query I nosort
SELECT 1 IN (2)
----
0

query T nosort
SELECT 'hello' || 1 WHERE false
----
`))
	ctx := context.Background()
	for i := 0; i < 2; i++ { // twice: the second run needs a fresh database
		start := time.Now()
		res := r.RunScript(ctx, "pg.test", script)
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		if res.QueriesPassed != 4 || res.QueriesRun != 4 || res.StatementsPassed != 2 || res.StatementsRun != 3 || res.Timeouts != 1 {
			t.Fatalf("run %d: %+v", i, res)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("the sleeping statement held the runner for %s", d)
		}
		if !strings.Contains(res.Failures[0].Err, "timeout") {
			t.Errorf("timeout failure: %s", res.Failures[0])
		}
	}
}

func TestPostgresSimpleProtocol(t *testing.T) {
	r := &Runner{NewDSN: PostgresDatabases(pgDSN(t)), Options: Options{SimpleProtocol: true}}
	script := Parse("simple.test", []byte("statement ok\nCREATE TABLE t(x INTEGER)\n\nquery I nosort\nSELECT count(*) FROM t\n----\n0\n\nstatement error\nSELECT nope\n"))
	res := r.RunScript(context.Background(), "simple.test", script)
	if !res.Passed() || res.QueriesPassed != 1 || res.StatementsPassed != 2 {
		t.Fatalf("%+v", res)
	}
}

func TestWithDatabase(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"postgres://u:p@h:5432/postgres?sslmode=disable", "postgres://u:p@h:5432/x?sslmode=disable"},
		{"postgresql://h", "postgresql://h/x"},
		{"host=h user=u dbname=postgres", "host=h user=u dbname=postgres dbname=x"},
	} {
		got, err := withDatabase(c.in, "x")
		if err != nil || got != c.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestRunNoServer(t *testing.T) {
	r := &Runner{
		NewDSN: func(context.Context, string) (string, func(), error) {
			return "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", nil, nil
		},
		Options: Options{Timeout: 2 * time.Second},
	}
	res := r.RunScript(context.Background(), "x.test", Parse("x.test", []byte("statement ok\nSELECT 1\n\nquery I\nSELECT 1\n----\n1\n")))
	if res.Err == nil || res.StatementsRun != 1 || res.FailureCount != 1 || res.QueriesRun != 0 {
		t.Fatalf("%+v", res)
	}
}

func TestReason(t *testing.T) {
	cases := map[string]string{
		"2BP01: cannot drop view view_1_tab0_100 because other objects depend on it": "2BP01: cannot drop view … because other objects depend on it",
		`42P01: relation "t1" does not exist`:                                        `42P01: relation "…" does not exist`,
		"42883: operator does not exist: int4 + text":                                "42883: operator does not exist: int4 + text",
		"2 columns, expected 3 (III)":                                                "N columns, expected N (III)",
	}
	for in, want := range cases {
		if got := (Failure{Err: in}).reason(); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestWrongResultReason(t *testing.T) {
	hashed := []string{"3 values hashing to " + Hash([]string{"1", "2", "3"})}
	cases := []struct {
		expected, got []string
		want          string
	}{
		{[]string{"1", "2"}, []string{"1"}, "wrong result: value count differs"},
		{[]string{"1", "2"}, []string{"1", "3"}, "wrong result: values differ"},
		{hashed, []string{"1", "2"}, "wrong result: value count differs"},
		{hashed, []string{"3 values hashing to x"}, "wrong result: values differ"},
	}
	for _, c := range cases {
		if got := wrongResultReason(c.expected, c.got); got != c.want {
			t.Errorf("%v vs %v: %q, want %q", c.expected, c.got, got, c.want)
		}
	}
}
