package server_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestRecordArraysInBinary reads records and arrays of records as pgx
// does, in the binary format (record_send, array_send of records), where
// the SQL files read text. (A table's whole row has the table's own row
// type, which pgx decodes once it has loaded it: pgwire's
// TestRowTypeBinary; anonymous records need no loading.)
func TestRecordArraysInBinary(t *testing.T) {
	ctx := context.Background()
	c := mustConnect(t, startForFile(t))
	if _, err := c.Exec(ctx, `CREATE TABLE oa (id int PRIMARY KEY, v text);
		INSERT INTO oa VALUES (1, 'a1'), (2, NULL)`); err != nil {
		t.Fatal(err)
	}
	rows, err := c.Query(ctx, `SELECT (SELECT array_agg(ROW(id, v) ORDER BY id) FROM oa), ROW(3, 'x'), ob
		FROM (SELECT 1) one LEFT JOIN (SELECT 9 AS n) ob ON false`, pgx.QueryResultFormats{pgx.BinaryFormatCode})
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectOneRow(rows, func(r pgx.CollectableRow) ([]any, error) {
		for _, f := range r.FieldDescriptions() {
			if f.Format != pgx.BinaryFormatCode {
				t.Errorf("column %s came in format %d", f.Name, f.Format)
			}
		}
		return r.Values()
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []any{
		[]any{[]any{int32(1), "a1"}, []any{int32(2), nil}},
		[]any{int32(3), "x"},
		nil,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}
