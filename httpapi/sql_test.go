package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stela-db/stela/httpapi"
)

// TestSQL runs statements as a client would: writes report their tx,
// values come back as documented JSON, parameters are typed by the
// statement, and several statements answer with every result.
func TestSQL(t *testing.T) {
	ts := startServer(t, nil)
	out := ts.sql(t, admin, "defaultdb", `CREATE TABLE t (id int PRIMARY KEY, f float8, r float4, ok bool, n numeric, b bytea,
		j jsonb, ts timestamptz, u uuid, s text)`)
	if out["command"] != "CREATE TABLE" || out["tx"] == nil {
		t.Fatalf("create: %v", out)
	}
	out = ts.sql(t, admin, "defaultdb", "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
		1, 2.5, 0.1, true, "12.50", `\x00ff`, map[string]any{"a": []int{1, 2}}, "2024-05-06 07:08:09+00", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "hé")
	tx1, _ := out["tx"].(float64)
	if out["command"] != "INSERT 0 1" || tx1 < 2 {
		t.Fatalf("insert: %v", out)
	}
	ts.sql(t, admin, "defaultdb", "INSERT INTO t (id) VALUES (2)")
	out = ts.sql(t, admin, "defaultdb", "SELECT id, f, r, ok, n, b, j, ts, u, s FROM t ORDER BY id")
	got, _ := json.Marshal(map[string]any{"columns": out["columns"], "rows": out["rows"]})
	want := `{"columns":[{"name":"id","type":"int4"},{"name":"f","type":"float8"},{"name":"r","type":"float4"},{"name":"ok","type":"bool"},` +
		`{"name":"n","type":"numeric"},{"name":"b","type":"bytea"},{"name":"j","type":"jsonb"},{"name":"ts","type":"timestamptz"},` +
		`{"name":"u","type":"uuid"},{"name":"s","type":"text"}],"rows":[[1,2.5,0.1,true,"12.50","AP8=",{"a":[1,2]},"2024-05-06 07:08:09+00",` +
		`"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11","hé"],[2,null,null,null,null,null,null,null,null,null]]}`
	if string(got) != want {
		t.Fatalf("select:\n got %s\nwant %s", got, want)
	}
	if out["command"] != "SELECT 2" || out["tx"] != nil {
		t.Fatalf("select: command %v, tx %v (a read commits nothing)", out["command"], out["tx"])
	}
	// An empty result still has its columns and rows.
	out = ts.sql(t, admin, "defaultdb", "SELECT id FROM t WHERE id = $1", 99)
	if rows, ok := out["rows"].([]any); !ok || len(rows) != 0 || out["columns"] == nil {
		t.Fatalf("empty select: %v", out)
	}
	// Several statements: one transaction, every result, the last on top.
	out = ts.sql(t, admin, "defaultdb", "INSERT INTO t (id) VALUES (3); UPDATE t SET s = 'x' WHERE id > 1; SELECT count(*) FROM t")
	res, _ := out["results"].([]any)
	if len(res) != 3 || res[1].(map[string]any)["command"] != "UPDATE 2" || out["command"] != "SELECT 1" || out["tx"] == nil {
		t.Fatalf("multi: %v", out)
	}
	if rows := out["rows"].([]any); rows[0].([]any)[0] != float64(3) {
		t.Fatalf("multi: count %v", rows)
	}
	// Time travel through SQL: the table as of the first insert.
	out = ts.sql(t, admin, "defaultdb", "SELECT count(*) FROM t AS OF TX "+json.Number(jsonInt(tx1)).String())
	if rows := out["rows"].([]any); rows[0].([]any)[0] != float64(1) {
		t.Fatalf("AS OF: %v", rows)
	}
}

func jsonInt(f float64) string { b, _ := json.Marshal(int64(f)); return string(b) }

