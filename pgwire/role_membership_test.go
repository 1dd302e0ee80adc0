package pgwire_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestRoleMembership: a member of a group role has the group's
// privileges (and those of the group's groups), loses them when the
// membership is revoked, and keeps them across a restart; ADMIN OPTION
// lets a member grant the group; PUBLIC's privileges are everyone's.
func TestRoleMembership(t *testing.T) {
	dir := t.TempDir()
	ts := startServerAt(t, dir, nil)
	ctx := context.Background()
	admin := ts.connect(t, "")
	const pw = "Mem!pw0rd1"
	execAll(t, admin,
		"CREATE ROLE rm_readers", "CREATE ROLE rm_staff",
		"CREATE USER rm_alice PASSWORD '"+pw+"'", "CREATE USER rm_bob PASSWORD '"+pw+"'",
		"GRANT CONNECT ON DATABASE defaultdb TO PUBLIC",
		"CREATE TABLE rm_t (id int PRIMARY KEY)", "INSERT INTO rm_t VALUES (1)",
		"CREATE TABLE rm_open (id int)", "GRANT SELECT ON rm_open TO PUBLIC",
		"GRANT SELECT ON rm_t TO rm_readers",
		"GRANT rm_readers TO rm_staff", "GRANT rm_staff TO rm_alice")
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
	// CONNECT and SELECT on rm_open come from PUBLIC; SELECT on rm_t
	// through rm_staff, a member of rm_readers.
	alice, bob := connect("rm_alice"), connect("rm_bob")
	execAll(t, alice, "SELECT * FROM rm_t", "SELECT * FROM rm_open")
	execAll(t, bob, "SELECT * FROM rm_open")
	wantState(t, bob, "42501", "SELECT * FROM rm_t")
	wantState(t, alice, "42501", "INSERT INTO rm_t VALUES (2)")
	check(alice, "has_table_privilege", "SELECT has_table_privilege('rm_t', 'SELECT')::text || has_table_privilege('rm_bob', 'rm_t', 'SELECT')::text", "truefalse")
	check(alice, "pg_has_role", "SELECT pg_has_role('rm_readers', 'USAGE')::text || pg_has_role('rm_bob', 'rm_readers', 'MEMBER')::text", "truefalse")
	check(admin, "relacl", "SELECT relacl::text FROM pg_class WHERE relname = 'rm_open'", "{admin=arwdDxt/admin,=r/admin}")

	// Only a holder of ADMIN OPTION (or a superuser) grants a role.
	if pe := wantState(t, alice, "42501", "GRANT rm_readers TO rm_bob"); pe != nil && pe.Message != `must have admin option on role "rm_readers"` {
		t.Errorf("grant without admin option: %q", pe.Message)
	}
	execAll(t, admin, "GRANT rm_readers TO rm_staff WITH ADMIN OPTION")
	execAll(t, alice, "GRANT rm_readers TO rm_bob") // through rm_staff
	execAll(t, bob, "SELECT * FROM rm_t")
	check(admin, "pg_auth_members", `SELECT string_agg(roleid::regrole || '>' || member::regrole || '/' || grantor::regrole || ':' || admin_option, ',' ORDER BY 1)
		FROM pg_auth_members`, "rm_readers>rm_bob/rm_alice:false,rm_readers>rm_staff/admin:true,rm_staff>rm_alice/admin:false")
	if pe := wantState(t, admin, "0LP01", "GRANT rm_alice TO rm_readers"); pe != nil && pe.Message != `role "rm_alice" is a member of role "rm_readers"` {
		t.Errorf("loop: %q", pe.Message)
	}

	// A REVOKE holds from the member's next statement.
	execAll(t, admin, "REVOKE rm_staff FROM rm_alice", "REVOKE SELECT ON rm_open FROM PUBLIC")
	wantState(t, alice, "42501", "SELECT * FROM rm_t")
	wantState(t, alice, "42501", "SELECT * FROM rm_open")
	execAll(t, admin, "GRANT rm_staff TO rm_alice")

	// Memberships are in the system log: a restart keeps them.
	ts.stop(t)
	ts = startServerAt(t, dir, nil)
	alice, bob = connect("rm_alice"), connect("rm_bob")
	execAll(t, alice, "SELECT * FROM rm_t")
	execAll(t, bob, "SELECT * FROM rm_t")

	// A dropped role's memberships go with it.
	admin = ts.connect(t, "")
	execAll(t, admin, "REVOKE SELECT ON rm_t FROM rm_readers", "DROP ROLE rm_readers")
	check(admin, "pg_auth_members after drop", "SELECT string_agg(roleid::regrole || '>' || member::regrole, ',') FROM pg_auth_members", "rm_staff>rm_alice")
	execAll(t, admin, "CREATE ROLE rm_readers")
	check(admin, "a new role of the name", "SELECT pg_has_role('rm_bob', 'rm_readers', 'USAGE')::text", "false")
}

// TestRoleOwnership: a member of a role that owns a table holds every
// privilege on it and may give objects to that role.
func TestRoleOwnership(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	admin := ts.connect(t, "")
	const pw = "Own!pw0rd1"
	execAll(t, admin, "CREATE ROLE ro_team", "CREATE USER ro_carol PASSWORD '"+pw+"'",
		"GRANT CONNECT ON DATABASE defaultdb TO ro_carol", "GRANT CREATE ON DATABASE defaultdb TO ro_team",
		"CREATE TABLE ro_t (id int)", "ALTER TABLE ro_t OWNER TO ro_team")
	carol, err := ts.connectAs("ro_carol", pw, "defaultdb")
	if err != nil {
		t.Fatal(err)
	}
	defer carol.Close(ctx)
	wantState(t, carol, "42501", "INSERT INTO ro_t VALUES (1)")
	wantState(t, carol, "42501", "CREATE TABLE ro_mine (id int)")
	execAll(t, admin, "GRANT ro_team TO ro_carol")
	execAll(t, carol, "INSERT INTO ro_t VALUES (1)", "CREATE TABLE ro_mine (id int)", "ALTER TABLE ro_mine OWNER TO ro_team")
	wantState(t, carol, "42501", "ALTER TABLE ro_mine OWNER TO admin")
}
