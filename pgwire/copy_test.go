package pgwire_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

func mustExec(t *testing.T, c *pgx.Conn, sql string) {
	t.Helper()
	if _, err := c.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func count(t *testing.T, c *pgx.Conn, table string) int {
	t.Helper()
	var n int
	if err := c.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func pgErr(t *testing.T, err error) *pgconn.PgError {
	t.Helper()
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		t.Fatalf("want a server error, got %v", err)
	}
	return pe
}

// TestCopyFromPgx: pgx's CopyFrom sends FORMAT binary; every type comes
// back as it went in, and defaults fill the columns it leaves out.
func TestCopyFromPgx(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.connect(t, "")
	ctx := context.Background()
	mustExec(t, c, `CREATE TABLE cp (id bigserial PRIMARY KEY, i int, f float8, n numeric(10,2), s text, b bool,
		ts timestamptz, d date, by bytea, u uuid, j jsonb, arr int[], note text DEFAULT 'dflt')`)
	when := time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)
	u := [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	rows := [][]any{
		{int32(1), 1.5, "12.34", "héllo\ttab", true, when, when, []byte{0, 1, 255}, u, map[string]any{"k": "v"}, []int32{1, 2}},
		{nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
	}
	n, err := c.CopyFrom(ctx, pgx.Identifier{"cp"}, []string{"i", "f", "n", "s", "b", "ts", "d", "by", "u", "j", "arr"}, pgx.CopyFromRows(rows))
	if err != nil || n != 2 {
		t.Fatalf("CopyFrom: %d, %v", n, err)
	}
	var (
		id              int64
		i               *int32
		f               *float64
		num, s, j, note *string
		b               *bool
		tsv, d          *time.Time
		by              []byte
		uv              pgtype.UUID
		arr             []int32
	)
	err = c.QueryRow(ctx, "SELECT id, i, f, n::text, s, b, ts, d, by, u, j::text, arr, note FROM cp WHERE i = 1").
		Scan(&id, &i, &f, &num, &s, &b, &tsv, &d, &by, &uv, &j, &arr, &note)
	if err != nil {
		t.Fatal(err)
	}
	if id != 1 || *i != 1 || *f != 1.5 || *num != "12.34" || *s != "héllo\ttab" || !*b || !tsv.Equal(when) ||
		d.Format("2006-01-02") != "2024-05-06" || !bytes.Equal(by, []byte{0, 1, 255}) || uv.Bytes != u ||
		*j != `{"k": "v"}` || fmt.Sprint(arr) != "[1 2]" || *note != "dflt" {
		t.Errorf("row 1 came back as %d %v %v %v %v %v %v %v %x %x %v %v %v", id, *i, *f, *num, *s, *b, tsv, d, by, uv.Bytes, *j, arr, *note)
	}
	if got := count(t, c, "cp WHERE i IS NULL AND s IS NULL AND note = 'dflt' AND id = 2"); got != 1 {
		t.Errorf("the all-NULL row: %d matches", got)
	}
}

// TestCopyFromPgxLarge loads 100,000 rows in one COPY (the 1M-row load
// is BenchmarkCopyFrom in server/).
func TestCopyFromPgxLarge(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.connect(t, "")
	mustExec(t, c, "CREATE TABLE big (id bigint PRIMARY KEY, k int NOT NULL, name text, note text)")
	const total = 100_000
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i >= total {
			return nil, nil
		}
		i++
		return []any{int64(i), int32(i * 7 % total), fmt.Sprintf("name-%08d", i), "note for the row"}, nil
	})
	n, err := c.CopyFrom(context.Background(), pgx.Identifier{"big"}, []string{"id", "k", "name", "note"}, src)
	if err != nil || n != total {
		t.Fatalf("CopyFrom: %d, %v", n, err)
	}
	var sum int64
	if err := c.QueryRow(context.Background(), "SELECT count(*), sum(id) FROM big").Scan(&n, &sum); err != nil || n != total || sum != total*(total+1)/2 {
		t.Fatalf("after the load: %d rows, sum %d, %v", n, sum, err)
	}
}

