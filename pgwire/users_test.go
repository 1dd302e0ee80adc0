package pgwire_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestUsers(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	ctx := context.Background()

	// The password policy, rule by rule (22023, the rule in the message).
	for pw, rule := range map[string]string{
		"Ab1!":      "at least 8 characters",
		"abcdefg1!": "uppercase",
		"ABCDEFG1!": "lowercase",
		"Abcdefgh!": "digit",
		"Abcdefgh1": "symbol",
	} {
		pe := wantState(t, admin, "22023", "CREATE USER ud_u PASSWORD '"+pw+"'")
		if !strings.Contains(pe.Message, rule) {
			t.Errorf("password %q: %q, want the rule %q", pw, pe.Message, rule)
		}
	}
	execAll(t, admin, "CREATE USER ud_u WITH PASSWORD 'Secret#123'", "GRANT CONNECT ON DATABASE defaultdb TO ud_u")
	wantState(t, admin, "42710", "CREATE USER ud_u")
	wantState(t, admin, "42939", "CREATE USER pg_ud")
	wantState(t, admin, "0A000", "CREATE USER ud_v CREATEDB")
	tx, _ := admin.Begin(ctx)
	wantState(t, tx.Conn(), "25001", "CREATE USER ud_v")
	_ = tx.Rollback(ctx)

	// Only the verifier is stored; login with SCRAM works; a wrong
	// password fails (28P01).
	var n int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_roles WHERE rolname = 'ud_u' AND rolcanlogin AND NOT rolsuper").Scan(&n); err != nil || n != 1 {
		t.Fatalf("pg_roles: %d %v", n, err)
	}
	if u, err := ts.engine.LookupUser("ud_u"); err != nil || !strings.HasPrefix(u.Verifier, "SCRAM-SHA-256$4096:") || strings.Contains(u.Verifier, "Secret#123") {
		t.Fatalf("stored verifier: %+v %v", u, err)
	}
	u, err := ts.connectAs("ud_u", "Secret#123", "defaultdb")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.connectAs("ud_u", "Secret#124", "defaultdb"); sqlState(err) != "28P01" {
		t.Fatalf("wrong password: %v", err)
	}

	// Not a superuser: 42501 for every administrative statement, but
	// the user may change their own password (under the policy).
	for _, s := range []string{
		"CREATE USER ud_x", "CREATE DATABASE ud_x", "DROP DATABASE postgres", "ALTER DATABASE postgres RENAME TO ud_x",
		"ALTER USER admin PASSWORD 'Other#123'", "ALTER USER ud_u SUPERUSER", "ALTER USER admin NOLOGIN",
		"ALTER USER admin RENAME TO ud_x", "DROP USER admin",
	} {
		wantState(t, u, "42501", s)
	}
	wantState(t, u, "22023", "ALTER USER ud_u PASSWORD 'weak'")
	execAll(t, u, "ALTER USER ud_u WITH PASSWORD 'Changed#456'")
	u.Close(ctx)
	if _, err := ts.connectAs("ud_u", "Secret#123", "defaultdb"); sqlState(err) != "28P01" {
		t.Fatalf("old password after change: %v", err)
	}
	u, err = ts.connectAs("ud_u", "Changed#456", "defaultdb")
	if err != nil {
		t.Fatal(err)
	}

	// NOLOGIN: the open session ends (57P01), new logins get 28000.
	execAll(t, admin, "ALTER USER ud_u NOLOGIN")
	waitTerminated(t, u)
	_, err = ts.connectAs("ud_u", "Changed#456", "defaultdb")
	if sqlState(err) != "28000" || !strings.Contains(err.Error(), `role "ud_u" is not permitted to log in`) {
		t.Fatalf("NOLOGIN login: %v", err)
	}
	execAll(t, admin, "ALTER USER ud_u LOGIN")
	if u, err = ts.connectAs("ud_u", "Changed#456", "defaultdb"); err != nil {
		t.Fatal(err)
	}

	// CREATE ROLE: NOLOGIN by default; LOGIN PASSWORD makes a login
	// user. A pre-hashed SCRAM verifier is stored as given.
	execAll(t, admin, "CREATE ROLE ud_r")
	if _, err := ts.connectAs("ud_r", "x", "defaultdb"); sqlState(err) != "28P01" {
		t.Fatalf("role without password: %v", err)
	}
	verifier := "SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0c2FsdA==$" +
		"zJeJ0GHFz8Mnmhsp1yEAdmCDaG1ux2CWAi5kBd5Z/ms=:UAUzwR+2ivYvrbUbv8YuPNqtJaNPz7JL2+ZCtkC6Dj0="
	execAll(t, admin, "CREATE ROLE ud_h LOGIN PASSWORD '"+verifier+"'")
	if h, _ := ts.engine.LookupUser("ud_h"); h == nil || h.Verifier != verifier || !h.Login {
		t.Fatalf("pre-hashed verifier: %+v", h)
	}
	wantState(t, admin, "0A000", "CREATE ROLE ud_m LOGIN PASSWORD 'md5"+strings.Repeat("0", 32)+"'")

	// RENAME ends the renamed user's sessions; the new name logs in.
	wantState(t, admin, "42710", "ALTER USER ud_u RENAME TO ud_r")
	wantState(t, admin, "0A000", "ALTER USER admin RENAME TO ud_admin")
	execAll(t, admin, "ALTER USER ud_u RENAME TO ud_w")
	waitTerminated(t, u)
	if _, err := ts.connectAs("ud_u", "Changed#456", "defaultdb"); sqlState(err) != "28P01" {
		t.Fatalf("old name: %v", err)
	}
	w, err := ts.connectAs("ud_w", "Changed#456", "defaultdb")
	if err != nil {
		t.Fatal(err)
	}

	// DROP: not the current user, not admin; IF EXISTS skips; the
	// dropped user's sessions end.
	wantState(t, admin, "55006", "DROP USER admin")
	execAll(t, admin, "CREATE USER ud_s SUPERUSER PASSWORD 'Super#789'")
	s, err := ts.connectAs("ud_s", "Super#789", "defaultdb")
	if err != nil {
		t.Fatal(err)
	}
	wantState(t, s, "2BP01", "DROP USER admin")
	// admin may be made NOLOGIN while another superuser can log in,
	// but then that one is the last and cannot be dropped or demoted.
	execAll(t, s, "ALTER USER admin NOLOGIN")
	wantState(t, s, "42501", "ALTER USER admin NOSUPERUSER")
	wantState(t, s, "55006", "DROP USER ud_s")
	execAll(t, s, "ALTER USER admin LOGIN")
	admin = ts.connect(t, "")
	// A user who holds privileges cannot be dropped (2BP01), as in
	// PostgreSQL: REVOKE first.
	wantState(t, admin, "2BP01", "DROP USER ud_w")
	execAll(t, admin, "REVOKE ALL ON DATABASE defaultdb FROM ud_w")
	execAll(t, admin, "DROP USER ud_s", "DROP USER IF EXISTS ud_nobody, ud_w, ud_r, ud_h")
	waitTerminated(t, s)
	waitTerminated(t, w)
	wantState(t, admin, "42704", "DROP USER ud_w")
	wantState(t, admin, "42704", "ALTER USER ud_w PASSWORD 'Whatever#1'")
	var names string
	if err := admin.QueryRow(ctx, "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles").Scan(&names); err != nil || names != "admin" {
		t.Fatalf("pg_roles at the end: %q %v", names, err)
	}
}

