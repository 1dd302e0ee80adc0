package sql

import (
	"testing"
	"time"
)

func TestKindOfTag(t *testing.T) {
	for tag, want := range map[string]StatementKind{
		"SELECT 3": KindSelect, "FETCH 2": KindSelect, "INSERT 0 5": KindInsert, "UPDATE 1": KindUpdate,
		"DELETE 0": KindDelete, "MERGE 2": KindMerge, "COPY 10": KindCopy, "CREATE TABLE": KindDDL, "DROP DATABASE": KindDDL,
		"ALTER TABLE": KindDDL, "TRUNCATE TABLE": KindDDL, "GRANT": KindDDL, "REVOKE": KindDDL,
		"BEGIN": KindOther, "COMMIT": KindOther, "SET": KindOther, "SHOW": KindOther, "EXPLAIN": KindOther,
		"": KindOther, "SELECTED": KindOther,
	} {
		if got := KindOfTag(tag); got != want {
			t.Errorf("KindOfTag(%q) = %v, want %v", tag, got, want)
		}
	}
}

func TestTagRows(t *testing.T) {
	for tag, want := range map[string]uint64{
		"INSERT 0 5": 5, "UPDATE 12": 12, "COPY 1000": 1000, "SELECT 0": 0, "CREATE TABLE": 0, "": 0, "X1": 0, "7": 0,
	} {
		if got := TagRows(tag); got != want {
			t.Errorf("TagRows(%q) = %d, want %d", tag, got, want)
		}
	}
}

func TestDatabaseStatsRows(t *testing.T) {
	st := newDatabaseStats()
	st.Statement(KindSelect, time.Millisecond, 3, false)
	st.Statement(KindInsert, time.Millisecond, 5, false)
	st.Statement(KindCopy, time.Millisecond, 7, true)   // COPY FROM
	st.Statement(KindCopy, time.Millisecond, 11, false) // COPY TO
	st.Statement(KindDDL, time.Millisecond, 0, false)
	if st.RowsRead() != 3+11 || st.RowsWritten() != 5+7 {
		t.Fatalf("rows read %d, written %d; want 14, 12", st.RowsRead(), st.RowsWritten())
	}
	if st.Latency(KindCopy).Count != 2 || st.Latency(KindUpdate).Count != 0 {
		t.Fatalf("copy count %d, update count %d; want 2, 0", st.Latency(KindCopy).Count, st.Latency(KindUpdate).Count)
	}
	if n := testing.AllocsPerRun(100, func() {
		st.Statement(KindOfTag("INSERT 0 1"), time.Millisecond, TagRows("INSERT 0 1"), false)
	}); n != 0 {
		t.Fatalf("recording a statement allocates %v times", n)
	}
}
