package pgwire_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestSetRole: a user who is no superuser may SET ROLE only to the roles
// it is a member of, and then acts with that role's privileges and
// creates objects that role owns; a NOINHERIT member uses its groups'
// privileges only after SET ROLE; is_superuser is reported as the role
// changes; a session whose current role is dropped is ended; NOINHERIT
// survives a restart.
func TestSetRole(t *testing.T) {
	dir := t.TempDir()
	ts := startServerAt(t, dir, nil)
	ctx := context.Background()
	admin := ts.connect(t, "")
	const pw = "Set!pw0rd1"
	execAll(t, admin,
		"CREATE ROLE sr_group", "CREATE ROLE sr_other", "CREATE ROLE sr_tmp",
		"CREATE USER sr_user PASSWORD '"+pw+"'", "CREATE USER sr_noinh NOINHERIT PASSWORD '"+pw+"'",
		"GRANT CONNECT ON DATABASE defaultdb TO PUBLIC", "GRANT CREATE ON DATABASE defaultdb TO sr_group",
		"CREATE TABLE sr_t (id int)", "INSERT INTO sr_t VALUES (1)", "GRANT SELECT ON sr_t TO sr_group",
		"GRANT sr_group TO sr_user", "GRANT sr_group TO sr_noinh", "GRANT sr_tmp TO sr_user")
	connect := func(user string) *pgx.Conn {
		t.Helper()
		c, err := ts.connectAs(user, pw, "defaultdb")
		if err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		t.Cleanup(func() { c.Close(ctx) })
		return c
	}
	check := func(c *pgx.Conn, what, sql, want string) {
		t.Helper()
		var got string
		if err := c.QueryRow(ctx, sql).Scan(&got); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got != want {
			t.Errorf("%s: %q, want %q", what, got, want)
		}
	}

	// Only to a role one is a member of; an unknown role is 22023.
	user := connect("sr_user")
	if pe := wantState(t, user, "42501", "SET ROLE sr_other"); pe != nil && pe.Message != `permission denied to set role "sr_other"` {
		t.Errorf("set role: %q", pe.Message)
	}
	wantState(t, user, "22023", "SET ROLE sr_nosuch")
	execAll(t, user, "SET ROLE sr_group", "CREATE TABLE sr_mine (id int)")
	check(user, "identities", "SELECT current_user || '/' || session_user || '/' || current_setting('role')", "sr_group/sr_user/sr_group")
	check(admin, "owner", "SELECT tableowner::text FROM pg_tables WHERE tablename = 'sr_mine'", "sr_group")
	// The session user, not the current role, decides: sr_group is no
	// member of sr_tmp, sr_user is.
	execAll(t, user, "SET ROLE sr_tmp", "RESET ROLE")
	wantState(t, user, "42501", "SET ROLE sr_other")
	check(user, "reset", "SELECT current_user", "sr_user")

	// A NOINHERIT member has its group's privileges only as the group.
	noinh := connect("sr_noinh")
	wantState(t, noinh, "42501", "SELECT * FROM sr_t")
	check(noinh, "pg_has_role", "SELECT pg_has_role('sr_group', 'USAGE')::text || pg_has_role('sr_group', 'MEMBER')::text", "falsetrue")
	execAll(t, noinh, "SET ROLE sr_group", "SELECT * FROM sr_t", "RESET ROLE")
	wantState(t, noinh, "42501", "SELECT * FROM sr_t")
	// Giving an object away needs membership only, as in PostgreSQL.
	execAll(t, noinh, "SET ROLE sr_group", "CREATE TABLE sr_given (id int)", "ALTER TABLE sr_given OWNER TO sr_group", "RESET ROLE")

	// is_superuser follows the current role, reported to the client.
	execAll(t, admin, "SET ROLE sr_group")
	if got := admin.PgConn().ParameterStatus("is_superuser"); got != "off" {
		t.Errorf("is_superuser after SET ROLE: %q", got)
	}
	execAll(t, admin, "RESET ROLE")
	if got := admin.PgConn().ParameterStatus("is_superuser"); got != "on" {
		t.Errorf("is_superuser after RESET ROLE: %q", got)
	}

	// Dropping the role a session acts as ends that session, as
	// dropping its session user would.
	execAll(t, user, "SET ROLE sr_tmp")
	execAll(t, admin, "DROP ROLE sr_tmp")
	waitTerminated(t, user)

	// NOINHERIT is kept in the system log, as the other attributes.
	execAll(t, admin, "ALTER ROLE sr_other NOINHERIT", "ALTER ROLE sr_noinh INHERIT")
	ts.stop(t)
	ts = startServerAt(t, dir, nil)
	admin = ts.connect(t, "")
	check(admin, "rolinherit after restart", `SELECT string_agg(rolname || ':' || rolinherit, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'sr\_%'`,
		"sr_group:true,sr_noinh:true,sr_other:false,sr_user:true")
	noinh = connect("sr_noinh")
	execAll(t, noinh, "SELECT * FROM sr_t")
}
