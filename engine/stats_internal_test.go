package engine

import "testing"

// Commits that end while a table is counted are added once the count
// ends if they came after the count's tx, and ignored if it holds them.
func TestRowCountPendingCommits(t *testing.T) {
	var s tableStats
	tc := &tableCount{counting: true}
	s.tables = map[uint32]*tableCount{7: tc}
	s.committed(5, rowDeltas{{table: 7, n: 3}, {table: 8, n: 1}})
	s.committed(3, rowDeltas{{table: 7, n: 7}})
	if got := s.finish(tc, 100, 4, true); got != 103 {
		t.Fatalf("count %d, want 103", got)
	}
	s.committed(4, rowDeltas{{table: 7, n: 1}}) // in the count already
	s.committed(6, rowDeltas{{table: 7, n: -2}})
	if !tc.known || tc.rows != 101 || tc.counting || tc.pending != nil {
		t.Fatalf("after the count: %+v, want 101 rows known", *tc)
	}
	if _, ok := s.tables[8]; ok {
		t.Fatal("a commit made a count for a table never asked about")
	}

	failed := &tableCount{counting: true, pending: []txRows{{tx: 9, n: 1}}}
	s.finish(failed, 0, 0, false)
	if failed.known || failed.counting || failed.pending != nil {
		t.Fatalf("a failed count: %+v, want nothing known", *failed)
	}
}
