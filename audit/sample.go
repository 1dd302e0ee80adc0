package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/stela-db/stela/client"
)

// pkTable is a user table with a primary key, and its row count.
type pkTable struct {
	name string   // schema-qualified, quoted: what stela_row_proof takes
	pk   []string // primary key columns, quoted, in key order
	rows int64
}

// tablesQuery lists the primary key columns of the user tables the
// auditor may read, in key order. Tables without a primary key have no
// row proofs by key, and are skipped.
const tablesQuery = `SELECT tc.table_schema, tc.table_name, kcu.column_name
FROM information_schema.table_constraints tc
JOIN information_schema.key_column_usage kcu
  ON kcu.constraint_schema = tc.constraint_schema AND kcu.constraint_name = tc.constraint_name
 AND kcu.table_schema = tc.table_schema AND kcu.table_name = tc.table_name
WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema NOT IN ('pg_catalog', 'information_schema')
ORDER BY tc.table_schema, tc.table_name, kcu.ordinal_position`

// verifySample verifies Config.Sample rows picked at random, uniformly
// over all rows of the database's tables (every row when there are no
// more), and returns how many it verified. Each row is read with its proof
// and checked by the client package: its stored value is re-hashed here
// and must be the one the log holds.
func (a *Auditor) verifySample(ctx context.Context, cl *client.Client) (int, error) {
	if a.cfg.Sample < 0 {
		return 0, nil
	}
	tables, total, err := listTables(ctx, cl.Conn)
	if err != nil {
		return 0, err
	}
	verified := 0
	verify := func(t *pkTable, key []string) error {
		pk := make([]any, len(key))
		for i, v := range key {
			pk[i] = v
		}
		if _, err := cl.VerifiedRow(ctx, 0, t.name, pk...); err != nil {
			return fmt.Errorf("row %s (%s) = (%s): %w", t.name, strings.Join(t.pk, ", "), strings.Join(key, ", "), err)
		}
		verified++
		return nil
	}
	if total <= int64(a.cfg.Sample) {
		for i := range tables {
			keys, err := readKeys(ctx, cl.Conn, &tables[i], "")
			if err != nil {
				return verified, err
			}
			for _, k := range keys {
				if err := verify(&tables[i], k); err != nil {
					return verified, err
				}
			}
		}
		return verified, nil
	}
	for range a.cfg.Sample {
		// Row n of the concatenation of all tables: uniform over rows,
		// not over tables.
		n := a.rand.Int64N(total)
		i := 0
		for n >= tables[i].rows {
			n -= tables[i].rows
			i++
		}
		keys, err := readKeys(ctx, cl.Conn, &tables[i], fmt.Sprintf(" LIMIT 1 OFFSET %d", n))
		if err != nil {
			return verified, err
		}
		if len(keys) == 0 {
			continue // deleted since counted
		}
		if err := verify(&tables[i], keys[0]); err != nil {
			return verified, err
		}
	}
	return verified, nil
}

// listTables returns the tables with a primary key and their row counts,
// and the total.
func listTables(ctx context.Context, conn *pgx.Conn) ([]pkTable, int64, error) {
	rows, err := conn.Query(ctx, tablesQuery)
	if err != nil {
		return nil, 0, fmt.Errorf("list tables: %w", err)
	}
	var tables []pkTable
	for rows.Next() {
		var schema, table, col string
		if err := rows.Scan(&schema, &table, &col); err != nil {
			return nil, 0, err
		}
		name := pgx.Identifier{schema, table}.Sanitize()
		if len(tables) == 0 || tables[len(tables)-1].name != name {
			tables = append(tables, pkTable{name: name})
		}
		t := &tables[len(tables)-1]
		t.pk = append(t.pk, pgx.Identifier{col}.Sanitize())
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list tables: %w", err)
	}
	var total int64
	for i := range tables {
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+tables[i].name).Scan(&tables[i].rows); err != nil {
			return nil, 0, fmt.Errorf("count rows of %s: %w", tables[i].name, err)
		}
		total += tables[i].rows
	}
	return tables, total, nil
}

// readKeys reads primary keys of t as text, in key order, with a LIMIT
// clause or none.
func readKeys(ctx context.Context, conn *pgx.Conn, t *pkTable, limit string) ([][]string, error) {
	cols := make([]string, len(t.pk))
	for i, c := range t.pk {
		cols[i] = c + "::text"
	}
	q := fmt.Sprintf("SELECT %s FROM %s ORDER BY %s%s", strings.Join(cols, ", "), t.name, strings.Join(t.pk, ", "), limit)
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read keys of %s: %w", t.name, err)
	}
	var keys [][]string
	for rows.Next() {
		key := make([]string, len(cols))
		ptrs := make([]any, len(cols))
		for i := range key {
			ptrs[i] = &key[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		keys = append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read keys of %s: %w", t.name, err)
	}
	return keys, nil
}
