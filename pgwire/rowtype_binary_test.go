package pgwire_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
)

// TestRowTypeBinary: pgx loads a table's row type and its array type
// from pg_type and pg_attribute (LoadType), then reads whole rows and
// arrays of them in binary (record_send, array_send) and sends a row
// type parameter in binary (record_recv).
func TestRowTypeBinary(t *testing.T) {
	ts := startServerAt(t, t.TempDir(), nil)
	ctx := context.Background()
	c := ts.connect(t, "")
	execAll(t, c, "CREATE TABLE rb (a int PRIMARY KEY, b text)", "INSERT INTO rb VALUES (1, 'x'), (2, NULL)")
	for _, name := range []string{"rb", "_rb"} {
		dt, err := c.LoadType(ctx, name)
		if err != nil {
			t.Fatalf("LoadType %s: %v", name, err)
		}
		c.TypeMap().RegisterType(dt)
	}
	var row any
	if err := c.QueryRow(ctx, "SELECT rb FROM rb WHERE a = 1").Scan(&row); err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"a": int32(1), "b": "x"}; !reflect.DeepEqual(row, want) {
		t.Errorf("whole row: %#v, want %#v", row, want)
	}
	var rows any
	if err := c.QueryRow(ctx, "SELECT array_agg(rb ORDER BY a) FROM rb").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	want := []any{map[string]any{"a": int32(1), "b": "x"}, map[string]any{"a": int32(2), "b": nil}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("array: %#v, want %#v", rows, want)
	}
	var text string
	if err := c.QueryRow(ctx, "SELECT $1::rb::text", pgtype.CompositeFields{int32(5), "q"}).Scan(&text); err != nil || text != "(5,q)" {
		t.Errorf("binary parameter: %q, %v", text, err)
	}
}
