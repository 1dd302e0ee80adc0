package sql

import "testing"

// TestMentionsSystemColumn checks the text test that keeps queries
// naming no system column off the tree walk.
func TestMentionsSystemColumn(t *testing.T) {
	for text, want := range map[string]bool{
		"select _tx from t": true, "select _TS from t": true, "select TableOid from t": true,
		"select t.tableoid::regclass": true, "select a from t": false, "select table_name from x": false,
		"select tableoi": false, "select _t": false, "": false,
	} {
		if got := mentionsSystemColumn(text); got != want {
			t.Errorf("mentionsSystemColumn(%q) = %v, want %v", text, got, want)
		}
	}
}
