package server_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// TestCompositeColumn writes and reads a column of a stand-alone
// composite type as pgx does, in the binary format (record_send and
// record_recv, after LoadType reads pg_type and pg_attribute), reads it
// AS OF the transaction before an UPDATE of one of its fields, and moves
// it through COPY's text format both ways.
func TestCompositeColumn(t *testing.T) {
	ctx := context.Background()
	c := mustConnect(t, startForFile(t))
	mustExec(t, c, "CREATE TYPE pt AS (x int, label text)")
	mustExec(t, c, "CREATE TABLE pts (id int PRIMARY KEY, p pt, ps pt[])")
	for _, name := range []string{"pt", "_pt"} {
		dt, err := c.LoadType(ctx, name)
		if err != nil {
			t.Fatalf("LoadType %s: %v", name, err)
		}
		c.TypeMap().RegisterType(dt)
	}

	// Binary parameters in, binary results out.
	if _, err := c.Exec(ctx, "INSERT INTO pts VALUES ($1, $2, $3)", 1,
		pgtype.CompositeFields{int32(7), "seven"},
		[]pgtype.CompositeFields{{int32(1), "a"}, {nil, "b"}}); err != nil {
		t.Fatal(err)
	}
	var x int32
	var label string
	var tx int64
	if err := c.QueryRow(ctx, "SELECT p, _tx FROM pts WHERE id = 1", pgx.QueryResultFormats{pgx.BinaryFormatCode}).
		Scan(pgtype.CompositeFields{&x, &label}, &tx); err != nil {
		t.Fatal(err)
	}
	if x != 7 || label != "seven" {
		t.Fatalf("binary read: (%d,%q), want (7,\"seven\")", x, label)
	}
	var ps any
	if err := c.QueryRow(ctx, "SELECT ps FROM pts WHERE id = 1", pgx.QueryResultFormats{pgx.BinaryFormatCode}).Scan(&ps); err != nil {
		t.Fatal(err)
	}
	if want := []any{map[string]any{"x": int32(1), "label": "a"}, map[string]any{"x": nil, "label": "b"}}; !reflect.DeepEqual(ps, want) {
		t.Fatalf("binary array read: %#v, want %#v", ps, want)
	}

	// A field assignment makes a new version; the old one stays
	// readable as of the transaction that wrote it.
	mustExec(t, c, "UPDATE pts SET p.x = 8 WHERE id = 1")
	var now, then string
	if err := c.QueryRow(ctx, "SELECT p::text FROM pts WHERE id = 1").Scan(&now); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctx, fmt.Sprintf("SELECT p::text FROM pts AS OF TX %d WHERE id = 1", tx)).Scan(&then); err != nil {
		t.Fatal(err)
	}
	if now != "(8,seven)" || then != "(7,seven)" {
		t.Fatalf("now %q, as of tx %d %q; want (8,seven) and (7,seven)", now, tx, then)
	}
	if err := c.QueryRow(ctx, fmt.Sprintf("SELECT (p).x FROM pts AS OF TX %d WHERE id = 1", tx)).Scan(&x); err != nil || x != 7 {
		t.Fatalf("field as of tx %d: %d, %v", tx, x, err)
	}

	// COPY's text format: record_in and record_out, quoting included.
	in := "2\t(2,\"two words\")\t{\"(3,c)\"}\n3\t\\N\t\\N\n4\t(,)\t{}\n"
	if _, err := c.PgConn().CopyFrom(ctx, strings.NewReader(in), "COPY pts FROM STDIN"); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := c.PgConn().CopyTo(ctx, &out, "COPY (SELECT * FROM pts WHERE id > 1 ORDER BY id) TO STDOUT"); err != nil {
		t.Fatal(err)
	}
	if out.String() != in {
		t.Fatalf("COPY TO:\n%s\nwant:\n%s", out.String(), in)
	}
}
