package server_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestPgDumpRestore restores a plain-SQL dump that PostgreSQL 15's
// pg_dump made (testdata/pgdump/shop_pg15.sql: schemas, serial and
// identity columns, a stored generated column, a table without a
// primary key, composite and added primary keys, unique, partial and
// expression indexes, CHECK and foreign keys, a view, a materialized
// view, a sequence, collations, owners, comments and grants), as `psql
// -v ON_ERROR_STOP=1 -f` does: every statement must succeed. Then the restored database
// must answer as the dumped one did, and go on as it would: sequences
// and identities continue, constraints hold, owners have their tables.
func TestPgDumpRestore(t *testing.T) {
	ctx := context.Background()
	srv := startServer(t, nil)
	admin := mustConnect(t, dsnOf(srv))
	for _, s := range []string{"CREATE DATABASE shop", "CREATE ROLE postgres", "CREATE ROLE alice", "CREATE ROLE bob"} {
		if _, err := admin.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	shop := strings.Replace(dsnOf(srv), "/defaultdb", "/shop", 1)
	script, err := os.ReadFile("../testdata/pgdump/shop_pg15.sql")
	if err != nil {
		t.Fatal(err)
	}
	// The script's session ends with it (it empties search_path).
	if err := runPsqlScript(ctx, mustConnect(t, shop).PgConn(), string(script)); err != nil {
		t.Fatal(err)
	}
	c := mustConnect(t, shop)
	for _, q := range []struct{ sql, want string }{
		{"SELECT id, email, name, vip FROM customers ORDER BY id", "1 a@x.com Ann f|2 b@x.com Bob f|3 c@x.com Tab\there f"},
		{"SELECT id, customer_id, total, placed, note, tags FROM sales.orders ORDER BY id", `1 1 150.50 2026-01-02 {"gift": true} {a,b}|2 2 20.00 2026-02-03 <nil> {}|3 1 0.00 2026-03-04 [1, 2] <nil>`},
		{"SELECT count(*), sum(qty) FROM items", "3 6"},
		{"SELECT a, b FROM gen ORDER BY a", "1 2|2 4"},
		{"SELECT a, encode(b, 'hex'), c, d, e FROM nopk ORDER BY a", "1 deadbeef a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 1 day 02:00:00 12:34:56|<nil> <nil> <nil> <nil> <nil>"},
		{"SELECT * FROM big_orders", "1 a@x.com 150.50"},
		{"SELECT customer_id, total FROM order_totals ORDER BY customer_id", "1 150.50|2 20.00"},
		{"SELECT matviewname, ispopulated FROM pg_matviews", "order_totals t"},
		// The primary keys, the unique and the foreign keys hold.
		{"SELECT conname, contype FROM pg_constraint WHERE conrelid IN ('customers'::regclass, 'sales.orders'::regclass, 'items'::regclass) ORDER BY conname",
			"customers_email_key u|customers_pkey p|items_pkey p|orders_customer_id_fkey f|orders_pkey p|orders_total_check c"},
		{"SELECT pg_get_serial_sequence('customers', 'id'), pg_get_serial_sequence('sales.orders', 'id'), pg_get_serial_sequence('events', 'id')",
			"public.customers_id_seq sales.orders_id_seq public.events_id_seq"},
		// Sequences and identities continue where the dump left them.
		{"INSERT INTO customers (email) VALUES ('d@x.com') RETURNING id", "4"},
		{"INSERT INTO sales.orders (customer_id, total, placed) VALUES (4, 1, '2026-05-06') RETURNING id", "4"},
		{"INSERT INTO events (kind) VALUES ('c') RETURNING id", "102"},
		{"SELECT nextval('invoice_no')", "1005"},
		{"SELECT tableowner FROM pg_tables WHERE tablename = 'customers'", "alice"},
		{"SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'sales'", "alice"},
		{"SELECT obj_description('customers'::regclass, 'pg_class'), col_description('customers'::regclass, 5)", "people who buy gets discounts"},
		{"SELECT attname, attcollation FROM pg_attribute WHERE attrelid = 'customers'::regclass AND attname = 'name'", "name 950"},
		{"SELECT has_table_privilege('bob', 'items', 'SELECT')", "t"},
	} {
		if got := queryRows(t, c, q.sql); got != q.want {
			t.Errorf("%s:\n got %q\nwant %q", q.sql, got, q.want)
		}
	}
	for _, q := range []struct{ sql, code string }{
		{"INSERT INTO customers (id, email) VALUES (1, 'z@x.com')", "23505"},
		{"INSERT INTO customers (email) VALUES ('A@X.COM')", "23505"}, // lower(email)
		{"INSERT INTO sales.orders (customer_id, total, placed) VALUES (99, 1, '2026-01-01')", "23503"},
		{"INSERT INTO sales.orders (id, customer_id, total, placed) VALUES (9, 1, 1, '2026-01-01')", "428C9"},
		{"INSERT INTO sales.orders (customer_id, total, placed) VALUES (1, -1, '2026-01-01')", "23514"},
		{"INSERT INTO items VALUES (1, 1, 'X', 1, 1)", "23505"},
	} {
		_, err := c.Exec(ctx, q.sql)
		if pe, ok := err.(*pgconn.PgError); !ok || pe.Code != q.code {
			t.Errorf("%s: %v, want SQLSTATE %s", q.sql, err, q.code)
		}
	}
	// The rows the dump's COPY wrote keep their history under the keys
	// ADD PRIMARY KEY gave them.
	if got := queryRows(t, c, "SELECT count(*) FROM items FOR SYSTEM_TIME ALL WHERE _op = 'insert'"); got != "6" {
		t.Errorf("items' history: %s inserts, want 6 (3 under row ids, 3 under their keys)", got)
	}
}

// runPsqlScript runs a pg_dump script as psql with ON_ERROR_STOP does:
// statement by statement, COPY ... FROM stdin with the data lines that
// follow it, backslash commands (\restrict) skipped. pg_dump ends each
// statement at the end of a line, which is all the splitting needs.
func runPsqlScript(ctx context.Context, c *pgconn.PgConn, script string) error {
	sc := bufio.NewScanner(strings.NewReader(script))
	var stmt strings.Builder
	line := 0
	for sc.Scan() {
		line++
		l := sc.Text()
		if stmt.Len() == 0 && (l == "" || strings.HasPrefix(l, "--") || strings.HasPrefix(l, `\`)) {
			continue
		}
		stmt.WriteString(l)
		stmt.WriteByte('\n')
		if !strings.HasSuffix(l, ";") {
			continue
		}
		sql := stmt.String()
		stmt.Reset()
		if strings.HasPrefix(sql, "COPY ") && strings.HasSuffix(strings.TrimSpace(sql), "FROM stdin;") {
			var data strings.Builder
			for sc.Scan() {
				line++
				if sc.Text() == `\.` {
					break
				}
				data.WriteString(sc.Text())
				data.WriteByte('\n')
			}
			if _, err := c.CopyFrom(ctx, strings.NewReader(data.String()), sql); err != nil {
				return fmt.Errorf("line %d: %s: %w", line, sql, err)
			}
			continue
		}
		if _, err := c.Exec(ctx, sql).ReadAll(); err != nil {
			return fmt.Errorf("line %d: %s: %w", line, sql, err)
		}
	}
	return sc.Err()
}

// queryRows runs a query and prints its rows, values apart by spaces and
// rows by "|".
func queryRows(t *testing.T, c *pgx.Conn, sql string) string {
	t.Helper()
	// The simple protocol's text values, as psql prints them.
	rows, err := c.Query(context.Background(), sql, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	var out []string
	for rows.Next() {
		var parts []string
		for _, v := range rows.RawValues() {
			if v == nil {
				parts = append(parts, "<nil>")
			} else {
				parts = append(parts, string(v))
			}
		}
		out = append(out, strings.Join(parts, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return strings.Join(out, "|")
}
