package main

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/server"
)

// startAdminServer starts a server in-process and returns its address.
func startAdminServer(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel)
	srv, err := server.Start(ctx, server.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", AdminPassword: "Test!pw0rd",
		Logger: log, KV: kv.Options{MinFreeBytes: -1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	})
	return srv.Addr.String()
}

// loginURL is a connection URL for user with password on db.
func loginURL(addr, user, password, db string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(user, password), Host: addr, Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String()
}

// runCLIIn is runCLI with stdin.
func runCLIIn(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	root := newRootCommand()
	var out, errOut bytes.Buffer
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	code := 0
	if err := root.Execute(); err != nil {
		code = 1
		errOut.WriteString(describeError(err))
	}
	return out.String(), errOut.String(), code
}

// loginErr logs in and runs q, returning the SQLSTATE of the failure
// ("" on success).
func loginErr(t *testing.T, connURL, q string) string {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, connURL)
	if err == nil {
		defer c.Close(ctx)
		_, err = c.Exec(ctx, q)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return ""
}

// TestAdminCLI drives "stela user" and "stela database" against a running
// server with hostile names, as an operator would.
func TestAdminCLI(t *testing.T) {
	addr := startAdminServer(t)
	admin := loginURL(addr, "admin", "Test!pw0rd", "defaultdb")
	const (
		user = `bo"b'; DROP DATABASE defaultdb; --`
		db   = `sälés"; db`
		pw   = `Pa$$w0rd'\x`
		pw2  = `N3w-pass"word`
	)
	run := func(stdin string, wantCode int, want string, args ...string) string {
		t.Helper()
		out, errOut, code := runCLIIn(t, stdin, append(args, "--url", admin)...)
		if code != wantCode || !strings.Contains(out+errOut, want) {
			t.Fatalf("stela %q: exit %d, out %q, err %q; want exit %d and %q", args, code, out, errOut, wantCode, want)
		}
		return out
	}

	run("", 0, "created database "+db, "database", "create", db)
	run("", 1, "SQLSTATE 42P04", "database", "create", db)
	run(pw+"\n", 0, "created user "+user, "user", "create", user, "--password-stdin")
	run("Weakpassword\n", 1, "(SQLSTATE 22023)\nDETAIL: Passwords must have at least 8 characters", "user", "create", "weak", "--password-stdin")
	run("", 1, "pass the new password with --password-stdin", "user", "create", "weak")
	run("", 1, `unknown level "write"`, "user", "grant", user, "write", db)

	// The new user may log in but not connect to the database until granted.
	bob := loginURL(addr, user, pw, db)
	if code := loginErr(t, bob, "SELECT 1"); code != "42501" {
		t.Fatalf("connect before grant: %q, want 42501", code)
	}
	c, err := pgx.Connect(context.Background(), loginURL(addr, "admin", "Test!pw0rd", db))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(context.Background(), "CREATE TABLE t (id int PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	c.Close(context.Background())
	run("", 0, "granted read on "+db+" to "+user, "user", "grant", user, "read", db)
	if code := loginErr(t, bob, "SELECT * FROM t"); code != "" {
		t.Fatalf("read: %q", code)
	}
	if code := loginErr(t, bob, "INSERT INTO t VALUES (1)"); code != "42501" {
		t.Fatalf("write with read: %q, want 42501", code)
	}
	run("", 0, "granted readwrite", "user", "grant", user, "readwrite", db)
	if code := loginErr(t, bob, "INSERT INTO t VALUES (1)"); code != "" {
		t.Fatalf("write with readwrite: %q", code)
	}

	// A user who is not a superuser is refused by the server.
	_, errOut, code := runCLIIn(t, pw2+"\n", "user", "create", "eve", "--password-stdin", "--url", loginURL(addr, user, pw, db))
	if code != 1 || !strings.Contains(errOut, "(SQLSTATE 42501)") {
		t.Fatalf("create by a non-superuser: exit %d, %q", code, errOut)
	}

	// Lists, with sizes masked: they grow with the data.
	got := run("", 0, "", "database", "list")
	got = regexp.MustCompile(`  \d+ *  `).ReplaceAllStringFunc(got, func(m string) string {
		return "  N" + strings.Repeat(" ", len(m)-3)
	})
	want := "DATABASE    OWNER  SIZE  CONNECT\n" +
		"defaultdb   admin  N     yes\n" +
		"postgres    admin  N     yes\n" +
		"sälés\"; db  admin  N     yes\n"
	if got != want {
		t.Fatalf("database list:\n%s\nwant:\n%s", got, want)
	}
	run("", 0, "granted admin", "user", "grant", user, "admin", "postgres")
	got = run("", 0, "", "user", "list")
	want = "USER                                ACTIVE  SUPERUSER  DATABASES\n" +
		"admin                               yes     yes        * (superuser)\n" +
		"bo\"b'; DROP DATABASE defaultdb; --  yes     no         postgres (admin), sälés\"; db (readwrite)\n"
	if got != want {
		t.Fatalf("user list:\n%s\nwant:\n%s", got, want)
	}

	// Deactivated: login refused with 28000; activated again: allowed.
	run("", 0, "deactivated user "+user, "user", "deactivate", user)
	if code := loginErr(t, bob, "SELECT 1"); code != "28000" {
		t.Fatalf("login while deactivated: %q, want 28000", code)
	}
	if got := run("", 0, "", "user", "list"); !strings.Contains(got, "--  no ") {
		t.Fatalf("user list after deactivate:\n%s", got)
	}
	run("", 0, "activated user "+user, "user", "activate", user)
	if code := loginErr(t, bob, "SELECT 1"); code != "" {
		t.Fatalf("login after activate: %q", code)
	}

	run(pw2+"\n", 0, "changed the password of "+user, "user", "change-password", user, "--password-stdin")
	if code := loginErr(t, bob, "SELECT 1"); code != "28P01" {
		t.Fatalf("old password: %q, want 28P01", code)
	}
	bob = loginURL(addr, user, pw2, db)
	if code := loginErr(t, bob, "SELECT 1"); code != "" {
		t.Fatalf("new password: %q", code)
	}

	run("", 0, "revoked readwrite on "+db+" from "+user, "user", "revoke", user, "readwrite", db)
	if code := loginErr(t, bob, "SELECT 1"); code != "42501" {
		t.Fatalf("connect after revoke: %q, want 42501", code)
	}
	run("", 0, "dropped database "+db, "database", "drop", db)
	if got := run("", 0, "", "database", "list"); strings.Contains(got, "sälés") {
		t.Fatalf("database list after drop:\n%s", got)
	}
	run("", 1, "SQLSTATE 3D000", "database", "drop", db)

	// Its files are kept until purged, by name or all at once.
	got = run("", 0, "", "database", "dropped")
	name := regexp.MustCompile(`(?m)^(s_l_s___db-\S+)\s+\d+\s+20\d\d-`).FindStringSubmatch(got)
	if name == nil {
		t.Fatalf("database dropped:\n%s", got)
	}
	run("", 1, "SQLSTATE 42704", "database", "purge", "../databases/defaultdb")
	run("", 1, "name the dropped databases", "database", "purge")
	run("", 0, "purged "+name[1], "database", "purge", name[1])
	if got := run("", 0, "", "database", "dropped"); got != "NAME  SIZE  DROPPED\n" {
		t.Fatalf("database dropped after purge:\n%q", got)
	}
	run("", 0, "dropped database postgres", "database", "drop", "postgres")
	run("", 0, "purged postgres-", "database", "purge", "--all")
}

// TestHelpListsAdminCommands: "stela --help" shows the user and database
// commands.
func TestHelpListsAdminCommands(t *testing.T) {
	out, _, code := runCLI(t, "--help")
	for _, want := range []string{"\n  user ", "\n  database "} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("stela --help: exit %d, missing %q:\n%s", code, want, out)
		}
	}
}
