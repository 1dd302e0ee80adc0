package keyenc

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stela-db/stela/sql/types"
)

// The live tests ask a real PostgreSQL 15 on 127.0.0.1:54315 (user
// postgres, trust) to sort values and compare its order with the order of
// our keys. They are skipped when no server answers there.

const liveAddr = "127.0.0.1:54315"

func liveConn(t testing.TB) *pgconn.PgConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", liveAddr, time.Second)
	if err != nil {
		t.Skipf("no PostgreSQL at %s: %v", liveAddr, err)
	}
	c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgconn.Connect(ctx, "postgres://postgres@"+liveAddr+"/postgres?sslmode=disable")
	if err != nil {
		t.Skipf("cannot connect to PostgreSQL at %s: %v", liveAddr, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	for _, s := range []string{"SET TimeZone = 'UTC'", "SET DateStyle = 'ISO, MDY'", "SET IntervalStyle = 'postgres'", "SET extra_float_digits = 1"} {
		if _, err := conn.Exec(context.Background(), s).ReadAll(); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return conn
}

// liveValues returns edge cases and random values of typ that PostgreSQL
// can hold (text without NUL and in UTF-8, dates and timestamps in
// range, names shorter than NAMEDATALEN).
func liveValues(t *testing.T, rng *rand.Rand, typ *types.T, n int) []types.Datum {
	vals := []types.Datum{nil, nil}
	ok := func(d types.Datum) bool {
		switch typ.Oid {
		case types.Text.Oid, types.Varchar.Oid, types.Name.Oid, types.Bpchar.Oid:
			_, err := typ.ParseText(d.(string), nil)
			return err == nil && (typ.Oid != types.Name.Oid || len(d.(string)) < 64)
		case types.DateType.Oid:
			v := d.(types.Date)
			return !v.IsFinite() || (v >= -2451545 && v <= 2000000)
		case types.TimestampType.Oid:
			v := d.(types.Timestamp)
			return !v.IsFinite() || (v > -1<<57 && v < 1<<57)
		case types.TimestampTZType.Oid:
			v := d.(types.TimestampTZ)
			return !v.IsFinite() || (v > -1<<57 && v < 1<<57)
		case types.IntervalType.Oid:
			// PostgreSQL 15 cannot read back every extreme interval it
			// prints; stay in the range where text round trips.
			v := d.(types.Interval)
			return v.Months > -1<<30 && v.Months < 1<<30 && v.Days > -1<<30 && v.Days < 1<<30 && v.Micros > -1<<60 && v.Micros < 1<<60
		}
		return true
	}
	for _, d := range edgeValues(t, typ) {
		if ok(d) {
			vals = append(vals, d)
		}
	}
	for len(vals) < n {
		var d types.Datum
		switch typ.Oid {
		case types.Text.Oid, types.Varchar.Oid, types.Name.Oid:
			d = validString(rng, 5)
		case types.Bpchar.Oid:
			d = validString(rng, 4) + strings.Repeat(" ", rng.Intn(3))
		case types.DateType.Oid:
			d = types.Date(rng.Intn(4000000) - 2000000)
		case types.IntervalType.Oid:
			if rng.Intn(2) == 0 {
				d = types.Interval{Months: int32(rng.Intn(5) - 2), Days: int32(rng.Intn(121) - 60), Micros: int64(rng.Intn(5)-2) * usPerDay}
			} else {
				d = types.Interval{Months: int32(rng.Intn(2000001) - 1000000), Days: int32(rng.Intn(2e7) - 1e7), Micros: rng.Int63n(1<<51) - 1<<50}
			}
		default:
			d = randValue(t, rng, typ)
		}
		if ok(d) {
			vals = append(vals, d)
		}
	}
	return vals
}

func sqlLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// TestLiveOrder sorts a few hundred values of every indexable type on the
// server, in the four direction/NULL combinations, and checks that the
// dense rank PostgreSQL gives each value is the one our keys give it (so
// that both the order and the equalities agree).
func TestLiveOrder(t *testing.T) {
	conn := liveConn(t)
	rng := rand.New(rand.NewSource(testSeed(t)))
	for _, typ := range keyTypes {
		t.Run(typ.Name, func(t *testing.T) {
			vals := liveValues(t, rng, typ, 300)
			collate := ""
			if typ.Family == types.StringFamily {
				collate = ` COLLATE "C"`
			}
			var q strings.Builder
			q.WriteString("SELECT i")
			for _, o := range allOptions {
				fmt.Fprintf(&q, ", dense_rank() OVER (ORDER BY x%s %v %v)", collate, o.dir, o.nulls)
			}
			q.WriteString(" FROM (VALUES ")
			for i, v := range vals {
				if i > 0 {
					q.WriteString(", ")
				}
				lit := "NULL"
				if v != nil {
					lit = sqlLiteral(string(typ.AppendText(nil, v, nil)))
				}
				fmt.Fprintf(&q, "(%d, %s::%s)", i, lit, typ.Name)
			}
			q.WriteString(") v(i, x)")
			res, err := conn.Exec(context.Background(), q.String()).ReadAll()
			if err != nil {
				t.Fatalf("server: %v", err)
			}
			server := make([][]int, len(allOptions))
			for k := range server {
				server[k] = make([]int, len(vals))
			}
			for _, row := range res[0].Rows {
				i, _ := strconv.Atoi(string(row[0]))
				for k := range allOptions {
					server[k][i], _ = strconv.Atoi(string(row[k+1]))
				}
			}
			for k, o := range allOptions {
				keys := make([][]byte, len(vals))
				for i, v := range vals {
					keys[i] = mustKey(t, typ, v, o.dir, o.nulls)
				}
				sorted := slices.Clone(keys)
				slices.SortFunc(sorted, bytes.Compare)
				sorted = slices.CompactFunc(sorted, bytes.Equal)
				for i := range vals {
					rank, _ := slices.BinarySearchFunc(sorted, keys[i], bytes.Compare)
					if rank+1 != server[k][i] {
						t.Errorf("%v %v: %s has rank %d in our order, %d on the server", o.dir, o.nulls, show(typ, vals[i]), rank+1, server[k][i])
					}
				}
			}
			t.Logf("%d values agree", len(vals))
		})
	}
}
