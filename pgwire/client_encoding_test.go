package pgwire_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// A client of another encoding than UTF-8 (psql sets client_encoding from
// its locale: SQL_ASCII in the C locale, WIN1252 on Windows) connects,
// and its text is converted both ways: SQL, parameters, rows, names,
// errors and COPY data.
func TestClientEncodingLatin1(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	pc, err := pgconn.Connect(ctx, ts.dsn("&client_encoding=LATIN1"))
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close(ctx)
	if got := pc.ParameterStatus("client_encoding"); got != "LATIN1" {
		t.Fatalf("client_encoding reported %q", got)
	}
	exec := func(sql string) []*pgconn.Result {
		t.Helper()
		res, err := pc.Exec(ctx, sql).ReadAll()
		if err != nil {
			t.Fatalf("%q: %v", sql, err)
		}
		return res
	}
	exec("CREATE TABLE city (id int PRIMARY KEY, name text)")
	// é (0xe9) and ü (0xfc) in LATIN1.
	exec("INSERT INTO city VALUES (1, 'Gen\xe8ve'), (2, 'Z\xfcrich')")

	// Text and binary rows, a column's name, in LATIN1.
	res := exec("SELECT name AS \"nom_\xe9\", length(name), pg_client_encoding() FROM city WHERE id = 1")
	if got := string(res[0].FieldDescriptions[0].Name); got != "nom_\xe9" {
		t.Fatalf("column name %q", got)
	}
	if r := res[0].Rows[0]; string(r[0]) != "Gen\xe8ve" || string(r[1]) != "6" || string(r[2]) != "LATIN1" {
		t.Fatalf("row %q", r)
	}
	rr := pc.ExecParams(ctx, "SELECT name FROM city WHERE name = $1", [][]byte{[]byte("Z\xfcrich")}, nil, nil, []int16{1}).Read()
	if rr.Err != nil || len(rr.Rows) != 1 || string(rr.Rows[0][0]) != "Z\xfcrich" {
		t.Fatalf("binary text row %q, %v", rr.Rows, rr.Err)
	}

	// NUL is in no encoding: 22021, named as the client's, as in
	// PostgreSQL.
	rr = pc.ExecParams(ctx, "SELECT $1::text", [][]byte{[]byte("a\x00")}, nil, nil, nil).Read()
	if e, ok := rr.Err.(*pgconn.PgError); !ok || e.Code != "22021" || e.Message != "invalid byte sequence for encoding \"LATIN1\": 0x00" {
		t.Fatalf("NUL parameter: %v", rr.Err)
	}

	// The database holds UTF-8: a UTF-8 client reads the same rows.
	c := ts.connect(t, "")
	var name string
	if err := c.QueryRow(ctx, "SELECT name FROM city WHERE id = 2").Scan(&name); err != nil || name != "Zürich" {
		t.Fatalf("UTF-8 reader: %q, %v", name, err)
	}

	// A value LATIN1 cannot hold fails the statement; an error's
	// message is sent with '?' for what it cannot hold.
	_, err = pc.Exec(ctx, "SELECT chr(8364)").ReadAll()
	if e, ok := err.(*pgconn.PgError); !ok || e.Code != "22P05" ||
		e.Message != "character with byte sequence 0xe2 0x82 0xac in encoding \"UTF8\" has no equivalent in encoding \"LATIN1\"" {
		t.Fatalf("€ to LATIN1: %v", err)
	}
	_, err = pc.Exec(ctx, "SELECT * FROM \"caf\xe9\"").ReadAll()
	if e, ok := err.(*pgconn.PgError); !ok || e.Code != "42P01" || !strings.Contains(e.Message, "caf\xe9") {
		t.Fatalf("unknown relation: %v", err)
	}
	// An error whose text LATIN1 cannot hold becomes that conversion's
	// error, as in PostgreSQL.
	if _, err := c.Exec(ctx, "CREATE TABLE cur (sym text PRIMARY KEY); INSERT INTO cur VALUES ('€')"); err != nil {
		t.Fatal(err)
	}
	_, err = pc.Exec(ctx, "INSERT INTO cur SELECT chr(8364)").ReadAll()
	if e, ok := err.(*pgconn.PgError); !ok || e.Code != "22P05" || e.Severity != "ERROR" {
		t.Fatalf("duplicate €: %v", err)
	}

	// COPY's data is in the client's encoding unless ENCODING says.
	var out bytes.Buffer
	if _, err := pc.CopyTo(ctx, &out, "COPY (SELECT name FROM city ORDER BY id) TO STDOUT"); err != nil || out.String() != "Gen\xe8ve\nZ\xfcrich\n" {
		t.Fatalf("COPY TO: %q, %v", out.String(), err)
	}
	if _, err := pc.CopyFrom(ctx, strings.NewReader("3\tMalm\xf6\n"), "COPY city FROM STDIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := pc.CopyFrom(ctx, strings.NewReader("4\tK\xc3\xb8ge\n"), "COPY city FROM STDIN (ENCODING 'UTF8')"); err != nil {
		t.Fatal(err)
	}
	// Binary COPY would carry text unconverted: refused.
	if _, err := pc.CopyTo(ctx, &out, "COPY city TO STDOUT (FORMAT binary)"); err == nil || !strings.Contains(err.Error(), "0A000") {
		t.Fatalf("binary COPY TO: %v", err)
	}
	rows, err := c.Query(ctx, "SELECT name FROM city WHERE id > 2 ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	if strings.Join(names, ",") != "Malmö,Køge" {
		t.Fatalf("COPY FROM: %q", names)
	}

	// SET changes it at once; SQL_ASCII passes bytes as they are.
	exec("SET client_encoding = 'SQL_ASCII'")
	if r := exec("SELECT name FROM city WHERE id = 1")[0].Rows[0]; string(r[0]) != "Genève" {
		t.Fatalf("SQL_ASCII row %q", r)
	}
	if pc.ParameterStatus("client_encoding") != "SQL_ASCII" {
		t.Fatalf("client_encoding reported %q", pc.ParameterStatus("client_encoding"))
	}
	_, err = pc.Exec(ctx, "SET client_encoding = 'SJIS'").ReadAll()
	if e, ok := err.(*pgconn.PgError); !ok || e.Code != "0A000" || e.Detail != "Conversion between SJIS and UTF8 is not supported." {
		t.Fatalf("SJIS: %v", err)
	}
}

// psql in the C locale asks for SQL_ASCII at startup, and connects.
func TestClientEncodingAtStartup(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	for _, enc := range []string{"SQL_ASCII", "WIN1252", "latin9"} {
		pc, err := pgconn.Connect(ctx, ts.dsn("&client_encoding="+enc))
		if err != nil {
			t.Fatalf("%s: %v", enc, err)
		}
		pc.Close(ctx)
	}
	if _, err := pgconn.Connect(ctx, ts.dsn("&client_encoding=EUC_JP")); err == nil || !strings.Contains(err.Error(), "0A000") {
		t.Fatalf("EUC_JP: %v", err)
	}
}
