package server_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// TestBitStringsInBinary sends and reads bit and bit varying values as
// pgx does, in the binary format (bit_send/bit_recv: the bit count as an
// int32, then the bytes), through parameters, results and COPY, where the
// SQL files use text; and COPY's text format both ways.
func TestBitStringsInBinary(t *testing.T) {
	ctx := context.Background()
	c := mustConnect(t, startForFile(t))
	if _, err := c.Exec(ctx, `CREATE TABLE bb (id int PRIMARY KEY, f bit(12), v varbit(20))`); err != nil {
		t.Fatal(err)
	}
	f := pgtype.Bits{Bytes: []byte{0xAB, 0xC0}, Len: 12, Valid: true}
	v := pgtype.Bits{Bytes: []byte{0x80}, Len: 3, Valid: true}
	if _, err := c.Exec(ctx, `INSERT INTO bb VALUES ($1, $2, $3)`, 1, f, v); err != nil {
		t.Fatal(err)
	}
	// A parameter of the wrong length fails as an assignment does.
	_, err := c.Exec(ctx, `INSERT INTO bb VALUES (9, $1, NULL)`, pgtype.Bits{Bytes: []byte{0xFF}, Len: 8, Valid: true})
	if err == nil || !strings.Contains(err.Error(), "bit string length 8 does not match type bit(12)") {
		t.Errorf("short bit(12) parameter: %v", err)
	}
	n, err := c.CopyFrom(ctx, pgx.Identifier{"bb"}, []string{"id", "f", "v"}, pgx.CopyFromRows([][]any{
		{int32(2), pgtype.Bits{Bytes: []byte{0, 0x10}, Len: 12, Valid: true}, pgtype.Bits{Bytes: []byte{}, Len: 0, Valid: true}},
		{int32(3), nil, nil},
	}))
	if err != nil || n != 2 {
		t.Fatalf("CopyFrom: %d, %v", n, err)
	}
	pc := c.PgConn()
	if tag, err := pc.CopyFrom(ctx, strings.NewReader("4\t111100001111\t10101010101010101010\n5\tx00F\t\\N\n"), "COPY bb FROM STDIN"); err != nil || tag.String() != "COPY 2" {
		t.Fatalf("COPY text in: %v %v", tag, err)
	}
	var out bytes.Buffer
	if _, err := pc.CopyTo(ctx, &out, "COPY bb TO STDOUT"); err != nil {
		t.Fatal(err)
	}
	want := "1\t101010111100\t100\n2\t000000000001\t\n3\t\\N\t\\N\n4\t111100001111\t10101010101010101010\n5\t000000001111\t\\N\n"
	if out.String() != want {
		t.Errorf("COPY text out: got %q, want %q", out.String(), want)
	}

	rows, err := c.Query(ctx, `SELECT f, v, f || v, B'1' FROM bb WHERE id = $1`, pgx.QueryResultFormats{pgx.BinaryFormatCode}, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectOneRow(rows, func(r pgx.CollectableRow) ([]pgtype.Bits, error) {
		for _, fd := range r.FieldDescriptions() {
			if fd.Format != pgx.BinaryFormatCode {
				t.Errorf("column %s came in format %d", fd.Name, fd.Format)
			}
		}
		var a, b, cat, one pgtype.Bits
		err := r.Scan(&a, &b, &cat, &one)
		return []pgtype.Bits{a, b, cat, one}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	wantBits := []pgtype.Bits{
		f, v,
		{Bytes: []byte{0xAB, 0xC8}, Len: 15, Valid: true},
		{Bytes: []byte{0x80}, Len: 1, Valid: true},
	}
	for i := range wantBits {
		if got[i].Len != wantBits[i].Len || !bytes.Equal(got[i].Bytes, wantBits[i].Bytes) || !got[i].Valid {
			t.Errorf("column %d: got %+v, want %+v", i, got[i], wantBits[i])
		}
	}
	// A binary parameter compares with the stored key.
	var id int
	if err := c.QueryRow(ctx, `SELECT id FROM bb WHERE f = $1`, pgtype.Bits{Bytes: []byte{0, 0x10}, Len: 12, Valid: true}).Scan(&id); err != nil || id != 2 {
		t.Errorf("lookup by binary parameter: %d, %v", id, err)
	}
}
