package pgwire_test

import (
	"context"
	"testing"
)

// TestMergeExtendedProtocol: MERGE runs through pgx's extended protocol
// with parameters, its command tag reads "MERGE n" with n the rows
// inserted, updated and deleted, and a prepared MERGE runs again with
// other parameters.
func TestMergeExtendedProtocol(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	c := ts.connect(t, "")
	execAll(t, c, "CREATE TABLE inv (id int PRIMARY KEY, qty int NOT NULL, note text)",
		"INSERT INTO inv VALUES (1, 10, NULL), (2, 20, NULL)")
	const upsert = `MERGE INTO inv USING (VALUES ($1::int, $2::int)) AS s(id, qty) ON inv.id = s.id
		WHEN MATCHED AND s.qty = 0 THEN DELETE
		WHEN MATCHED THEN UPDATE SET qty = inv.qty + s.qty, note = $3
		WHEN NOT MATCHED THEN INSERT (id, qty, note) VALUES (s.id, s.qty, $3)`
	for _, tc := range []struct {
		id, qty int
		note    string
		tag     string
	}{
		{1, 5, "more", "MERGE 1"},
		{3, 7, "new", "MERGE 1"},
		{2, 0, "gone", "MERGE 1"},
	} {
		tag, err := c.Exec(ctx, upsert, tc.id, tc.qty, tc.note)
		if err != nil {
			t.Fatalf("merge %d: %v", tc.id, err)
		}
		if tag.String() != tc.tag || tag.RowsAffected() != 1 {
			t.Errorf("merge %d: tag %q (%d rows), want %q", tc.id, tag.String(), tag.RowsAffected(), tc.tag)
		}
	}
	// Parameters typed from the target's columns, by assignment.
	tag, err := c.Exec(ctx, `MERGE INTO inv USING inv AS s ON inv.id = s.id AND s.qty > $1
		WHEN MATCHED THEN UPDATE SET note = $2`, 0, "all")
	if err != nil {
		t.Fatal(err)
	}
	if tag.String() != "MERGE 2" {
		t.Errorf("tag %q, want MERGE 2", tag.String())
	}
	rows, err := c.Query(ctx, "SELECT id, qty, note FROM inv ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var id, qty int
		var note string
		if err := rows.Scan(&id, &qty, &note); err != nil {
			t.Fatal(err)
		}
		got = append(got, note)
		if want := map[int]int{1: 15, 3: 7}[id]; qty != want {
			t.Errorf("id %d: qty %d, want %d", id, qty, want)
		}
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if len(got) != 2 || got[0] != "all" || got[1] != "all" {
		t.Errorf("notes %v, want [all all]", got)
	}
	// An error in one execution of a prepared MERGE changes nothing; the
	// next execution works.
	if _, err := c.Prepare(ctx, "m", "MERGE INTO inv USING (VALUES ($1::int), ($2::int)) AS s(id) ON inv.id = s.id WHEN MATCHED THEN UPDATE SET qty = inv.qty - 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "m", 1, 1); sqlState(err) != "21000" {
		t.Fatalf("twice: %v, want 21000", err)
	}
	if tag, err := c.Exec(ctx, "m", 1, 3); err != nil || tag.String() != "MERGE 2" {
		t.Fatalf("m(1, 3): %v %v", tag, err)
	}
	var sum int
	if err := c.QueryRow(ctx, "SELECT sum(qty) FROM inv").Scan(&sum); err != nil || sum != 20 {
		t.Errorf("sum %d (%v), want 20", sum, err)
	}
	// PostgreSQL's hints.
	pe := wantState(t, c, "21000", "MERGE INTO inv USING (VALUES (1), (1)) AS s(id) ON inv.id = s.id WHEN MATCHED THEN DELETE")
	if pe.Hint != "Ensure that not more than one source row matches any one target row." {
		t.Errorf("21000 hint %q", pe.Hint)
	}
	pe = wantState(t, c, "42703", "MERGE INTO inv AS i USING (VALUES (1)) AS s(id) ON i.id = s.id WHEN NOT MATCHED THEN INSERT VALUES (s.id, qty)")
	if pe.Hint != `There is a column named "qty" in table "i", but it cannot be referenced from this part of the query.` {
		t.Errorf("42703 hint %q", pe.Hint)
	}
	// As UPDATE and DELETE, stela refuses to write a system catalog
	// (PostgreSQL lets a superuser).
	wantState(t, c, "42501", "MERGE INTO pg_class USING (VALUES (1)) AS s(id) ON false WHEN MATCHED THEN DELETE")
}

// TestMergePrivileges: MERGE needs SELECT on its source and its target,
// and on the target the privilege of each kind of action it has.
func TestMergePrivileges(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	admin := ts.connect(t, "")
	const pw = "Mrg!pw0rd1"
	execAll(t, admin, "CREATE USER mrg_u PASSWORD '"+pw+"'", "GRANT CONNECT ON DATABASE defaultdb TO mrg_u",
		"CREATE TABLE tgt (id int PRIMARY KEY, v int)", "CREATE TABLE src (id int, v int)", "CREATE TABLE hidden_src (id int, v int)",
		"INSERT INTO tgt VALUES (1, 1)", "INSERT INTO src VALUES (1, 10), (2, 20)",
		"GRANT SELECT ON tgt, src TO mrg_u")
	u, err := ts.connectAs("mrg_u", pw, "defaultdb")
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close(ctx)
	const (
		update = "MERGE INTO tgt USING src ON tgt.id = src.id WHEN MATCHED THEN UPDATE SET v = src.v"
		insert = "MERGE INTO tgt USING src ON tgt.id = src.id WHEN NOT MATCHED THEN INSERT VALUES (src.id, src.v)"
		del    = "MERGE INTO tgt USING src ON tgt.id = src.id WHEN MATCHED THEN DELETE"
	)
	for _, stmt := range []string{update, insert, del} {
		if pe := wantState(t, u, "42501", stmt); pe.Message != "permission denied for table tgt" {
			t.Errorf("%s: %q", stmt, pe.Message)
		}
	}
	// DO NOTHING needs no write privilege.
	execAll(t, u, "MERGE INTO tgt USING src ON tgt.id = src.id WHEN MATCHED THEN DO NOTHING WHEN NOT MATCHED THEN DO NOTHING")
	execAll(t, admin, "GRANT UPDATE ON tgt TO mrg_u")
	execAll(t, u, update)
	if pe := wantState(t, u, "42501", "MERGE INTO tgt USING src ON tgt.id = src.id WHEN MATCHED THEN UPDATE SET v = 0 WHEN NOT MATCHED THEN INSERT VALUES (src.id, 0)"); pe.Message != "permission denied for table tgt" {
		t.Errorf("update and insert: %q", pe.Message)
	}
	if pe := wantState(t, u, "42501", "MERGE INTO tgt USING hidden_src s ON tgt.id = s.id WHEN MATCHED THEN UPDATE SET v = 0"); pe.Message != "permission denied for table hidden_src" {
		t.Errorf("unreadable source: %q", pe.Message)
	}
	execAll(t, admin, "GRANT INSERT, DELETE ON tgt TO mrg_u")
	execAll(t, u, insert, del)
	// A prepared MERGE is refused after a REVOKE.
	if _, err := u.Prepare(ctx, "ins", insert); err != nil {
		t.Fatal(err)
	}
	execAll(t, admin, "REVOKE INSERT ON tgt FROM mrg_u")
	if _, err := u.Exec(ctx, "ins"); sqlState(err) != "42501" {
		t.Errorf("after REVOKE: %v, want 42501", err)
	}
	// Without SELECT on the target, even DO NOTHING is refused: the
	// join condition reads it.
	execAll(t, admin, "REVOKE SELECT ON tgt FROM mrg_u")
	if pe := wantState(t, u, "42501", "MERGE INTO tgt USING src ON tgt.id = src.id WHEN MATCHED THEN DO NOTHING"); pe.Message != "permission denied for table tgt" {
		t.Errorf("no SELECT on target: %q", pe.Message)
	}
}
