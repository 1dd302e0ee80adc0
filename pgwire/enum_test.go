package pgwire_test

import (
	"context"
	"testing"
)

// TestEnumExtendedProtocol: enum values travel as their labels in both
// formats, as parameters and as results, and a label that is not the
// type's is refused whichever way it comes (22P02).
func TestEnumExtendedProtocol(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	c := ts.connect(t, "")
	execAll(t, c, `CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')`,
		`CREATE TABLE p (id int PRIMARY KEY, m mood, ms mood[])`)

	// pgx sends Go strings for a parameter of a type it does not know in
	// text format.
	if _, err := c.Exec(ctx, "INSERT INTO p VALUES ($1, $2, $3)", 1, "happy", []string{"sad", "ok"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "INSERT INTO p VALUES ($1, $2)", 2, "meh"); sqlState(err) != "22P02" {
		t.Fatalf("bad label as text parameter: got %v, want 22P02", err)
	}
	var oid uint32
	if err := c.QueryRow(ctx, "SELECT 'mood'::regtype::oid").Scan(&oid); err != nil {
		t.Fatal(err)
	}

	// Binary parameters and results: enum_send and enum_recv are the
	// label's bytes.
	pc := c.PgConn()
	res := pc.ExecParams(ctx, "INSERT INTO p VALUES (3, $1)", [][]byte{[]byte("ok")}, []uint32{oid}, []int16{1}, nil).Read()
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	res = pc.ExecParams(ctx, "INSERT INTO p VALUES (4, $1)", [][]byte{[]byte("nope")}, []uint32{oid}, []int16{1}, nil).Read()
	if sqlState(res.Err) != "22P02" {
		t.Fatalf("bad label as binary parameter: got %v, want 22P02", res.Err)
	}
	res = pc.ExecParams(ctx, "SELECT m FROM p WHERE m >= $1 ORDER BY m", [][]byte{[]byte("ok")}, nil, nil, []int16{1}).Read()
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if len(res.Rows) != 2 || string(res.Rows[0][0]) != "ok" || string(res.Rows[1][0]) != "happy" {
		t.Fatalf("binary results: %q", res.Rows)
	}
	if len(res.FieldDescriptions) != 1 || res.FieldDescriptions[0].DataTypeOID != oid {
		t.Fatalf("result column type: %+v, want oid %d", res.FieldDescriptions, oid)
	}

	var ms []string
	if err := c.QueryRow(ctx, "SELECT ms FROM p WHERE id = 1").Scan(&ms); err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0] != "sad" || ms[1] != "ok" {
		t.Fatalf("array of enum: %q", ms)
	}
}