// TestCopyRawTextCSV drives COPY through PgConn: text and CSV in, text,
// CSV and binary out, and a query with a time-travel clause.
func TestCopyRawTextCSV(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.connect(t, "")
	pc := c.PgConn()
	ctx := context.Background()
	mustExec(t, c, "CREATE TABLE r (a int PRIMARY KEY, b text, c numeric)")
	tag, err := pc.CopyFrom(ctx, strings.NewReader("1\tone\t1.5\n2\t\\N\t\\N\n3\ttab\\tand\\\\back\t3\n"), "COPY r FROM STDIN")
	if err != nil || tag.String() != "COPY 3" {
		t.Fatalf("text: %v %v", tag, err)
	}
	tag, err = pc.CopyFrom(ctx, strings.NewReader("a;b;c\n4;\"semi;colon\";NA\n5;\"\";4\n"),
		"COPY r FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';', NULL 'NA')")
	if err != nil || tag.String() != "COPY 2" {
		t.Fatalf("csv: %v %v", tag, err)
	}
	// The old syntax.
	tag, err = pc.CopyFrom(ctx, strings.NewReader("b|a\nsix|6\n"), "COPY r (b, a) FROM STDIN WITH CSV HEADER DELIMITER AS '|'")
	if err != nil || tag.String() != "COPY 1" {
		t.Fatalf("old syntax: %v %v", tag, err)
	}
	var tx int64
	if err := c.QueryRow(ctx, "SELECT max(_tx) FROM r").Scan(&tx); err != nil {
		t.Fatal(err)
	}
	mustExec(t, c, "DELETE FROM r WHERE a = 6")
	for _, tc := range []struct{ sql, want string }{
		{"COPY r TO STDOUT", "1\tone\t1.5\n2\t\\N\t\\N\n3\ttab\\tand\\\\back\t3\n4\tsemi;colon\t\\N\n5\t\t4\n"},
		{"COPY (SELECT a, b FROM r WHERE a >= 4 ORDER BY a) TO STDOUT WITH (FORMAT csv, HEADER)", "a,b\n4,semi;colon\n5,\"\"\n"},
		{"COPY r (b) TO STDOUT (FORMAT csv, FORCE_QUOTE (b), NULL 'N/A')", "\"one\"\nN/A\n\"tab\tand\\back\"\n\"semi;colon\"\n\"\"\n"},
		{fmt.Sprintf("COPY (SELECT a, b FROM r AS OF TX %d WHERE a = 6) TO STDOUT", tx), "6\tsix\n"},
		{"COPY (SELECT 1::int2 AS x, 'ab'::text AS y) TO STDOUT (FORMAT binary)",
			"PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00" + "\x00\x02\x00\x00\x00\x02\x00\x01\x00\x00\x00\x02ab" + "\xff\xff"},
	} {
		var out bytes.Buffer
		tag, err := pc.CopyTo(ctx, &out, tc.sql)
		if err != nil || out.String() != tc.want {
			t.Errorf("%s: got %q (%v, %v), want %q", tc.sql, out.String(), tag, err, tc.want)
		}
	}
}

// failingReader makes pgx send CopyFail after some data.
type failingReader struct{ sent bool }

func (r *failingReader) Read(p []byte) (int, error) {
	if !r.sent {
		r.sent = true
		return copy(p, "1\tok\t1\n"), nil
	}
	return 0, errors.New("reader broke")
}

// TestCopyErrors: malformed data, constraint violations and CopyFail all
// leave nothing of the COPY, with PostgreSQL's codes and contexts, and
// the session goes on.
func TestCopyErrors(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.connect(t, "")
	pc := c.PgConn()
	ctx := context.Background()
	mustExec(t, c, "CREATE TABLE p (id int PRIMARY KEY)")
	mustExec(t, c, "INSERT INTO p VALUES (1)")
	mustExec(t, c, "CREATE TABLE e (a int PRIMARY KEY, b text NOT NULL CHECK (b <> 'bad'), p int REFERENCES p)")
	good := ""
	for i := 10; i < 2010; i++ {
		good += fmt.Sprintf("%d\tx\t1\n", i)
	}
	for _, tc := range []struct{ data, code, msg, where string }{
		{good + "5\tx\n", "22P04", `missing data for column "p"`, `COPY e, line 2001: "5	x"`},
		{good + "5\tx\t1\t9\n", "22P04", "extra data after last expected column", `COPY e, line 2001: "5	x	1	9"`},
		{good + "x5\tx\t1\n", "22P02", `invalid input syntax for type integer: "x5"`, `COPY e, line 2001, column a: "x5"`},
		{good + "5\t\\xff\t1\n", "22021", `invalid byte sequence for encoding "UTF8": 0xff`, `COPY e, line 2001: "5	\xff	1"`},
		{good + "5\tbad\t1\n", "23514", `new row for relation "e" violates check constraint "e_b_check"`, `COPY e, line 2001: "5	bad	1"`},
		{good + "5\t\\N\t1\n", "23502", `null value in column "b" of relation "e" violates not-null constraint`, `COPY e, line 2001: "5	\N	1"`},
		{good + "10\tdup\t1\n", "23505", `duplicate key value violates unique constraint "e_pkey"`, "COPY e, line 2001"},
		{good + "5\tx\t2\n", "23503", `insert or update on table "e" violates foreign key constraint "e_p_fkey"`, ""},
		{good + "\\.x\n", "22P04", "end-of-copy marker corrupt", "COPY e, line 2001"},
	} {
		_, err := pc.CopyFrom(ctx, strings.NewReader(tc.data), "COPY e FROM STDIN")
		pe := pgErr(t, err)
		if pe.Code != tc.code || pe.Message != tc.msg || pe.Where != tc.where {
			t.Errorf("%s: got %s %q where %q", tc.msg, pe.Code, pe.Message, pe.Where)
		}
		if n := count(t, c, "e"); n != 0 {
			t.Fatalf("after %s: %d rows stayed", tc.msg, n)
		}
	}
	_, err := pc.CopyFrom(ctx, &failingReader{}, "COPY e FROM STDIN")
	if pe := pgErr(t, err); pe.Code != "57014" || pe.Message != "COPY from stdin failed: reader broke" {
		t.Errorf("CopyFail: %s %q", pe.Code, pe.Message)
	}
	_, err = pc.CopyFrom(ctx, strings.NewReader("1,\"open\n"), "COPY e (a, b) FROM STDIN CSV")
	if pe := pgErr(t, err); pe.Code != "22P04" || pe.Message != "unterminated CSV quoted field" {
		t.Errorf("CSV: %s %q", pe.Code, pe.Message)
	}
	for _, tc := range []struct{ sql, code, msg string }{
		{"COPY e FROM '/etc/passwd'", "0A000", "COPY from a file is not supported"},
		{"COPY e TO '/tmp/x'", "0A000", "COPY to a file is not supported"},
		{"COPY e FROM PROGRAM 'cat'", "0A000", "COPY to or from an external program is not supported"},
		{"COPY e (zz) FROM STDIN", "42703", `column "zz" of relation "e" does not exist`},
		{"COPY nope FROM STDIN", "42P01", `relation "nope" does not exist`},
		{"COPY e FROM STDIN (FORMAT csv, FORCE_NOT_NULL (zz))", "42703", `column "zz" of relation "e" does not exist`},
		{"COPY e (a, b) FROM STDIN (FORMAT csv, FORCE_NULL (p))", "42P10", `FORCE_NULL column "p" not referenced by COPY`},
	} {
		_, err := pc.CopyFrom(ctx, strings.NewReader(""), tc.sql)
		if pe := pgErr(t, err); pe.Code != tc.code || pe.Message != tc.msg {
			t.Errorf("%s: got %s %q", tc.sql, pe.Code, pe.Message)
		}
	}
	// The session is fine after all that.
	if n := count(t, c, "e"); n != 0 {
		t.Fatalf("%d rows", n)
	}
}

