package server_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/server"
)

// The SQL files in testdata/sql run against a real stela server started in
// process, driven over the wire with pgconn, exactly as clients do. Each
// file gets a fresh server and data directory.
//
// Directives (cockroachdb/datadriven):
//
//	exec [conn=N] [mode=simple]      run statements; prints the command tags
//	query [conn=N] [mode=simple] [rowsort] [types]
//	                                 run one query; prints rows as text
//	prepare [conn=N] name=S          Parse a named statement of the
//	                                 extended protocol (Parse, Describe,
//	                                 Sync); prints PREPARED
//
// Output: a header line of column names (with types when asked), then one
// line per row, values separated by " | ", NULL as NULL. Errors print as
// "ERROR <SQLSTATE>: <message>" so that they are diffed like rows.
//
// Rewrite expectations with: go test ./server/ -run TestSQLFiles -rewrite
// Check them against PostgreSQL 15 with:
//
//	STELA_SQLTEST_PG='postgres://postgres@127.0.0.1:54315/postgres' go test ./server/ -run TestSQLFiles
//
// Directives marked pg-differs (an intended difference, say why in a
// comment) are skipped in that mode, and so are whole files named
// stela_*.test (stela's own features).

var sqlFilesPG = flag.String("sqltest.pg", os.Getenv("STELA_SQLTEST_PG"), "run testdata/sql against this PostgreSQL instead of stela")

func TestSQLFiles(t *testing.T) {
	datadriven.Walk(t, "../testdata/sql", func(t *testing.T, path string) {
		ctx := context.Background()
		var dsn string
		if *sqlFilesPG != "" && strings.HasPrefix(filepath.Base(path), "stela_") {
			t.Skip("stela's own features (time travel, proofs): nothing to compare with PostgreSQL")
		}
		if *sqlFilesPG != "" {
			dsn = *sqlFilesPG
		} else {
			dsn = startForFile(t)
		}
		conns := map[string]*pgconn.PgConn{}
		defer func() {
			for _, c := range conns {
				c.Close(ctx)
			}
		}()
		conn := func(name string) *pgconn.PgConn {
			if c, ok := conns[name]; ok {
				return c
			}
			c, err := pgconn.Connect(ctx, dsn)
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			conns[name] = c
			return c
		}
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			if *sqlFilesPG != "" && d.HasArg("pg-differs") {
				return d.Expected // not comparable; the file says why
			}
			name := "1"
			if d.HasArg("conn") {
				d.ScanArgs(t, "conn", &name)
			}
			c := conn(name)
			simple := false
			if d.HasArg("mode") {
				var m string
				d.ScanArgs(t, "mode", &m)
				simple = m == "simple"
			}
			ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			switch d.Cmd {
			case "exec":
				return execSQL(ctx, c, d.Input)
			case "query":
				return querySQL(ctx, c, d.Input, simple, d.HasArg("rowsort"), d.HasArg("types"))
			case "prepare":
				var stmt string
				d.ScanArgs(t, "name", &stmt)
				if _, err := c.Prepare(ctx, stmt, d.Input, nil); err != nil {
					return formatError(err)
				}
				return "PREPARED\n"
			}
			t.Fatalf("%s: unknown directive %q", d.Pos, d.Cmd)
			return ""
		})
	})
}

// startForFile starts a server for one file and returns its DSN.
func startForFile(t testing.TB) string {
	t.Helper()
	return dsnOf(startServer(t, nil))
}

// dsnOf is the URL of a test server's defaultdb as its admin.
func dsnOf(srv *server.Server) string {
	return fmt.Sprintf("postgres://admin:Test%%21pw0rd@%s/defaultdb?sslmode=disable", srv.Addr)
}

// testConfig is a test server's configuration over data directory dir:
// a free loopback port, admin password Test!pw0rd, logs at warn level.
func testConfig(t testing.TB, dir string) server.Config {
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	return server.Config{
		DataDir: dir, Listen: "127.0.0.1:0", AdminPassword: "Test!pw0rd",
		Logger: log, KV: kv.Options{MinFreeBytes: -1},
	}
}

