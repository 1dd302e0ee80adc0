package engine

import (
	"testing"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
)

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

// A panic while counting in the background is the count's failure, not
// the process's end: the count stays unknown and another may start.
func TestBackgroundCountSurvivesAPanic(t *testing.T) {
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.Disabled)
	s, err := kv.Open(t.TempDir(), kv.Options{MinFreeBytes: -1, Logger: &log})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := NewDB(s)
	tc := &tableCount{counting: true, pending: []txRows{{tx: 9, n: 1}}}
	db.stats.scanning = true
	db.countInBackground(tc, "t", 5, func() (int64, error) { panic("test panic") })
	if tc.known || tc.counting || tc.pending != nil {
		t.Fatalf("after a panicked count: %+v, want nothing known and no count running", *tc)
	}
	if db.stats.scanning {
		t.Fatal("the panicked count still holds the background counter")
	}
}
