package server_test

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestOrderedSetAggregatesRandom checks percentile_cont, percentile_disc,
// mode and the hypothetical-set aggregates over random groups (ties,
// NULLs, groups of only NULLs) against the definitions computed in Go:
// percentile_cont interpolates at fraction*(n-1), percentile_disc takes
// the first value whose position reaches fraction*n, mode the most
// frequent value (the least among equally frequent ones, ascending), and
// rank, dense_rank, percent_rank and cume_dist place a hypothetical value
// among the group's rows, NULLs included (sorted last). Seeded: a failure
// prints its seed.
func TestOrderedSetAggregatesRandom(t *testing.T) {
	ctx := context.Background()
	c, exec := connectExec(t)
	exec("CREATE TABLE r (id int PRIMARY KEY, g int, v float8)")
	for seed := int64(1); seed <= 4; seed++ {
		rng := rand.New(rand.NewSource(seed))
		groups := randomGroups(rng)
		exec("DELETE FROM r")
		if ins := insertGroups(groups); ins != "" {
			exec(ins)
		}
		fracs := []float64{0, 1, 0.5}
		for i := 0; i < 5; i++ {
			fracs = append(fracs, rng.Float64())
		}
		hypo := float64(rng.Intn(20))
		q := fmt.Sprintf(`SELECT g, percentile_cont(%[1]s) WITHIN GROUP (ORDER BY v), percentile_disc(%[1]s) WITHIN GROUP (ORDER BY v),
			percentile_cont(%[1]s) WITHIN GROUP (ORDER BY v DESC), mode() WITHIN GROUP (ORDER BY v),
			rank(%[2]v) WITHIN GROUP (ORDER BY v), dense_rank(%[2]v) WITHIN GROUP (ORDER BY v),
			percent_rank(%[2]v) WITHIN GROUP (ORDER BY v), cume_dist(%[2]v) WITHIN GROUP (ORDER BY v)
			FROM r GROUP BY g`, floatArray(fracs), hypo)
		rows, err := c.Query(ctx, q)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		seen := 0
		for rows.Next() {
			var g int
			var cont, disc, contDesc []float64
			var mode *float64
			var rank, dense int64
			var prank, cume float64
			if err := rows.Scan(&g, &cont, &disc, &contDesc, &mode, &rank, &dense, &prank, &cume); err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			seen++
			vals := groups[g]
			want := expectOrderedSet(vals, fracs, hypo)
			got := fmt.Sprint(cont, disc, contDesc, deref(mode), rank, dense, prank, cume)
			if got != want {
				t.Errorf("seed %d, group %d (%v):\n got %s\nwant %s", seed, g, vals, got, want)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if seen != len(groups) {
			t.Fatalf("seed %d: %d groups, want %d", seed, seen, len(groups))
		}
	}
}

// randomGroups makes up to 6 groups of up to 80 values, NULL (nil) now
// and then, drawn from a small range for ties or from a wide one.
func randomGroups(rng *rand.Rand) map[int][]*float64 {
	groups := map[int][]*float64{}
	for g := 0; g < 1+rng.Intn(6); g++ {
		n := 1 + rng.Intn(80)
		wide := rng.Intn(2) == 0
		allNull := rng.Intn(8) == 0
		for i := 0; i < n; i++ {
			if allNull || rng.Intn(10) == 0 {
				groups[g] = append(groups[g], nil)
				continue
			}
			v := float64(rng.Intn(15))
			if wide {
				v = rng.NormFloat64() * 1e3
			}
			groups[g] = append(groups[g], &v)
		}
	}
	return groups
}

// insertGroups is the INSERT of the groups' rows.
func insertGroups(groups map[int][]*float64) string {
	var vals []string
	id := 0
	for g, vs := range groups {
		for _, v := range vs {
			id++
			s := "NULL"
			if v != nil {
				s = strconv.FormatFloat(*v, 'g', -1, 64)
			}
			vals = append(vals, fmt.Sprintf("(%d, %d, %s)", id, g, s))
		}
	}
	if len(vals) == 0 {
		return ""
	}
	return "INSERT INTO r VALUES " + strings.Join(vals, ", ")
}

func floatArray(fs []float64) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = strconv.FormatFloat(f, 'g', -1, 64)
	}
	return "ARRAY[" + strings.Join(parts, ", ") + "]::float8[]"
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// expectOrderedSet computes what the test's query returns for a group,
// formatted as the test prints the scanned values.
func expectOrderedSet(vals []*float64, fracs []float64, hypo float64) string {
	var asc []float64
	nulls := 0
	for _, v := range vals {
		if v == nil {
			nulls++
		} else {
			asc = append(asc, *v)
		}
	}
	sort.Float64s(asc)
	desc := make([]float64, len(asc))
	for i, v := range asc {
		desc[len(asc)-1-i] = v
	}
	var cont, disc, contDesc []float64
	var mode any
	if len(asc) > 0 {
		for _, p := range fracs {
			cont = append(cont, percentileCont(asc, p))
			disc = append(disc, asc[max(int(math.Ceil(float64(p*float64(len(asc))))), 1)-1])
			contDesc = append(contDesc, percentileCont(desc, p))
		}
		mode = modeOf(asc)
	}
	// NULLs sort after every value: never before the hypothetical one.
	before, notAfter, distinct := 0, 0, 0
	for i, v := range asc {
		if v < hypo {
			before++
			if i == 0 || asc[i-1] != v {
				distinct++
			}
		}
		if v <= hypo {
			notAfter++
		}
	}
	n := len(vals)
	prank := 0.0
	if n > 0 {
		prank = float64(before) / float64(n)
	}
	cume := float64(notAfter+1) / float64(n+1)
	return fmt.Sprint(cont, disc, contDesc, mode, int64(before+1), int64(distinct+1), prank, cume)
}

// percentileCont interpolates between the values around position
// p*(n-1) of sorted values.
func percentileCont(sorted []float64, p float64) float64 {
	pos := float64(p * float64(len(sorted)-1))
	lo, hi := math.Floor(pos), math.Ceil(pos)
	a := sorted[int(lo)]
	if lo == hi {
		return a
	}
	return a + float64((pos-lo)*(sorted[int(hi)]-a))
}

// modeOf is the most frequent of sorted values, the first of equally
// frequent ones.
func modeOf(sorted []float64) float64 {
	best, bestN := sorted[0], 0
	for i := 0; i < len(sorted); {
		j := i
		for j < len(sorted) && sorted[j] == sorted[i] {
			j++
		}
		if j-i > bestN {
			best, bestN = sorted[i], j-i
		}
		i = j
	}
	return best
}
