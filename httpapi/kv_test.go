package httpapi_test

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestKV writes, reads (latest and as of a tx), deletes, lists and
// proves keys over HTTP, and checks that they are an ordinary table.
func TestKV(t *testing.T) {
	ts := startServer(t, nil)
	path := "/api/v1/db/defaultdb/kv/"
	put := func(key, ctype, value string) int {
		t.Helper()
		r := ts.do(t, admin, "PUT", path+key, ctype, []byte(value))
		wantStatus(t, "put "+key, r, 200, "")
		return int(r.json(t)["tx"].(float64))
	}
	tx1 := put("greeting", "text/plain; charset=utf-8", "hello")
	tx2 := put("greeting", "application/json", `{"hi":1}`)
	put("cfg%2Fa", "", "\x00\x01binary")
	put("cfg%2Fb", "", "b")
	if tx2 <= tx1 {
		t.Fatalf("second put at tx %d, first at %d", tx2, tx1)
	}

	r := ts.do(t, admin, "GET", path+"greeting", "", nil)
	wantStatus(t, "get", r, 200, "")
	if string(r.body) != `{"hi":1}` || r.header.Get("Content-Type") != "application/json" || r.header.Get("X-Stela-Tx") != strconv.Itoa(tx2) {
		t.Fatalf("get: %q %v", r.body, r.header)
	}
	r = ts.do(t, admin, "GET", path+"greeting?tx="+strconv.Itoa(tx1), "", nil)
	if string(r.body) != "hello" || r.header.Get("Content-Type") != "text/plain; charset=utf-8" || r.header.Get("X-Stela-Tx") != strconv.Itoa(tx1) {
		t.Fatalf("get ?tx=%d: %d %q %v", tx1, r.status, r.body, r.header)
	}
	r = ts.do(t, admin, "GET", path+"cfg%2Fa", "", nil)
	if string(r.body) != "\x00\x01binary" || r.header.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("get binary: %q %v", r.body, r.header)
	}
	wantStatus(t, "missing key", ts.do(t, admin, "GET", path+"nope", "", nil), 404, "02000")
	wantStatus(t, "key too long", ts.do(t, admin, "PUT", path+strings.Repeat("k", 1001), "", []byte("v")), 413, "54000")

	r = ts.do(t, admin, "DELETE", path+"greeting", "", nil)
	wantStatus(t, "delete", r, 200, "")
	tx3 := int(r.json(t)["tx"].(float64))
	wantStatus(t, "get after delete", ts.do(t, admin, "GET", path+"greeting", "", nil), 404, "02000")
	wantStatus(t, "delete again", ts.do(t, admin, "DELETE", path+"greeting", "", nil), 404, "02000")
	if r := ts.do(t, admin, "GET", path+"greeting?tx="+strconv.Itoa(tx2), "", nil); string(r.body) != `{"hi":1}` {
		t.Fatalf("get before the delete: %d %q", r.status, r.body)
	}

	r = ts.do(t, admin, "GET", path+"greeting/history", "", nil)
	wantStatus(t, "history", r, 200, "")
	vs := r.json(t)["versions"].([]any)
	var hist []string
	for _, v := range vs {
		m := v.(map[string]any)
		val := "null"
		if s, ok := m["value"].(string); ok {
			b, _ := base64.StdEncoding.DecodeString(s)
			val = string(b)
		}
		if _, ok := m["time"].(string); !ok {
			t.Fatalf("history: version without time: %v", m)
		}
		hist = append(hist, fmt.Sprintf("%v %v %s", m["tx"], m["op"], val))
	}
	want := []string{fmt.Sprintf("%d insert hello", tx1), fmt.Sprintf(`%d update {"hi":1}`, tx2), fmt.Sprintf("%d delete null", tx3)}
	if fmt.Sprint(hist) != fmt.Sprint(want) {
		t.Fatalf("history:\n got %q\nwant %q", hist, want)
	}

	r = ts.do(t, admin, "GET", "/api/v1/db/defaultdb/kv?prefix=cfg/&limit=10", "", nil)
	wantStatus(t, "scan", r, 200, "")
	items := r.json(t)["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["key"] != "cfg/a" || items[1].(map[string]any)["value"] != base64.StdEncoding.EncodeToString([]byte("b")) {
		t.Fatalf("scan: %s", r.body)
	}
	r = ts.do(t, admin, "GET", "/api/v1/db/defaultdb/kv?limit=1", "", nil)
	if items := r.json(t)["items"].([]any); len(items) != 1 {
		t.Fatalf("scan with limit 1: %s", r.body)
	}
	wantStatus(t, "scan, bad limit", ts.do(t, admin, "GET", "/api/v1/db/defaultdb/kv?limit=0", "", nil), 400, "22023")

	r = ts.do(t, admin, "GET", path+"cfg%2Fb/proof", "", nil)
	wantStatus(t, "proof", r, 200, "")
	p := r.json(t)
	if p["table"] != "stela_kv" || p["deleted"] != false || len(p["tx_path"].([]any)) == 0 && p["size"].(float64) > 1 {
		t.Fatalf("proof: %s", r.body)
	}
	r = ts.do(t, admin, "GET", path+"greeting/proof?tx="+strconv.Itoa(tx1), "", nil)
	wantStatus(t, "proof as of tx", r, 200, "")
	if p := r.json(t); p["tx"] != float64(tx1) {
		t.Fatalf("proof ?tx: tx %v, want %d", p["tx"], tx1)
	}
	wantStatus(t, "proof of a missing key", ts.do(t, admin, "GET", path+"nope/proof", "", nil), 404, "02000")

	// The keys are a table like any other.
	out := ts.sql(t, admin, "defaultdb", "SELECT key, content_type FROM stela_kv ORDER BY key")
	if fmt.Sprint(out["rows"]) != "[[cfg/a <nil>] [cfg/b <nil>]]" {
		t.Fatalf("stela_kv through SQL: %v", out["rows"])
	}
}

