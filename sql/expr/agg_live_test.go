package expr

import (
	"context"
	"fmt"
	"math/rand"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stela-db/stela/sql/types"
)

// TestAggLiveRandom compares the numeric aggregates with a real
// PostgreSQL 15 on 127.0.0.1:54315 over random inputs; it is skipped
// when none answers there.
func TestAggLiveRandom(t *testing.T) {
	const addr = "127.0.0.1:54315"
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Skipf("no PostgreSQL at %s: %v", addr, err)
	}
	c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pgconn.Connect(ctx, "postgres://postgres@"+addr+"/postgres?sslmode=disable")
	if err != nil {
		t.Skipf("cannot connect to PostgreSQL at %s: %v", addr, err)
	}
	defer conn.Close(context.Background())
	for _, s := range []string{"SET extra_float_digits = 1", "SET IntervalStyle = 'postgres'"} {
		if _, err := conn.Exec(ctx, s).ReadAll(); err != nil {
			t.Fatal(err)
		}
	}

	rng := rand.New(rand.NewSource(15))
	gen := map[*types.T]func() string{
		types.Int4: func() string { return fmt.Sprint(rng.Int63n(2000001) - 1000000) },
		types.Int8: func() string { return fmt.Sprint(rng.Int63() >> uint(rng.Intn(60)) * int64(1-2*rng.Intn(2))) },
		types.Numeric: func() string {
			scale := rng.Intn(12)
			digits := 1 + rng.Intn(20)
			var b strings.Builder
			if rng.Intn(3) == 0 {
				b.WriteByte('-')
			}
			for i := 0; i < digits; i++ {
				b.WriteByte(byte('0' + rng.Intn(10)))
			}
			s := b.String()
			if scale > 0 {
				s += "e-" + fmt.Sprint(scale)
			}
			return s
		},
		types.Float8: func() string { return fmt.Sprint(rng.NormFloat64() * 1000) },
		types.Float4: func() string { return fmt.Sprint(float32(rng.NormFloat64() * 100)) },
		types.Int2:   func() string { return fmt.Sprint(rng.Intn(65536) - 32768) },
		types.IntervalType: func() string {
			return fmt.Sprintf("%d mons %d days %d us", rng.Intn(40)-10, rng.Intn(100)-30, rng.Int63n(1e12))
		},
	}
	aggs := map[*types.T][]string{
		types.Int4:         {"sum", "avg", "variance", "var_pop", "stddev", "stddev_pop"},
		types.Int8:         {"sum", "avg", "variance", "var_pop", "stddev", "stddev_pop"},
		types.Numeric:      {"sum", "avg", "variance", "var_pop", "stddev", "stddev_pop"},
		types.Float8:       {"sum", "avg", "variance", "var_pop", "stddev", "stddev_pop"},
		types.Float4:       {"sum", "avg", "variance", "var_pop", "stddev", "stddev_pop", "min", "max"},
		types.Int2:         {"sum", "avg", "variance", "var_pop", "stddev", "stddev_pop", "bit_and", "bit_or", "bit_xor", "min", "max"},
		types.IntervalType: {"sum", "avg"},
	}
	for ty, g := range gen {
		for iter := 0; iter < 60; iter++ {
			n := 1 + rng.Intn(20)
			vals := make([]string, n)
			lits := make([]string, n)
			for i := range vals {
				v := g()
				if ty == types.Numeric {
					// Normalize through numeric_in so both sides see the same text.
					d, err := types.Numeric.ParseText(v, nil)
					if err != nil {
						t.Fatal(err)
					}
					v = aggText(types.Numeric, d, nil)
				}
				vals[i] = v
				lits[i] = "('" + v + "'::" + ty.Name + ")"
			}
			var sel []string
			for _, a := range aggs[ty] {
				sel = append(sel, a+"(x)::text")
			}
			q := "select " + strings.Join(sel, ", ") + " from (values " + strings.Join(lits, ",") + ") t(x)"
			res, err := conn.Exec(ctx, q).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			if res[0].Err != nil {
				t.Fatalf("%s: %v", q, res[0].Err)
			}
			row := res[0].Rows[0]
			for i, a := range aggs[ty] {
				want := "<NULL>"
				if row[i] != nil {
					want = string(row[i])
				}
				got, err := runAgg(t, &Context{}, aggCase{name: a, types: []*types.T{ty}, rows: aggCol(vals...)})
				if err != nil {
					got = "error: " + err.Error()
				}
				if got != want {
					t.Errorf("%s(%s) of %v:\n got %s\nwant %s", a, ty.Name, vals, got, want)
				}
			}
		}
	}
}
