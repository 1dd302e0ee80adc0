package pgwire_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestPgxArrays drives arrays through pgx as applications do: Go slices
// as parameters and scan targets. pgx asks for binary results for the
// array types it knows and sends slices in binary (array_send format),
// so this covers both directions of the binary encoding; the simple
// protocol mode covers the text forms.
func TestPgxArrays(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	setup := ts.connect(t, "")
	if _, err := setup.Exec(ctx, "CREATE TABLE items (id int8 PRIMARY KEY, tags text[], scores int4[])"); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"cache_statement", "simple_protocol"} {
		t.Run(mode, func(t *testing.T) {
			c := ts.connect(t, "&default_query_exec_mode="+mode)
			if _, err := c.Exec(ctx, "DELETE FROM items"); err != nil {
				t.Fatal(err)
			}
			for _, it := range []struct {
				id     int64
				tags   []string
				scores []int32
			}{
				{1, []string{"a", "b c", `q"\`, ""}, []int32{10, 20}},
				{2, []string{}, nil},
				{3, []string{"NULL"}, []int32{-1}},
			} {
				if _, err := c.Exec(ctx, "INSERT INTO items VALUES ($1, $2, $3)", it.id, it.tags, it.scores); err != nil {
					t.Fatalf("insert %d: %v", it.id, err)
				}
			}

			var tags []string
			var scores []int32
			if err := c.QueryRow(ctx, "SELECT tags, scores FROM items WHERE id = $1", 1).Scan(&tags, &scores); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tags, []string{"a", "b c", `q"\`, ""}) || !reflect.DeepEqual(scores, []int32{10, 20}) {
				t.Fatalf("row 1: tags %q scores %v", tags, scores)
			}
			if err := c.QueryRow(ctx, "SELECT tags, scores FROM items WHERE id = 2").Scan(&tags, &scores); err != nil {
				t.Fatal(err)
			}
			if tags == nil || len(tags) != 0 || scores != nil {
				t.Fatalf("row 2: tags %#v scores %#v, want empty and NULL", tags, scores)
			}

			// NULL elements need pointers.
			var withNulls []*string
			if err := c.QueryRow(ctx, "SELECT ARRAY['x', NULL, 'NULL']").Scan(&withNulls); err != nil {
				t.Fatal(err)
			}
			if len(withNulls) != 3 || *withNulls[0] != "x" || withNulls[1] != nil || *withNulls[2] != "NULL" {
				t.Fatalf("NULL elements: %v", withNulls)
			}

			// Array parameters, typed by a cast or inferred from = ANY.
			var big []int64
			if err := c.QueryRow(ctx, "SELECT $1::int8[]", []int64{1, -2, 1 << 40}).Scan(&big); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(big, []int64{1, -2, 1 << 40}) {
				t.Fatalf("$1::int8[] = %v", big)
			}
			rows, err := c.Query(ctx, "SELECT id FROM items WHERE id = ANY($1) ORDER BY id", []int64{3, 1, 7})
			if err != nil {
				t.Fatal(err)
			}
			ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil || !reflect.DeepEqual(ids, []int64{1, 3}) {
				t.Fatalf("= ANY($1): %v %v", ids, err)
			}
			var n int64
			if err := c.QueryRow(ctx, "SELECT count(*) FROM items WHERE 'b c' = ANY(tags) OR tags @> $1", []string{"NULL"}).Scan(&n); err != nil || n != 2 {
				t.Fatalf("text[] parameter: %d %v", n, err)
			}

			// Two dimensions and the NULL array.
			var grid [][]int32
			if err := c.QueryRow(ctx, "SELECT '{{1,2},{3,4}}'::int[]").Scan(&grid); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(grid, [][]int32{{1, 2}, {3, 4}}) {
				t.Fatalf("2-D: %v", grid)
			}
			var none []int32
			if err := c.QueryRow(ctx, "SELECT NULL::int4[]").Scan(&none); err != nil || none != nil {
				t.Fatalf("NULL array: %v %v", none, err)
			}
		})
	}

	// The extended protocol really used binary for the arrays, and
	// inferred the parameter's array type.
	c := ts.connect(t, "")
	rows, err := c.Query(ctx, "SELECT scores, tags FROM items ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for i, fd := range rows.FieldDescriptions() {
		if fd.Format != 1 {
			t.Errorf("column %d: format %d, want binary", i, fd.Format)
		}
	}
	rows.Close()
	sd, err := c.Prepare(ctx, "any", "SELECT id FROM items WHERE id = ANY($1)")
	if err != nil {
		t.Fatal(err)
	}
	if len(sd.ParamOIDs) != 1 || sd.ParamOIDs[0] != 1016 {
		t.Fatalf("parameter types %v, want [1016] (int8[])", sd.ParamOIDs)
	}
}