// startServer starts a server on a temporary data directory and a free
// loopback port, admin password Test!pw0rd; adjust, when set, changes
// the configuration first. It is shut down (and must shut down cleanly)
// when the test ends; a session that panicked (which the server
// survives, ending only that session) fails the test.
func startServer(t testing.TB, adjust func(*server.Config)) *server.Server {
	t.Helper()
	cfg := testConfig(t, t.TempDir())
	if adjust != nil {
		adjust(&cfg)
	}
	srv, err := server.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { shutdown(t, srv) })
	return srv
}

// execSQL runs a simple Query (possibly several statements) and prints
// each statement's command tag, or the error.
func execSQL(ctx context.Context, c *pgconn.PgConn, sql string) string {
	results, err := c.Exec(ctx, sql).ReadAll()
	var out strings.Builder
	for _, r := range results {
		if r.Err == nil {
			fmt.Fprintln(&out, r.CommandTag.String())
		}
	}
	if err != nil {
		out.WriteString(formatError(err))
	}
	return out.String()
}

// querySQL runs one query, by the extended protocol with text results
// unless simple, and prints a header and the rows.
func querySQL(ctx context.Context, c *pgconn.PgConn, sql string, simple, rowsort, withTypes bool) string {
	var res *pgconn.Result
	if simple {
		results, err := c.Exec(ctx, sql).ReadAll()
		if err != nil {
			return formatError(err)
		}
		if len(results) != 1 {
			return fmt.Sprintf("expected 1 result, got %d\n", len(results))
		}
		res = results[0]
	} else {
		res = c.ExecParams(ctx, sql, nil, nil, nil, nil).Read()
		if res.Err != nil {
			return formatError(res.Err)
		}
	}
	var out strings.Builder
	names := make([]string, len(res.FieldDescriptions))
	for i, f := range res.FieldDescriptions {
		names[i] = f.Name
		if withTypes {
			names[i] += ":" + oidName(f.DataTypeOID)
		}
	}
	out.WriteString(strings.Join(names, " | ") + "\n")
	lines := make([]string, len(res.Rows))
	for i, row := range res.Rows {
		vals := make([]string, len(row))
		for j, v := range row {
			if v == nil {
				vals[j] = "NULL"
			} else {
				vals[j] = string(v)
			}
		}
		lines[i] = strings.Join(vals, " | ")
	}
	if rowsort {
		sort.Strings(lines)
	}
	for _, l := range lines {
		out.WriteString(l + "\n")
	}
	return out.String()
}

func formatError(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return fmt.Sprintf("ERROR %s: %s\n", pe.Code, pe.Message)
	}
	return "ERROR: " + err.Error() + "\n"
}

// oidName names the type OIDs results carry (PostgreSQL's typnames).
func oidName(oid uint32) string {
	names := map[uint32]string{16: "bool", 17: "bytea", 19: "name", 20: "int8", 21: "int2", 23: "int4", 25: "text",
		26: "oid", 114: "json", 700: "float4", 701: "float8", 705: "unknown", 1042: "bpchar", 1043: "varchar",
		1082: "date", 1083: "time", 1114: "timestamp", 1184: "timestamptz", 1186: "interval", 1700: "numeric",
		2278: "void", 2950: "uuid", 3802: "jsonb",
		// Array types (typname is "_" + the element's).
		1000: "_bool", 1001: "_bytea", 1003: "_name", 1016: "_int8", 1005: "_int2", 1007: "_int4", 1009: "_text",
		1028: "_oid", 199: "_json", 1021: "_float4", 1022: "_float8", 1014: "_bpchar", 1015: "_varchar",
		1182: "_date", 1183: "_time", 1115: "_timestamp", 1185: "_timestamptz", 1187: "_interval",
		1231: "_numeric", 2951: "_uuid", 3807: "_jsonb"}
	if n, ok := names[oid]; ok {
		return n
	}
	return fmt.Sprint(oid)
}
