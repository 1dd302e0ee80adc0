package server_test

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestSQLAgainstModel runs random INSERT, UPDATE, DELETE and ON CONFLICT
// statements, in autocommit and in transactions that commit, roll back or
// roll back to a savepoint, against a table with a primary key, a unique
// and a plain secondary index, and mirrors them in a Go map. After every
// step, reads through each access path (full scan, primary-key point and
// range, unique and secondary index lookups and ranges, ordered with
// LIMIT) must agree with the model. Seeded: a failure prints its seed.
func TestSQLAgainstModel(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { runSQLModel(t, seed, 250) })
	}
}

type modelRow struct {
	u *int // unique, may be NULL
	g int  // indexed, duplicates
	s string
}

func runSQLModel(t *testing.T, seed int64, steps int) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, startForFile(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	for _, q := range []string{
		"CREATE TABLE m (id int PRIMARY KEY, u int UNIQUE, g int NOT NULL, s text)",
		"CREATE INDEX m_g ON m (g DESC, s)",
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	r := rand.New(rand.NewSource(seed))
	committed := map[int]modelRow{}
	cur := committed
	var inTx bool
	var saved map[int]modelRow // at the savepoint
	clone := func(m map[int]modelRow) map[int]modelRow {
		out := make(map[int]modelRow, len(m))
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	uTaken := func(m map[int]modelRow, u int, except int) bool {
		for id, row := range m {
			if id != except && row.u != nil && *row.u == u {
				return true
			}
		}
		return false
	}
	exec := func(sql string, args ...any) error {
		_, err := c.Exec(ctx, sql, args...)
		return err
	}
	for step := 0; step < steps; step++ {
		id := r.Intn(60)
		var u *int
		if r.Intn(4) > 0 {
			v := r.Intn(80)
			u = &v
		}
		g := r.Intn(8)
		s := fmt.Sprintf("s%d", r.Intn(5))
		switch op := r.Intn(10); {
		case op < 3: // insert
			err := exec("INSERT INTO m VALUES ($1, $2, $3, $4)", id, u, g, s)
			_, dupID := cur[id]
			dupU := u != nil && uTaken(cur, *u, -1)
			if (err == nil) == (dupID || dupU) {
				t.Fatalf("seed %d step %d: insert %d: err %v, dup id %v u %v", seed, step, id, err, dupID, dupU)
			}
			if err == nil {
				cur[id] = modelRow{u, g, s}
			} else if inTx {
				// An error aborts the transaction: roll back.
				if err := exec("ROLLBACK"); err != nil {
					t.Fatal(err)
				}
				cur, inTx = committed, false
			}
		case op < 4: // upsert
			err := exec("INSERT INTO m VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET g = excluded.g + m.g, s = excluded.s", id, nil, g, s)
			if err != nil {
				t.Fatalf("seed %d step %d: upsert: %v", seed, step, err)
			}
			if old, ok := cur[id]; ok {
				cur[id] = modelRow{old.u, old.g + g, s}
			} else {
				cur[id] = modelRow{nil, g, s}
			}
		case op < 6: // update g of a range
			lo := r.Intn(60)
			err := exec("UPDATE m SET g = g + 1, s = s || 'x' WHERE id BETWEEN $1 AND $2", lo, lo+5)
			if err != nil {
				t.Fatalf("seed %d step %d: update: %v", seed, step, err)
			}
			for k, v := range cur {
				if k >= lo && k <= lo+5 {
					cur[k] = modelRow{v.u, v.g + 1, v.s + "x"}
				}
			}
		case op < 7: // move a row's key
			to := r.Intn(60)
			err := exec("UPDATE m SET id = $2 WHERE id = $1", id, to)
			_, from := cur[id]
			_, taken := cur[to]
			if want := from && taken && id != to; (err != nil) != want {
				t.Fatalf("seed %d step %d: move %d->%d: err %v", seed, step, id, to, err)
			}
			if err == nil && from {
				row := cur[id]
				delete(cur, id)
				cur[to] = row
			} else if err != nil && inTx {
				if err := exec("ROLLBACK"); err != nil {
					t.Fatal(err)
				}
				cur, inTx = committed, false
			}
		case op < 8 && r.Intn(12) == 0: // truncate: new storage (catalog/truncate.go)
			if err := exec("TRUNCATE m"); err != nil {
				t.Fatalf("seed %d step %d: truncate: %v", seed, step, err)
			}
			for k := range cur {
				delete(cur, k)
			}
		case op < 8: // delete by secondary key
			if err := exec("DELETE FROM m WHERE g = $1 AND s = $2", g, s); err != nil {
				t.Fatalf("seed %d step %d: delete: %v", seed, step, err)
			}
			for k, v := range cur {
				if v.g == g && v.s == s {
					delete(cur, k)
				}
			}
		default: // transaction control
			switch {
			case !inTx:
				if err := exec("BEGIN"); err != nil {
					t.Fatal(err)
				}
				cur, inTx, saved = clone(committed), true, nil
			case r.Intn(3) == 0 && saved == nil:
				if err := exec("SAVEPOINT sp"); err != nil {
					t.Fatal(err)
				}
				saved = clone(cur)
			case r.Intn(3) == 0 && saved != nil:
				if err := exec("ROLLBACK TO SAVEPOINT sp"); err != nil {
					t.Fatal(err)
				}
				cur = clone(saved)
			case r.Intn(2) == 0:
				if err := exec("COMMIT"); err != nil {
					t.Fatal(err)
				}
				committed, cur, inTx = cur, nil, false
				cur = committed
			default:
				if err := exec("ROLLBACK"); err != nil {
					t.Fatal(err)
				}
				cur, inTx = committed, false
			}
		}
		checkSQLModel(t, c, cur, seed, step, r)
	}
}

// checkSQLModel compares several reads with the model.
func checkSQLModel(t *testing.T, c *pgx.Conn, m map[int]modelRow, seed int64, step int, r *rand.Rand) {
	t.Helper()
	ctx := context.Background()
	format := func(id int, row modelRow) string {
		u := "NULL"
		if row.u != nil {
			u = fmt.Sprint(*row.u)
		}
		return fmt.Sprintf("%d|%s|%d|%s", id, u, row.g, row.s)
	}
	want := func(keep func(id int, row modelRow) bool) []string {
		var out []string
		for id, row := range m {
			if keep(id, row) {
				out = append(out, format(id, row))
			}
		}
		sort.Strings(out)
		return out
	}
	got := func(sql string, args ...any) []string {
		rows, err := c.Query(ctx, sql, args...)
		if err != nil {
			t.Fatalf("seed %d step %d: %s: %v", seed, step, sql, err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, g int
			var u *int
			var s string
			if err := rows.Scan(&id, &u, &g, &s); err != nil {
				t.Fatal(err)
			}
			out = append(out, format(id, modelRow{u, g, s}))
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("seed %d step %d: %s: %v", seed, step, sql, err)
		}
		sort.Strings(out)
		return out
	}
	id, g, u := r.Intn(60), r.Intn(8), r.Intn(80)
	checks := []struct {
		sql  string
		args []any
		keep func(int, modelRow) bool
	}{
		{"SELECT id, u, g, s FROM m", nil, func(int, modelRow) bool { return true }},
		{"SELECT id, u, g, s FROM m WHERE id = $1", []any{id}, func(i int, _ modelRow) bool { return i == id }},
		{"SELECT id, u, g, s FROM m WHERE id >= $1 AND id < $1 + 10", []any{id}, func(i int, _ modelRow) bool { return i >= id && i < id+10 }},
		{"SELECT id, u, g, s FROM m WHERE u = $1", []any{u}, func(_ int, x modelRow) bool { return x.u != nil && *x.u == u }},
		{"SELECT id, u, g, s FROM m WHERE u IS NULL", nil, func(_ int, x modelRow) bool { return x.u == nil }},
		{"SELECT id, u, g, s FROM m WHERE g = $1", []any{g}, func(_ int, x modelRow) bool { return x.g == g }},
		{"SELECT id, u, g, s FROM m WHERE g BETWEEN $1 AND $1 + 2 AND s > 's1'", []any{g}, func(_ int, x modelRow) bool { return x.g >= g && x.g <= g+2 && x.s > "s1" }},
		{"SELECT id, u, g, s FROM m WHERE g IN ($1, $1 + 3)", []any{g}, func(_ int, x modelRow) bool { return x.g == g || x.g == g+3 }},
	}
	for _, ch := range checks {
		w, gt := want(ch.keep), got(ch.sql, ch.args...)
		if fmt.Sprint(w) != fmt.Sprint(gt) {
			t.Fatalf("seed %d step %d: %s %v:\nwant %v\ngot  %v", seed, step, ch.sql, ch.args, w, gt)
		}
	}
	// Ordered with LIMIT (top-k): the 5 largest ids.
	var ids []int
	for id := range m {
		ids = append(ids, id)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ids)))
	if len(ids) > 5 {
		ids = ids[:5]
	}
	rows, err := c.Query(ctx, "SELECT id FROM m ORDER BY id DESC LIMIT 5")
	if err != nil {
		t.Fatal(err)
	}
	var top []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		top = append(top, v)
	}
	rows.Close()
	if fmt.Sprint(top) != fmt.Sprint(ids) {
		t.Fatalf("seed %d step %d: top 5: want %v got %v", seed, step, ids, top)
	}
	// min and max read one index entry (sql/minmax.go): u through its
	// unique index (NULLs skipped), g through m_g (descending), s after g
	// pinned, id by the primary key in a range.
	type agg struct {
		sql  string
		args []any
		pick func(id int, row modelRow) (int, bool) // the value, if any
		max  bool
	}
	aggs := []agg{
		{"SELECT max(u) FROM m", nil, func(_ int, x modelRow) (int, bool) { return derefOr(x.u) }, true},
		{"SELECT min(u) FROM m WHERE id < $1", []any{id}, func(i int, x modelRow) (int, bool) {
			v, ok := derefOr(x.u)
			return v, ok && i < id
		}, false},
		{"SELECT min(g) FROM m", nil, func(_ int, x modelRow) (int, bool) { return x.g, true }, false},
		{"SELECT max(g) FROM m WHERE s = 's1'", nil, func(_ int, x modelRow) (int, bool) { return x.g, x.s == "s1" }, true},
		{"SELECT max(id) FROM m WHERE id <= $1", []any{id}, func(i int, _ modelRow) (int, bool) { return i, i <= id }, true},
		{"SELECT min(id) FROM m WHERE g = $1", []any{g}, func(i int, x modelRow) (int, bool) { return i, x.g == g }, false},
	}
	for _, a := range aggs {
		var want *int
		for id, row := range m {
			if v, ok := a.pick(id, row); ok && (want == nil || (a.max && v > *want) || (!a.max && v < *want)) {
				v := v
				want = &v
			}
		}
		var gotV *int
		if err := c.QueryRow(ctx, a.sql, a.args...).Scan(&gotV); err != nil {
			t.Fatalf("seed %d step %d: %s: %v", seed, step, a.sql, err)
		}
		if fmt.Sprint(derefOr(want)) != fmt.Sprint(derefOr(gotV)) {
			t.Fatalf("seed %d step %d: %s %v: want %v got %v", seed, step, a.sql, a.args, fmtPtr(want), fmtPtr(gotV))
		}
	}
	// All four at once: one index read each, their rows pooled.
	var minU, maxU, minID, maxID *int
	if err := c.QueryRow(ctx, "SELECT min(u), max(u), min(id), max(id) FROM m").Scan(&minU, &maxU, &minID, &maxID); err != nil {
		t.Fatalf("seed %d step %d: min/max together: %v", seed, step, err)
	}
	var wantMinU, wantMaxU, wantMinID, wantMaxID *int
	for id, row := range m {
		id := id
		if wantMinID == nil || id < *wantMinID {
			wantMinID = &id
		}
		if wantMaxID == nil || id > *wantMaxID {
			wantMaxID = &id
		}
		if row.u != nil && (wantMinU == nil || *row.u < *wantMinU) {
			wantMinU = row.u
		}
		if row.u != nil && (wantMaxU == nil || *row.u > *wantMaxU) {
			wantMaxU = row.u
		}
	}
	gotAll := []string{fmtPtr(minU), fmtPtr(maxU), fmtPtr(minID), fmtPtr(maxID)}
	wantAll := []string{fmtPtr(wantMinU), fmtPtr(wantMaxU), fmtPtr(wantMinID), fmtPtr(wantMaxID)}
	if fmt.Sprint(gotAll) != fmt.Sprint(wantAll) {
		t.Fatalf("seed %d step %d: min/max together: want %v got %v", seed, step, wantAll, gotAll)
	}
}

// derefOr returns *p and whether p is set.
func derefOr(p *int) (int, bool) {
	if p == nil {
		return 0, false
	}
	return *p, true
}

func fmtPtr(p *int) string {
	if p == nil {
		return "NULL"
	}
	return fmt.Sprint(*p)
}
