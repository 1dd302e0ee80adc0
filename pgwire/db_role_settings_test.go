package pgwire_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The setting defaults of ALTER DATABASE/ROLE ... SET as sessions see
// them: PostgreSQL's precedence (role in database > role > database >
// all roles), the startup packet over all of them, RESET going back to
// them, the ParameterStatus sent at startup, who may change them, a bad
// stored value skipped with a warning, and a restart keeping them. The
// statements and pg_db_role_setting's rows are in
// testdata/sql/ddl_alter_database_set.test.

const drsAppPassword = "App!pw0rd1"

// drsSession is a session opened with startup parameters, keeping the
// notices it got while it started.
type drsSession struct {
	*pgx.Conn
	mu      sync.Mutex
	notices []*pgconn.Notice
}

// connectDRS connects as user to db with startup parameters params.
func (ts *testServer) connectDRS(t *testing.T, user, password, db string, params map[string]string) (*drsSession, error) {
	t.Helper()
	host, port, _ := net.SplitHostPort(ts.addr)
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%s sslmode=disable", host, port))
	if err != nil {
		return nil, err
	}
	cfg.User, cfg.Password, cfg.Database = user, password, db
	for k, v := range params {
		cfg.RuntimeParams[k] = v
	}
	s := &drsSession{}
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.notices = append(s.notices, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	s.Conn = c
	return s, nil
}

// mustConnectDRS is connectDRS that must succeed.
func (ts *testServer) mustConnectDRS(t *testing.T, user, db string, params map[string]string) *drsSession {
	t.Helper()
	password := adminPassword
	if user != "admin" {
		password = drsAppPassword
	}
	s, err := ts.connectDRS(t, user, password, db, params)
	if err != nil {
		t.Fatalf("connect %s to %s: %v", user, db, err)
	}
	return s
}

// wantSettings checks settings (name: "value source") as SHOW and
// pg_settings give them.
func wantSettings(t *testing.T, what string, c *drsSession, want map[string]string) {
	t.Helper()
	for name, w := range want {
		var shown, setting, source string
		// The simple protocol: pgx's statement cache does not outlive
		// DISCARD ALL.
		if err := c.QueryRow(context.Background(), "SHOW "+name, pgx.QueryExecModeSimpleProtocol).Scan(&shown); err != nil {
			t.Fatalf("%s: SHOW %s: %v", what, name, err)
		}
		err := c.QueryRow(context.Background(),
			"SELECT setting, source FROM pg_settings WHERE lower(name) = lower($1)", pgx.QueryExecModeSimpleProtocol, name).Scan(&setting, &source)
		if err != nil {
			t.Fatalf("%s: pg_settings %s: %v", what, name, err)
		}
		if got := shown + " " + source; got != w || setting != shown {
			t.Errorf("%s: %s is %q (pg_settings %q), want %q", what, name, got, setting, w)
		}
	}
}

// setupDRS makes the databases, roles and defaults of the tests: every
// level sets lock_timeout and work_mem, so that each shows which level
// wins.
func setupDRS(t *testing.T, ts *testServer) {
	admin := ts.connect(t, "")
	execAll(t, admin,
		"CREATE DATABASE drs_a", "CREATE DATABASE drs_b",
		"CREATE ROLE drs_app LOGIN PASSWORD '"+drsAppPassword+"'",
		"CREATE ROLE drs_other LOGIN",
		"GRANT CONNECT ON DATABASE drs_a TO drs_app", "GRANT CONNECT ON DATABASE drs_b TO drs_app",
		"ALTER ROLE ALL SET TimeZone = 'Asia/Tokyo'",
		"ALTER ROLE ALL SET lock_timeout = '1s'",
		"ALTER ROLE ALL SET work_mem = '1MB'",
		"ALTER ROLE ALL SET extra_float_digits = 0",
		"ALTER DATABASE drs_a SET timezone TO 'Europe/Rome'",
		"ALTER DATABASE drs_a SET lock_timeout = '2s'",
		"ALTER DATABASE drs_a SET work_mem = '2MB'",
		"ALTER ROLE drs_app SET lock_timeout = '3s'",
		"ALTER USER drs_app SET work_mem = '3MB'",
		"ALTER ROLE drs_app IN DATABASE drs_a SET work_mem = '4MB'",
	)
}

// wantPrecedence checks what each role gets in each database.
func wantPrecedence(t *testing.T, ts *testServer, when string) {
	t.Helper()
	for _, w := range []struct {
		user, db string
		want     map[string]string
	}{
		{"drs_app", "drs_a", map[string]string{
			"TimeZone": "Europe/Rome database", "lock_timeout": "3s user", "work_mem": "4MB database user",
			"extra_float_digits": "0 global", "statement_timeout": "0 default",
		}},
		{"drs_app", "drs_b", map[string]string{"TimeZone": "Asia/Tokyo global", "lock_timeout": "3s user", "work_mem": "3MB user"}},
		{"admin", "drs_a", map[string]string{"TimeZone": "Europe/Rome database", "lock_timeout": "2s database", "work_mem": "2MB database"}},
		{"admin", "drs_b", map[string]string{"TimeZone": "Asia/Tokyo global", "lock_timeout": "1s global", "work_mem": "1MB global"}},
	} {
		c := ts.mustConnectDRS(t, w.user, w.db, nil)
		wantSettings(t, when+": "+w.user+" in "+w.db, c, w.want)
		c.Close(context.Background())
	}
}

func TestDBRoleSettingsPrecedence(t *testing.T) {
	ts := startServer(t, nil)
	setupDRS(t, ts)
	wantPrecedence(t, ts, "started")

	// The time zone the session starts with is the one reported, and
	// the one it works in.
	c := ts.mustConnectDRS(t, "drs_app", "drs_a", nil)
	if tz := c.PgConn().ParameterStatus("TimeZone"); tz != "Europe/Rome" {
		t.Errorf("ParameterStatus TimeZone = %q, want Europe/Rome", tz)
	}
	var off string
	if err := c.QueryRow(context.Background(), "SELECT to_char(timestamptz '2024-01-15 12:00:00+00', 'HH24')").Scan(&off); err != nil || off != "13" {
		t.Errorf("12:00 UTC in the session's zone: %q %v, want 13", off, err)
	}
}

// The startup packet's settings (as parameters and as options -c) go
// over every stored default; RESET and DISCARD ALL go back to the
// session's start, whichever level it came from.
func TestDBRoleSettingsStartupAndReset(t *testing.T) {
	ts := startServer(t, nil)
	setupDRS(t, ts)
	ctx := context.Background()

	c := ts.mustConnectDRS(t, "drs_app", "drs_a", map[string]string{
		"TimeZone": "UTC", "options": "-c work_mem=5MB -c lock_timeout=6s",
	})
	if tz := c.PgConn().ParameterStatus("TimeZone"); tz != "UTC" {
		t.Errorf("ParameterStatus TimeZone = %q, want UTC", tz)
	}
	wantSettings(t, "startup parameters", c, map[string]string{
		"TimeZone": "UTC client", "work_mem": "5MB client", "lock_timeout": "6s client", "extra_float_digits": "0 global",
	})

	d := ts.mustConnectDRS(t, "drs_app", "drs_a", nil)
	execAll(t, d.Conn, "SET work_mem = '9MB'", "SET lock_timeout = '9s'", "SET TimeZone = 'UTC'", "SET extra_float_digits = 3")
	wantSettings(t, "after SET", d, map[string]string{"work_mem": "9MB session", "TimeZone": "UTC session"})
	execAll(t, d.Conn, "RESET work_mem")
	wantSettings(t, "after RESET work_mem", d, map[string]string{"work_mem": "4MB database user", "lock_timeout": "9s session"})
	execAll(t, d.Conn, "RESET ALL")
	wantSettings(t, "after RESET ALL", d, map[string]string{
		"lock_timeout": "3s user", "TimeZone": "Europe/Rome database", "extra_float_digits": "0 global",
	})
	execAll(t, d.Conn, "SET work_mem = '9MB'", "SET TimeZone = 'UTC'", "DISCARD ALL")
	wantSettings(t, "after DISCARD ALL", d, map[string]string{"work_mem": "4MB database user", "TimeZone": "Europe/Rome database"})
	// A SET rolled back leaves the default, and its source.
	execAll(t, d.Conn, "BEGIN", "SET work_mem = '9MB'", "ROLLBACK")
	wantSettings(t, "after a rolled back SET", d, map[string]string{"work_mem": "4MB database user"})

	// A change is for new sessions: this one keeps its values, RESET
	// included, as in PostgreSQL.
	admin := ts.connect(t, "")
	execAll(t, admin, "ALTER ROLE drs_app IN DATABASE drs_a SET work_mem = '6MB'")
	execAll(t, d.Conn, "RESET work_mem")
	wantSettings(t, "an open session after the change", d, map[string]string{"work_mem": "4MB database user"})
	wantSettings(t, "a new session after the change", ts.mustConnectDRS(t, "drs_app", "drs_a", nil),
		map[string]string{"work_mem": "6MB database user"})
	var n int
	if err := d.QueryRow(ctx, "SELECT count(*) FROM pg_db_role_setting").Scan(&n); err != nil || n != 4 {
		t.Errorf("pg_db_role_setting as drs_app: %d rows, %v; want 4", n, err)
	}
}

// Who may change which defaults: a role its own, a superuser any, a
// database's owner the database's; no one else.
func TestDBRoleSettingsPrivileges(t *testing.T) {
	ts := startServer(t, nil)
	setupDRS(t, ts)
	admin := ts.connect(t, "")
	execAll(t, admin, "CREATE DATABASE drs_owned OWNER drs_app")
	app := ts.mustConnectDRS(t, "drs_app", "drs_a", nil).Conn

	execAll(t, app,
		"ALTER ROLE drs_app SET statement_timeout = '1min'",
		"ALTER ROLE CURRENT_USER IN DATABASE drs_b SET statement_timeout = '2min'",
		"ALTER DATABASE drs_owned SET statement_timeout = '3min'",
		"ALTER ROLE ALL IN DATABASE drs_owned SET lock_timeout = '4s'",
		"ALTER ROLE drs_app RESET statement_timeout",
	)
	for stmt, msg := range map[string]string{
		"ALTER ROLE admin SET work_mem = '8MB'":                       "must be superuser to alter superusers",
		"ALTER ROLE drs_other SET work_mem = '8MB'":                   "permission denied",
		"ALTER ROLE drs_other IN DATABASE drs_a SET work_mem = '8MB'": "permission denied",
		"ALTER ROLE ALL SET work_mem = '8MB'":                         "permission denied",
		"ALTER ROLE ALL RESET ALL":                                    "permission denied",
		"ALTER DATABASE drs_a SET work_mem = '8MB'":                   "must be owner of database drs_a",
		"ALTER DATABASE drs_a RESET ALL":                              "must be owner of database drs_a",
		"ALTER ROLE ALL IN DATABASE drs_a SET work_mem = '8MB'":       "must be owner of database drs_a",
		"ALTER ROLE drs_app SET myapp.flag = 'on'":                    `permission denied to set parameter "myapp.flag"`,
	} {
		if pe := wantState(t, app, "42501", stmt); pe.Message != msg {
			t.Errorf("%s: %q, want %q", stmt, pe.Message, msg)
		}
	}
	wantSettings(t, "drs_app's own defaults", ts.mustConnectDRS(t, "drs_app", "drs_b", nil), map[string]string{
		"statement_timeout": "2min database user",
	})
	wantSettings(t, "the owned database's defaults", ts.mustConnectDRS(t, "admin", "drs_owned", nil), map[string]string{
		"statement_timeout": "3min database", "lock_timeout": "4s database",
	})
	// The superuser may do all of it, custom settings included.
	execAll(t, admin,
		"ALTER ROLE drs_other SET work_mem = '8MB'",
		"ALTER ROLE drs_app SET myapp.flag = 'on'",
		"ALTER ROLE ALL IN DATABASE drs_a RESET lock_timeout",
	)
	var v string
	if err := ts.mustConnectDRS(t, "drs_app", "drs_b", nil).QueryRow(context.Background(), "SHOW myapp.flag").Scan(&v); err != nil || v != "on" {
		t.Errorf("custom default: %q %v", v, err)
	}
}

// A stored value that does not pass when a session starts is skipped
// with a warning: the session starts, with the next level's value.
func TestDBRoleSettingsBadStoredValue(t *testing.T) {
	ts := startServer(t, nil)
	setupDRS(t, ts)
	// Written past ALTER's checks, as a value stored by an older stela,
	// or a time zone the system no longer has, would be.
	err := ts.engine.System().ChangeRoleSetting(context.Background(), "", "drs_a", func(c []string) ([]string, error) {
		for i, item := range c {
			if strings.HasPrefix(item, "TimeZone=") {
				c[i] = "TimeZone=Nowhere/City"
			}
		}
		return append(c, "nope=1", "work_mem=lots"), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := ts.mustConnectDRS(t, "drs_app", "drs_a", nil)
	wantSettings(t, "skipped defaults", c, map[string]string{
		"TimeZone": "Asia/Tokyo global", "work_mem": "4MB database user", "lock_timeout": "3s user",
	})
	var got []string
	for _, n := range c.notices {
		got = append(got, n.Severity+" "+n.Code+" "+n.Message)
	}
	want := []string{
		`WARNING 22023 invalid value for parameter "TimeZone": "Nowhere/City"`,
		`WARNING 42704 unrecognized configuration parameter "nope"`,
		`WARNING 22023 invalid value for parameter "work_mem": "lots"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("startup notices:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if tz := c.PgConn().ParameterStatus("TimeZone"); tz != "Asia/Tokyo" {
		t.Errorf("ParameterStatus TimeZone = %q, want Asia/Tokyo", tz)
	}
	// RESET ALL clears it as any other value.
	execAll(t, ts.connect(t, ""), "ALTER DATABASE drs_a RESET ALL")
	if c := ts.mustConnectDRS(t, "drs_app", "drs_a", nil); len(c.notices) != 0 {
		t.Errorf("notices after RESET ALL: %v", c.notices[0].Message)
	}
}

// The defaults are in the system catalog: a restart keeps them; a
// renamed database or role keeps its own, a dropped database's do not
// pass to a new one of the same name.
func TestDBRoleSettingsRestartRenameDrop(t *testing.T) {
	dir := t.TempDir()
	ts := startServerAt(t, dir, nil)
	setupDRS(t, ts)
	ts.stop(t)

	ts = startServerAt(t, dir, nil)
	wantPrecedence(t, ts, "restarted")

	admin := ts.connect(t, "")
	execAll(t, admin, "ALTER DATABASE drs_a RENAME TO drs_c", "ALTER ROLE drs_other RENAME TO drs_other2",
		"ALTER ROLE drs_other2 SET work_mem = '7MB'")
	renamed := ts.mustConnectDRS(t, "drs_app", "drs_c", nil)
	wantSettings(t, "drs_app in the renamed database", renamed, map[string]string{
		"TimeZone": "Europe/Rome database", "work_mem": "4MB database user",
	})
	renamed.Close(context.Background())
	var n int
	ctx := context.Background()
	if err := admin.QueryRow(ctx, `SELECT count(*) FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
		WHERE r.rolname = 'drs_other2'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("renamed role's settings: %d %v", n, err)
	}

	execAll(t, admin, "DROP DATABASE drs_c", "CREATE DATABASE drs_c", "GRANT CONNECT ON DATABASE drs_c TO drs_app")
	wantSettings(t, "drs_app in a new database of the dropped one's name", ts.mustConnectDRS(t, "drs_app", "drs_c", nil), map[string]string{
		"TimeZone": "Asia/Tokyo global", "work_mem": "3MB user",
	})
	execAll(t, admin, "DROP ROLE drs_other2")
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_db_role_setting").Scan(&n); err != nil || n != 2 {
		t.Errorf("after the drops: %d rows, %v; want 2 (all roles, drs_app)", n, err)
	}
}

// TestDBRoleSettingsRoleDefault: ALTER ROLE SET role names a role that
// may not exist yet, as in PostgreSQL: a NOTICE, not an error; a login
// then skips it with a warning while it does not exist, and applies it
// once it does.
func TestDBRoleSettingsRoleDefault(t *testing.T) {
	ts := startServer(t, nil)
	setupDRS(t, ts)
	admin, err := ts.connectDRS(t, "admin", adminPassword, "defaultdb", nil)
	if err != nil {
		t.Fatal(err)
	}
	execAll(t, admin.Conn, "ALTER ROLE drs_app SET role = 'drs_later'")
	admin.mu.Lock()
	var got []string
	for _, n := range admin.notices {
		got = append(got, n.Severity+" "+n.Message)
	}
	admin.mu.Unlock()
	if want := `NOTICE role "drs_later" does not exist`; strings.Join(got, "\n") != want {
		t.Errorf("ALTER notices: %q, want %q", got, want)
	}
	c := ts.mustConnectDRS(t, "drs_app", "drs_a", nil)
	if len(c.notices) != 1 || c.notices[0].Severity != "WARNING" {
		t.Errorf("login notices: %v", c.notices)
	}
	execAll(t, admin.Conn, "CREATE ROLE drs_later", "GRANT drs_later TO drs_app")
	c = ts.mustConnectDRS(t, "drs_app", "drs_a", nil)
	var role string
	if err := c.QueryRow(context.Background(), "SELECT current_user").Scan(&role); err != nil || role != "drs_later" {
		t.Errorf("current_user with the default: %q, %v", role, err)
	}
}