// TestKVPrivileges: a read user reads keys and gets 403 on PUT; a writer
// without CREATE gets a 403 telling it to have an admin make the table.
func TestKVPrivileges(t *testing.T) {
	ts := startServer(t, nil)
	wantStatus(t, "admin's first put", ts.do(t, admin, "PUT", "/api/v1/db/defaultdb/kv/k", "", []byte("v")), 200, "")
	grantRead(t, ts, "defaultdb", "reader", "Read!pw0rd")
	reader := auth{user: "reader", pass: "Read!pw0rd"}
	if r := ts.do(t, reader, "GET", "/api/v1/db/defaultdb/kv/k", "", nil); r.status != 200 || string(r.body) != "v" {
		t.Fatalf("reader's get: %d %s", r.status, r.body)
	}
	wantStatus(t, "reader's put", ts.do(t, reader, "PUT", "/api/v1/db/defaultdb/kv/k", "", []byte("w")), 403, "42501")
	wantStatus(t, "reader's delete", ts.do(t, reader, "DELETE", "/api/v1/db/defaultdb/kv/k", "", nil), 403, "42501")

	ts.sql(t, admin, "defaultdb", "CREATE DATABASE fresh")
	for _, q := range []string{"CREATE USER writer PASSWORD 'Write!pw0rd'", "GRANT CONNECT ON DATABASE fresh TO writer"} {
		ts.sql(t, admin, "defaultdb", q)
	}
	r := ts.do(t, auth{user: "writer", pass: "Write!pw0rd"}, "PUT", "/api/v1/db/fresh/kv/k", "", []byte("v"))
	wantStatus(t, "writer's first put in a fresh database", r, 403, "42501")
	if e := r.json(t)["error"].(map[string]any); !strings.Contains(e["hint"].(string), "CREATE TABLE") {
		t.Fatalf("no fix in the hint: %v", e)
	}
	wantStatus(t, "get in a database without the table", ts.do(t, admin, "GET", "/api/v1/db/fresh/kv/k", "", nil), 404, "02000")
	wantStatus(t, "unknown database", ts.do(t, admin, "GET", "/api/v1/db/nodb/kv/k", "", nil), 404, "3D000")
}

// TestProofEndpoints: state, consistency proof and tx, as the SQL
// functions give them.
func TestProofEndpoints(t *testing.T) {
	ts := startServer(t, nil)
	ts.sql(t, admin, "defaultdb", "CREATE TABLE t (id int PRIMARY KEY)")
	ts.sql(t, admin, "defaultdb", "INSERT INTO t VALUES (1)")
	r := ts.do(t, admin, "GET", "/api/v1/db/defaultdb/state", "", nil)
	wantStatus(t, "state", r, 200, "")
	st := r.json(t)
	if st["origin"] != "stela.local/defaultdb" || st["tx"] != float64(2) || !strings.HasPrefix(st["checkpoint"].(string), "stela.local/defaultdb\n2\n") {
		t.Fatalf("state: %s", r.body)
	}
	r = ts.do(t, admin, "GET", "/api/v1/db/defaultdb/proof/consistency?from=1&to=2", "", nil)
	wantStatus(t, "consistency", r, 200, "")
	if c := r.json(t); c["from"] != float64(1) || c["to"] != float64(2) || len(c["path"].([]any)) != 1 {
		t.Fatalf("consistency: %s", r.body)
	}
	wantStatus(t, "consistency beyond the log", ts.do(t, admin, "GET", "/api/v1/db/defaultdb/proof/consistency?from=1&to=9", "", nil), 400, "22023")
	wantStatus(t, "consistency without to", ts.do(t, admin, "GET", "/api/v1/db/defaultdb/proof/consistency?from=1", "", nil), 400, "22023")
	r = ts.do(t, admin, "GET", "/api/v1/db/defaultdb/tx/2", "", nil)
	wantStatus(t, "tx", r, 200, "")
	if h := r.json(t)["header"].(map[string]any); h["tx"] != float64(2) || h["entries"] != float64(1) {
		t.Fatalf("tx: %s", r.body)
	}
	wantStatus(t, "tx beyond the log", ts.do(t, admin, "GET", "/api/v1/db/defaultdb/tx/9", "", nil), 400, "22023")
}
