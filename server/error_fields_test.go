package server_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Integrity errors name their schema, table, column, data type and
// constraint in the ErrorResponse's own fields, as PostgreSQL 15 sends
// them for the same statements (checked side by side with psql's
// VERBOSITY verbose), so that clients and ORMs can tell which constraint
// failed without parsing the message.
func TestErrorObjectFields(t *testing.T) {
	ctx := context.Background()
	c, exec := connectExec(t)
	exec("CREATE SCHEMA ef")
	exec("CREATE TABLE ef.p (id int PRIMARY KEY, u int UNIQUE, c int CHECK (c > 0), n int NOT NULL DEFAULT 1)")
	exec("CREATE TABLE ef.ch (id int PRIMARY KEY, pid int REFERENCES ef.p (id))")
	exec("INSERT INTO ef.p VALUES (1, 1, 1, 1)")
	exec("INSERT INTO ef.ch VALUES (1, 1)")
	exec("CREATE DOMAIN ef.d AS int NOT NULL CHECK (VALUE > 0)")
	exec("CREATE TABLE ef.q (a int, b ef.d)")
	exec("INSERT INTO ef.q VALUES (NULL, 1), (1, 1), (1, 2)")
	type fields struct{ code, schema, table, column, dataType, constraint string }
	cases := []struct {
		stmt string
		want fields
	}{
		{"INSERT INTO ef.p VALUES (1, 2, 1, 1)", fields{"23505", "ef", "p", "", "", "p_pkey"}},
		{"INSERT INTO ef.p VALUES (2, 1, 1, 1)", fields{"23505", "ef", "p", "", "", "p_u_key"}},
		{"INSERT INTO ef.p VALUES (3, 3, -1, 1)", fields{"23514", "ef", "p", "", "", "p_c_check"}},
		{"INSERT INTO ef.p VALUES (4, 4, 1, NULL)", fields{"23502", "ef", "p", "n", "", ""}},
		{"INSERT INTO ef.ch VALUES (2, 99)", fields{"23503", "ef", "ch", "", "", "ch_pid_fkey"}},
		// The referencing table, as PostgreSQL names it for a parent's
		// delete too.
		{"DELETE FROM ef.p", fields{"23503", "ef", "ch", "", "", "ch_pid_fkey"}},
		{"SELECT (-1)::ef.d", fields{"23514", "ef", "", "", "d", "d_check"}},
		{"SELECT NULL::ef.d", fields{"23502", "ef", "", "", "d", ""}},
		{"INSERT INTO ef.q VALUES (1, 0)", fields{"23514", "ef", "", "", "d", "d_check"}},
		{"ALTER TABLE ef.q ALTER a SET NOT NULL", fields{"23502", "ef", "q", "a", "", ""}},
		{"ALTER TABLE ef.q ADD CONSTRAINT qc CHECK (a > 1)", fields{"23514", "ef", "q", "", "", "qc"}},
		{"CREATE UNIQUE INDEX qa ON ef.q (a)", fields{"23505", "ef", "q", "", "", "qa"}},
		{"ALTER DOMAIN ef.d ADD CONSTRAINT big CHECK (VALUE > 1)", fields{"23514", "ef", "q", "b", "", ""}},
	}
	for _, tc := range cases {
		_, err := c.Exec(ctx, tc.stmt)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v, want an error", tc.stmt, err)
			continue
		}
		got := fields{pe.Code, pe.SchemaName, pe.TableName, pe.ColumnName, pe.DataTypeName, pe.ConstraintName}
		if got != tc.want {
			t.Errorf("%s: %s: fields %+v, want %+v", tc.stmt, pe.Message, got, tc.want)
		}
	}
	// COPY's unique violations too.
	_, err := c.CopyFrom(ctx, pgx.Identifier{"ef", "p"}, []string{"id"}, pgx.CopyFromRows([][]any{{int32(1)}}))
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.SchemaName != "ef" || pe.TableName != "p" || pe.ConstraintName != "p_pkey" {
		t.Errorf("COPY duplicate: %v %+v, want ef.p p_pkey", err, pe)
	}
}