// TestCopyInTransaction: a COPY in a block commits with it, rolls back
// with it, and a failed COPY aborts the block.
func TestCopyInTransaction(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.connect(t, "")
	pc := c.PgConn()
	ctx := context.Background()
	mustExec(t, c, "CREATE TABLE x (a int PRIMARY KEY)")
	mustExec(t, c, "BEGIN")
	if _, err := pc.CopyFrom(ctx, strings.NewReader("1\n2\n"), "COPY x FROM STDIN"); err != nil {
		t.Fatal(err)
	}
	mustExec(t, c, "ROLLBACK")
	if n := count(t, c, "x"); n != 0 {
		t.Fatalf("rolled back COPY left %d rows", n)
	}
	mustExec(t, c, "BEGIN")
	if _, err := pc.CopyFrom(ctx, strings.NewReader("1\n2\n"), "COPY x FROM STDIN"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, c, "x"); n != 2 {
		t.Fatalf("inside the block: %d rows", n)
	}
	_, err := pc.CopyFrom(ctx, strings.NewReader("3\n1\n"), "COPY x FROM STDIN")
	if pe := pgErr(t, err); pe.Code != "23505" {
		t.Fatalf("duplicate: %v", pe)
	}
	_, err = c.Exec(ctx, "SELECT 1")
	if pe := pgErr(t, err); pe.Code != "25P02" {
		t.Fatalf("after a failed COPY: %v", pe)
	}
	_, err = pc.CopyFrom(ctx, strings.NewReader("4\n"), "COPY x FROM STDIN")
	if pe := pgErr(t, err); pe.Code != "25P02" {
		t.Fatalf("COPY in an aborted block: %v", pe)
	}
	mustExec(t, c, "ROLLBACK")
	mustExec(t, c, "BEGIN")
	if _, err := pc.CopyFrom(ctx, strings.NewReader("5\n6\n"), "COPY x FROM STDIN"); err != nil {
		t.Fatal(err)
	}
	mustExec(t, c, "COMMIT")
	if n := count(t, c, "x"); n != 2 {
		t.Fatalf("committed COPY: %d rows", n)
	}
	// COPY TO reads the block's own writes.
	mustExec(t, c, "BEGIN")
	mustExec(t, c, "INSERT INTO x VALUES (7)")
	var out bytes.Buffer
	if _, err := pc.CopyTo(ctx, &out, "COPY x TO STDOUT"); err != nil || out.String() != "5\n6\n7\n" {
		t.Fatalf("COPY TO in a block: %q %v", out.String(), err)
	}
	mustExec(t, c, "ROLLBACK")
	_, err = pc.CopyFrom(ctx, io.MultiReader(strings.NewReader("8\n")), "COPY x FROM STDIN")
	if err != nil {
		t.Fatal(err)
	}
}