// TestHostileIdentifiers: names with quotes, semicolons and non-ASCII
// letters are names, never SQL: the user and the database work, and
// nothing else happens.
func TestHostileIdentifiers(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.connect(t, "")
	ctx := context.Background()
	execAll(t, admin, "CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)")
	user := `x"; DROP TABLE t; --`
	db := `ü/../"; DROP TABLE t; --`
	quote := func(s string) string { return pgx.Identifier{s}.Sanitize() }
	execAll(t, admin,
		"CREATE USER "+quote(user)+" PASSWORD 'Hostile#123'",
		"CREATE DATABASE "+quote(db),
		"GRANT CONNECT ON DATABASE "+quote(db)+" TO "+quote(user))
	c, err := ts.connectAs(user, "Hostile#123", db)
	if err != nil {
		t.Fatal(err)
	}
	var cu, cd string
	if err := c.QueryRow(ctx, "SELECT current_user, current_database()").Scan(&cu, &cd); err != nil || cu != user || cd != db {
		t.Fatalf("session: %q %q %v", cu, cd, err)
	}
	var n int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Fatalf("t after hostile names: %d %v", n, err)
	}
	c.Close(ctx)
	execAll(t, admin, "DROP DATABASE "+quote(db), "DROP USER "+quote(user))
}
