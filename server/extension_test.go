package server_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// What testdata/sql/ddl_extension.test cannot show: the NOTICE of CREATE
// EXTENSION IF NOT EXISTS, and the DETAIL, HINT and NOTICE of a DROP
// EXTENSION refused or cascading to the defaults and views that call its
// functions. With STELA_SQLTEST_PG set it runs against that PostgreSQL
// (whose database must not have uuid-ossp installed) instead.
func TestExtensionMessages(t *testing.T) {
	ctx := context.Background()
	c, notices := seqDepConn(t)
	t.Cleanup(func() { c.Exec(context.Background(), `DROP EXTENSION IF EXISTS "uuid-ossp" CASCADE`) })

	mustExec(t, c, "CREATE EXTENSION IF NOT EXISTS plpgsql")
	if got := notices(); len(got) != 1 || got[0].Code != "42710" || got[0].Message != `extension "plpgsql" already exists, skipping` {
		t.Fatalf("notices %+v, want 42710 extension \"plpgsql\" already exists, skipping", got)
	}

	mustExec(t, c, `CREATE EXTENSION "uuid-ossp"`)
	mustExec(t, c, "CREATE TABLE t (id uuid DEFAULT uuid_generate_v4(), b uuid DEFAULT uuid_generate_v3(uuid_ns_dns(), 'x'), n int)")
	mustExec(t, c, "CREATE VIEW v AS SELECT uuid_generate_v5(uuid_ns_url(), 'a') AS u")
	_, err := c.Exec(ctx, `DROP EXTENSION "uuid-ossp"`)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		t.Fatalf("got %v, want 2BP01", err)
	}
	const detail = "default value for column b of table t depends on function uuid_generate_v3(uuid,text)\n" +
		"default value for column id of table t depends on function uuid_generate_v4()\n" +
		"view v depends on function uuid_generate_v5(uuid,text)"
	if pe.Code != "2BP01" || pe.Message != "cannot drop extension uuid-ossp because other objects depend on it" ||
		pe.Detail != detail || pe.Hint != "Use DROP ... CASCADE to drop the dependent objects too." {
		t.Fatalf("got %s %q\ndetail %q\nhint %q", pe.Code, pe.Message, pe.Detail, pe.Hint)
	}
	notices()
	mustExec(t, c, `DROP EXTENSION "uuid-ossp" CASCADE`)
	got := notices()
	const cascaded = "drop cascades to default value for column b of table t\n" +
		"drop cascades to default value for column id of table t\n" +
		"drop cascades to view v"
	if len(got) != 1 || got[0].Message != "drop cascades to 3 other objects" || got[0].Detail != cascaded {
		t.Fatalf("notices %+v, want drop cascades to 3 other objects / %q", got, cascaded)
	}
	mustExec(t, c, "DROP TABLE t")
}
