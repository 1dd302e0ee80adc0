package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/checkpoint"
	"github.com/stela-db/stela/server"
)

const backupPW = "Test!pw0rd"

// startServerAt starts a server in-process on dataDir, signing
// checkpoints with signer when it is not nil, and stops it at cleanup.
func startServerAt(t *testing.T, dataDir string, signer checkpoint.Signer) *server.Server {
	t.Helper()
	ctx := context.Background()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel)
	srv, err := server.Start(ctx, server.Config{DataDir: dataDir, Listen: "127.0.0.1:0", AdminPassword: backupPW,
		Logger: log, KV: kv.Options{MinFreeBytes: -1, Signer: signer}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	})
	return srv
}

// testSigner returns an Ed25519 signer and the file of its public key.
func testSigner(t *testing.T) (checkpoint.Signer, string) {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := checkpoint.NewEd25519Signer("stela.example/backup-test", key)
	if err != nil {
		t.Fatal(err)
	}
	pem, err := checkpoint.MarshalPublicKeyPEM(s)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "pub.pem")
	if err := os.WriteFile(file, pem, 0o644); err != nil {
		t.Fatal(err)
	}
	return s, file
}

// mustConn connects to db as user.
func mustConn(t *testing.T, addr, user, pw, db string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), loginURL(addr, user, pw, db))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// mustExec runs statements, each its own transaction.
func mustExec(t *testing.T, c *pgx.Conn, stmts ...string) {
	t.Helper()
	for _, q := range stmts {
		if _, err := c.Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// history writes a history of inserts, updates, deletes and DDL to db.
func history(t *testing.T, c *pgx.Conn, n int) {
	t.Helper()
	mustExec(t, c, "CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, v text)")
	for i := range n {
		mustExec(t, c, fmt.Sprintf("INSERT INTO t VALUES (%d, 'v%d') ON CONFLICT (id) DO UPDATE SET v = excluded.v || '+'", i%17, i))
		switch i % 5 {
		case 1:
			mustExec(t, c, fmt.Sprintf("UPDATE t SET v = v || 'u' WHERE id %% 3 = %d", i%3))
		case 3:
			mustExec(t, c, fmt.Sprintf("DELETE FROM t WHERE id = %d", (i*7)%17))
		}
		if i == n/2 {
			mustExec(t, c, "ALTER TABLE t ADD COLUMN IF NOT EXISTS w int DEFAULT 7",
				"CREATE TABLE IF NOT EXISTS u (k text PRIMARY KEY, n int)", "CREATE INDEX IF NOT EXISTS t_v ON t (v)")
		}
		if i > n/2 {
			mustExec(t, c, fmt.Sprintf("INSERT INTO u VALUES ('k%d', %d) ON CONFLICT (k) DO UPDATE SET n = u.n + 1", i%4, i))
		}
	}
}

// asOf returns the rows of q, or the SQLSTATE of its failure, as text.
func asOf(t *testing.T, c *pgx.Conn, q string) string {
	t.Helper()
	rows, err := c.Query(context.Background(), q)
	if err == nil {
		var b strings.Builder
		for rows.Next() {
			vals, verr := rows.Values()
			if verr != nil {
				t.Fatal(verr)
			}
			fmt.Fprintln(&b, vals...)
		}
		if err = rows.Err(); err == nil {
			return b.String()
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return "error " + pe.Code
	}
	t.Fatalf("%s: %v", q, err)
	return ""
}

// stateTx reads stela_state()'s tx and root on c's database.
func stateOf(t *testing.T, c *pgx.Conn) (tx int64, root string) {
	t.Helper()
	err := c.QueryRow(context.Background(), "SELECT (stela_state()->>'tx')::int8, stela_state()->>'root'").Scan(&tx, &root)
	if err != nil {
		t.Fatal(err)
	}
	return tx, root
}

// compareAsOf compares every table of db as of every tx up to upto
// between two servers. Each query must give rows at some tx: a table
// missing everywhere would compare equal and prove nothing.
func compareAsOf(t *testing.T, a, b *pgx.Conn, upto int64, queries ...string) {
	t.Helper()
	for _, q := range queries {
		rows := 0
		for tx := int64(1); tx <= upto; tx++ {
			q := fmt.Sprintf(q, tx)
			x, y := asOf(t, a, q), asOf(t, b, q)
			if x != y {
				t.Fatalf("%s:\noriginal:\n%s\nrestored:\n%s", q, x, y)
			}
			if x != "" && !strings.HasPrefix(x, "error") {
				rows++
			}
		}
		if rows == 0 {
			t.Fatalf("%s gave no rows at any tx up to %d", q, upto)
		}
	}
}

// TestBackupRestoreRoundTrip backs up a whole server while a client goes
// on inserting, restores the backup with signature checks, and compares
// every table as of every tx of the backup, the checkpoints, and the
// users.
func TestBackupRestoreRoundTrip(t *testing.T) {
	signer, pubKey := testSigner(t)
	src := startServerAt(t, t.TempDir(), signer)
	addr := src.Addr.String()
	admin := mustConn(t, addr, "admin", backupPW, "defaultdb")
	mustExec(t, admin, "CREATE DATABASE sales", "CREATE USER bob WITH PASSWORD 'Bob!passw0rd'", "GRANT CONNECT ON DATABASE sales TO bob")
	history(t, admin, 60)
	sales := mustConn(t, addr, "admin", backupPW, "sales")
	history(t, sales, 20)

	// A writer that keeps committing while the backup runs.
	writer := mustConn(t, addr, "admin", backupPW, "defaultdb")
	mustExec(t, writer, "CREATE TABLE online (id int PRIMARY KEY)")
	var (
		stop     atomic.Bool
		inserted atomic.Int64
		wg       sync.WaitGroup
		werr     error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			if _, err := writer.Exec(context.Background(), "INSERT INTO online VALUES ($1)", i); err != nil {
				werr = err
				return
			}
			inserted.Add(1)
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for inserted.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	file := filepath.Join(t.TempDir(), "full.stela")
	out, errOut, code := runCLIIn(t, "", "backup", "--url", loginURL(addr, "admin", backupPW, "postgres"), "--out", file)
	stop.Store(true)
	wg.Wait()
	if code != 0 || werr != nil {
		t.Fatalf("backup: exit %d, %s%s; writer: %v", code, out, errOut, werr)
	}
	for _, want := range []string{"system log: transactions 1..", `database "sales": transactions 1..`, `database "defaultdb": transactions 1..`, "(signed)"} {
		if !strings.Contains(out, want) {
			t.Fatalf("backup output %q lacks %q", out, want)
		}
	}
	if matches, _ := filepath.Glob(file + ".tmp-*"); len(matches) > 0 {
		t.Fatalf("temporary files left: %v", matches)
	}

	dataDir := filepath.Join(t.TempDir(), "restored")
	out, errOut, code = runCLIIn(t, "", "restore", "--in", file, "--data", dataDir, "--public-key", pubKey)
	if code != 0 || !strings.Contains(out, "restored into "+dataDir) {
		t.Fatalf("restore: exit %d, %s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dataDir, ".restore-tmp")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf(".restore-tmp left behind: %v", err)
	}
	dst := startServerAt(t, dataDir, nil)
	daddr := dst.Addr.String()

	for _, db := range []string{"defaultdb", "sales"} {
		a, b := mustConn(t, addr, "admin", backupPW, db), mustConn(t, daddr, "admin", backupPW, db)
		upto, root := stateOf(t, b)
		d, err := src.Engine.Database(db)
		if err != nil {
			t.Fatal(err)
		}
		cp, err := d.Store.CheckpointAt(uint64(upto))
		if err != nil || cp.Root.String() != root {
			t.Fatalf("%s: restored root at tx %d is %s; the original's %s (%v)", db, upto, root, cp.Root, err)
		}
		t.Logf("%s: %d txs restored; the original is at %d", db, upto, d.Store.LastTx())
		queries := []string{"SELECT * FROM t AS OF TX %d ORDER BY id", "SELECT * FROM u AS OF TX %d ORDER BY k"}
		if db == "defaultdb" {
			queries = append(queries, "SELECT * FROM online AS OF TX %d ORDER BY id")
		}
		compareAsOf(t, a, b, upto, queries...)
	}
	// The system log came along: bob logs in to sales with his password.
	bob := mustConn(t, daddr, "bob", "Bob!passw0rd", "sales")
	if got := asOf(t, bob, "SELECT 1"); got != "1\n" {
		t.Fatalf("bob on the restored server: %q", got)
	}
}

// TestBackupNeedsSuperuser: a user who is not a superuser gets 42501
// from the export functions and from stela backup.
func TestBackupNeedsSuperuser(t *testing.T) {
	srv := startServerAt(t, t.TempDir(), nil)
	addr := srv.Addr.String()
	admin := mustConn(t, addr, "admin", backupPW, "defaultdb")
	mustExec(t, admin, "CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1)",
		"CREATE USER bob WITH PASSWORD 'Bob!passw0rd'", "GRANT ALL ON DATABASE defaultdb TO bob")
	bob := mustConn(t, addr, "bob", "Bob!passw0rd", "defaultdb")
	for _, q := range []string{
		"SELECT * FROM stela_log_export('defaultdb', 0, 1)",
		"SELECT * FROM stela_log_export('', 0, 1)",
		"SELECT * FROM stela_backup_manifest()",
	} {
		if got := asOf(t, bob, q); got != "error 42501" {
			t.Fatalf("%s as bob: %q, want error 42501", q, got)
		}
	}
	file := filepath.Join(t.TempDir(), "b.stela")
	_, errOut, code := runCLIIn(t, "", "backup", "--url", loginURL(addr, "bob", "Bob!passw0rd", "defaultdb"), "--out", file)
	if code == 0 || !strings.Contains(errOut, "42501") {
		t.Fatalf("backup as bob: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused backup left %s", file)
	}
	// The admin may; a range beyond the log is 22023.
	if got := asOf(t, admin, "SELECT tx FROM stela_log_export('defaultdb', 0, 1000000)"); got != "error 22023" {
		t.Fatalf("export beyond the log: %q", got)
	}
}

// TestBackupIncremental: a base backup of one database plus an
// incremental one restore to the same store as a full backup of that
// database, and the restored directory serves it.
func TestBackupIncremental(t *testing.T) {
	srv := startServerAt(t, t.TempDir(), nil)
	addr := srv.Addr.String()
	admin := mustConn(t, addr, "admin", backupPW, "defaultdb")
	mustExec(t, admin, "CREATE DATABASE sales", "CREATE TABLE other (id int PRIMARY KEY)")
	sales := mustConn(t, addr, "admin", backupPW, "sales")
	history(t, sales, 15)
	url := loginURL(addr, "admin", backupPW, "sales")
	dir := t.TempDir()
	run := func(wantCode int, want string, args ...string) string {
		t.Helper()
		out, errOut, code := runCLIIn(t, "", args...)
		if code != wantCode || !strings.Contains(out+errOut, want) {
			t.Fatalf("stela %q: exit %d, %s%s; want exit %d and %q", args, code, out, errOut, wantCode, want)
		}
		return out
	}
	base := filepath.Join(dir, "base.stela")
	run(0, `database "sales": transactions 1..`, "backup", "--url", url, "--database", "sales", "--out", base)
	n1, _ := stateOf(t, sales)
	history(t, sales, 12)
	n2, root2 := stateOf(t, sales)
	inc := filepath.Join(dir, "inc.stela")
	run(0, fmt.Sprintf(`database "sales": transactions %d..%d`, n1+1, n2), "backup", "--url", url, "--database", "sales",
		"--since-tx", fmt.Sprint(n1), "--out", inc)
	full := filepath.Join(dir, "full.stela")
	run(0, "backup written", "backup", "--url", url, "--database", "sales", "--out", full)
	run(1, "--since-tx needs --database", "backup", "--url", url, "--since-tx", "3", "--out", full)
	run(1, `database "nope" does not exist`, "backup", "--url", url, "--database", "nope", "--out", full)

	// A damaged file is refused in one line naming the tx; nothing is
	// restored.
	damaged := filepath.Join(dir, "damaged.stela")
	raw, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 0x10
	if err := os.WriteFile(damaged, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	run(1, "first bad transaction: tx ", "restore", "--in", damaged, "--data", filepath.Join(dir, "z"))
	if _, err := os.Stat(filepath.Join(dir, "z", "system")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused restore left a system store: %v", err)
	}

	// The incremental backup alone, or twice, is refused.
	x, y := filepath.Join(dir, "x"), filepath.Join(dir, "y")
	run(1, "restore its base backup first", "restore", "--in", inc, "--data", x)
	run(0, "restored into", "restore", "--in", base, "--data", x)
	run(1, "already holds data", "restore", "--in", base, "--data", x)
	run(0, "appended to", "restore", "--in", inc, "--data", x)
	run(1, fmt.Sprintf("ends at tx %d; this backup continues from tx %d", n2, n1), "restore", "--in", inc, "--data", x)
	out := run(0, "restored into", "restore", "--in", full, "--data", y)
	if strings.Contains(out, "defaultdb") || strings.Contains(out, "system log") {
		t.Fatalf("a backup of sales holds more: %s", out)
	}

	// Both directories hold the same store: every record byte for byte.
	stores := func(dataDir string) *kv.Store {
		dirs, _ := filepath.Glob(filepath.Join(dataDir, "databases", "*"))
		if len(dirs) != 1 {
			t.Fatalf("%s holds databases %v", dataDir, dirs)
		}
		st, err := kv.Open(dirs[0], kv.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	a, b := stores(x), stores(y)
	if a.LastTx() != uint64(n2) || b.LastTx() != uint64(n2) || a.Checkpoint().Root.String() != root2 || b.Checkpoint().Root != a.Checkpoint().Root {
		t.Fatalf("restored logs: %d %s and %d %s; want %d %s", a.LastTx(), a.Checkpoint().Root, b.LastTx(), b.Checkpoint().Root, n2, root2)
	}
	for id := uint64(1); id <= a.LastTx(); id++ {
		ra, err1 := a.ExportTx(id, nil)
		rb, err2 := b.ExportTx(id, nil)
		if err1 != nil || err2 != nil || string(ra) != string(rb) {
			t.Fatalf("tx %d differs (%v, %v)", id, err1, err2)
		}
	}
	a.Close()
	b.Close()

	// The restored directory serves sales, as of every tx.
	dst := startServerAt(t, x, nil)
	restored := mustConn(t, dst.Addr.String(), "admin", backupPW, "sales")
	compareAsOf(t, sales, restored, n2, "SELECT * FROM t AS OF TX %d ORDER BY id", "SELECT * FROM u AS OF TX %d ORDER BY k")
}