// TestSQLErrors checks error shapes and statuses: SQLSTATE, message,
// position; 400, 404, 409, 413; and that a failed request wrote nothing.
func TestSQLErrors(t *testing.T) {
	ts := startServer(t, func(c *httpapi.Config) { c.MaxBody = 4096 })
	ts.sql(t, admin, "defaultdb", "CREATE TABLE t (id int PRIMARY KEY)")
	q := func(sql string, params ...any) *response {
		body := map[string]any{"sql": sql}
		if params != nil {
			body["params"] = params
		}
		return ts.post(t, admin, "/api/v1/db/defaultdb/sql", body)
	}
	r := q("SELECT * FROM nope")
	wantStatus(t, "undefined table", r, 400, "42P01")
	e := r.json(t)["error"].(map[string]any)
	if e["message"] != `relation "nope" does not exist` || e["position"] != float64(15) {
		t.Fatalf("undefined table: %v", e)
	}
	wantStatus(t, "syntax error", q("SELEC 1"), 400, "42601")
	wantStatus(t, "bad parameter", q("SELECT $1::int", "x"), 400, "22P02")
	wantStatus(t, "wrong parameter count", q("SELECT $1::int"), 400, "42P02")
	wantStatus(t, "division by zero", q("SELECT 1/0"), 400, "22012")
	ts.sql(t, admin, "defaultdb", "INSERT INTO t VALUES (1)")
	wantStatus(t, "unique violation", q("INSERT INTO t VALUES (2); INSERT INTO t VALUES (1)"), 409, "23505")
	if out := ts.sql(t, admin, "defaultdb", "SELECT count(*) FROM t"); out["rows"].([]any)[0].([]any)[0] != float64(1) {
		t.Fatalf("the failed request's first insert was kept: %v", out)
	}
	r = ts.post(t, admin, "/api/v1/db/nodb/sql", map[string]any{"sql": "SELECT 1"})
	wantStatus(t, "unknown database", r, 404, "3D000")
	r = ts.do(t, admin, "POST", "/api/v1/db/defaultdb/sql", "application/json", []byte(`{"sql": `))
	wantStatus(t, "malformed JSON", r, 400, "08P01")
	r = q("SELECT '" + strings.Repeat("x", 5000) + "'")
	wantStatus(t, "body too large", r, 413, "54000")
	// A result is read whole before it is written: past the limit, an
	// error instead of the server's memory.
	restore := httpapi.SetMaxResultBytes(2000)
	r = q("SELECT repeat('x', 100) FROM generate_series(1, 50)")
	restore()
	wantStatus(t, "result too large", r, 413, "54000")
	if out := ts.sql(t, admin, "defaultdb", "SELECT repeat('x', 100) FROM generate_series(1, 50)"); len(out["rows"].([]any)) != 50 {
		t.Fatalf("under the default limit: %d rows", len(out["rows"].([]any)))
	}
	r = ts.do(t, admin, "GET", "/api/v1/nothing", "", nil)
	wantStatus(t, "unknown endpoint", r, 404, "02000")
	if r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("unknown endpoint: Content-Type %q", r.header.Get("Content-Type"))
	}
}

// TestPrivileges: a read-only user reads but cannot write (403, 42501),
// exactly as over pgwire, since both go through a session.
func TestPrivileges(t *testing.T) {
	ts := startServer(t, nil)
	ts.sql(t, admin, "defaultdb", "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)")
	grantRead(t, ts, "defaultdb", "reader", "Read!pw0rd")
	reader := auth{user: "reader", pass: "Read!pw0rd"}
	ts.sql(t, reader, "defaultdb", "SELECT * FROM t")
	r := ts.post(t, reader, "/api/v1/db/defaultdb/sql", map[string]any{"sql": "INSERT INTO t VALUES (2)"})
	wantStatus(t, "reader's insert", r, 403, "42501")
}

// grantRead makes a user with the read level on db (stela user grant).
func grantRead(t *testing.T, ts *testServer, db, user, pw string) {
	t.Helper()
	for _, q := range []string{"CREATE USER " + user + " PASSWORD '" + pw + "'", "GRANT CONNECT ON DATABASE " + db + " TO " + user,
		"GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + user} {
		ts.sql(t, admin, db, q)
	}
}
