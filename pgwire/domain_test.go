package pgwire_test

import (
	"context"
	"encoding/binary"
	"testing"
)

// TestDomainExtendedProtocol: a column of a domain is described with its
// base type's OID and modifier in RowDescription (PostgreSQL's printtup
// does the same), a parameter the client declares with the domain's OID
// is taken, and a value the domain refuses fails with 23514 or 23502
// whichever way it comes.
func TestDomainExtendedProtocol(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	c := ts.connect(t, "")
	execAll(t, c, `CREATE DOMAIN posint AS int NOT NULL CHECK (VALUE > 0)`,
		`CREATE DOMAIN code AS varchar(4)`,
		`CREATE TABLE d (id int PRIMARY KEY, n posint, c code)`)

	if _, err := c.Exec(ctx, "INSERT INTO d VALUES ($1, $2, $3)", 1, 5, "ab"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "INSERT INTO d VALUES ($1, $2, $3)", 2, -5, "ab"); sqlState(err) != "23514" {
		t.Fatalf("check violation: got %v, want 23514", err)
	}
	if _, err := c.Exec(ctx, "INSERT INTO d (id) VALUES ($1)", 3); sqlState(err) != "23502" {
		t.Fatalf("NULL of a NOT NULL domain: got %v, want 23502", err)
	}
	if _, err := c.Exec(ctx, "SELECT $1::posint", 0); sqlState(err) != "23514" {
		t.Fatalf("cast: got %v, want 23514", err)
	}

	var oid uint32
	if err := c.QueryRow(ctx, "SELECT 'posint'::regtype::oid").Scan(&oid); err != nil {
		t.Fatal(err)
	}
	pc := c.PgConn()
	four := binary.BigEndian.AppendUint32(nil, 4)
	res := pc.ExecParams(ctx, "INSERT INTO d VALUES (4, $1)", [][]byte{four}, []uint32{oid}, []int16{1}, nil).Read()
	if res.Err != nil {
		t.Fatalf("binary parameter declared as the domain: %v", res.Err)
	}
	zero := binary.BigEndian.AppendUint32(nil, 0)
	res = pc.ExecParams(ctx, "INSERT INTO d VALUES (5, $1)", [][]byte{zero}, []uint32{oid}, []int16{1}, nil).Read()
	if sqlState(res.Err) != "23514" {
		t.Fatalf("binary parameter breaking the check: got %v, want 23514", res.Err)
	}

	res = pc.ExecParams(ctx, "SELECT n, c FROM d ORDER BY id", nil, nil, nil, []int16{1, 0}).Read()
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	fd := res.FieldDescriptions
	if len(fd) != 2 || fd[0].DataTypeOID != 23 || fd[1].DataTypeOID != 1043 || fd[1].TypeModifier != 8 {
		t.Fatalf("RowDescription: %+v, want int4 and varchar(4)", fd)
	}
	if len(res.Rows) != 2 || binary.BigEndian.Uint32(res.Rows[0][0]) != 5 || binary.BigEndian.Uint32(res.Rows[1][0]) != 4 {
		t.Fatalf("binary results: %q", res.Rows)
	}
}
