package pgwire_test

import (
	"context"
	"testing"
)

// TestSessionAuthorization: only a login that is a superuser may SET
// SESSION AUTHORIZATION to another user (and come back once it is no
// superuser); pg_stat_activity keeps showing who logged in; the new
// session user and is_superuser are reported to the client; a session
// whose session user is dropped elsewhere is ended.
func TestSessionAuthorization(t *testing.T) {
	ts := startServerAt(t, t.TempDir(), nil)
	ctx := context.Background()
	admin := ts.connect(t, "")
	const pw = "Sess!pw0rd1"
	execAll(t, admin, "CREATE USER sa_user PASSWORD '"+pw+"'", "CREATE ROLE sa_other", "CREATE ROLE sa_gone",
		"GRANT CONNECT ON DATABASE defaultdb TO PUBLIC")
	user, err := ts.connectAs("sa_user", pw, "defaultdb")
	if err != nil {
		t.Fatal(err)
	}
	defer user.Close(ctx)

	// A login that is no superuser may only name itself.
	if pe := wantState(t, user, "42501", "SET SESSION AUTHORIZATION sa_other"); pe != nil && pe.Message != "permission denied to set session authorization" {
		t.Errorf("message: %q", pe.Message)
	}
	execAll(t, user, "SET SESSION AUTHORIZATION sa_user", "SET SESSION AUTHORIZATION DEFAULT")

	// A superuser login moves to sa_other and back, though sa_other is
	// no superuser.
	execAll(t, admin, "SET SESSION AUTHORIZATION sa_other")
	if got := admin.PgConn().ParameterStatus("session_authorization"); got != "sa_other" {
		t.Errorf("session_authorization reported: %q", got)
	}
	if got := admin.PgConn().ParameterStatus("is_superuser"); got != "off" {
		t.Errorf("is_superuser reported: %q", got)
	}
	var name string
	if err := admin.QueryRow(ctx, "SELECT usename FROM pg_stat_activity WHERE pid = pg_backend_pid()").Scan(&name); err != nil || name != "admin" {
		t.Errorf("pg_stat_activity usename: %q, %v", name, err)
	}
	execAll(t, admin, "SET SESSION AUTHORIZATION sa_user", "SET SESSION AUTHORIZATION DEFAULT")
	if got := admin.PgConn().ParameterStatus("is_superuser"); got != "on" {
		t.Errorf("is_superuser after DEFAULT: %q", got)
	}

	// Dropping the session user another session runs as ends that session.
	other := ts.connect(t, "")
	execAll(t, other, "SET SESSION AUTHORIZATION sa_gone")
	execAll(t, admin, "DROP ROLE sa_gone")
	waitTerminated(t, other)
}
