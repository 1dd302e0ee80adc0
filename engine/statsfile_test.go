package engine_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/types"
)

// storeOpener returns a function that opens (and reopens) a store in a
// new directory, with the DB over it.
func storeOpener(t *testing.T) func() (*kv.Store, *engine.DB) {
	dir := t.TempDir()
	logger := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	return func() (*kv.Store, *engine.DB) {
		s, err := kv.Open(dir, kv.Options{MinFreeBytes: -1, Logger: &logger})
		if err != nil {
			t.Fatal(err)
		}
		return s, engine.NewDB(s)
	}
}

// ANALYZE's statistics and its count survive a restart of the store;
// a layout where a column's type changed gets none for that column.
func TestAnalyzeStatsSurviveRestart(t *testing.T) {
	open := storeOpener(t)
	l := &engine.Layout{
		TableID: 302, Name: "rs",
		Types: []*types.T{types.Int8, types.Text, types.Numeric}, Names: []string{"id", "v", "n"},
		Indexes: statsLayout(302).Indexes,
	}
	s, db := open()
	txn, _ := db.Begin(engine.TxnOptions{})
	for id := int64(0); id < 3000; id++ {
		n, _ := types.Numeric.ParseText(fmt.Sprintf("%d.5", id%7), nil)
		if err := l.Insert(txn, []types.Datum{id, fmt.Sprintf("v%d", id%30), n}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := txn.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := db.Analyze(context.Background(), l); err != nil {
			t.Fatal(err)
		}
	}
	at, count, cols := db.Analyzed(l)
	if len(cols[1].MCV) != 30 || len(cols[2].MCV) != 7 || len(cols[0].Histogram) != 101 {
		t.Fatalf("before the restart: %d, %d most common values, %d bounds", len(cols[1].MCV), len(cols[2].MCV), len(cols[0].Histogram))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, db = open()
	at2, count2, cols2 := db.Analyzed(l)
	if !at2.Equal(at) || count2 != count {
		t.Errorf("after the restart: analyzed at %v, %d times; want %v, %d", at2, count2, at, count)
	}
	for i := range cols {
		for k := range cols[i].MCV {
			if types.Compare(l.Types[i], cols[i].MCV[k], cols2[i].MCV[k]) != 0 {
				t.Errorf("column %d, most common value %d: %v, want %v", i, k, cols2[i].MCV[k], cols[i].MCV[k])
			}
		}
		a, b := cols[i], cols2[i]
		a.MCV, b.MCV, a.Histogram, b.Histogram = nil, nil, nil, nil
		if !reflect.DeepEqual(a, b) || len(cols[i].Histogram) != len(cols2[i].Histogram) {
			t.Errorf("column %d after the restart: %+v, want %+v", i, b, a)
		}
	}
	if _, cols := db.Estimate(l); cols == nil {
		t.Error("the planner gets no statistics after the restart")
	}

	s.Close()
	s, db = open()
	defer s.Close()
	changed := *l
	changed.Types = []*types.T{types.Int8, types.Int4, types.Numeric}
	_, n, cols3 := db.Analyzed(&changed)
	if n == 0 || len(cols3) != 3 || cols3[0].T == nil || cols3[1].T != nil || cols3[2].T == nil {
		t.Errorf("a column's type changed: count %d, statistics %+v; want those of columns 0 and 2", n, cols3)
	}
}

// The saved statistics of a table that gained a column after its ANALYZE
// come back for the old columns, and an ANALYZE that found no rows keeps
// its count and time across a restart.
func TestAnalyzeStatsRestartAfterAddColumn(t *testing.T) {
	open := storeOpener(t)
	s, db := open()
	l := statsLayout(303)
	insertRows(t, db, l, 0, 500)
	if _, err := db.Analyze(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	empty := statsLayout(304)
	for range 2 {
		if _, err := db.Analyze(context.Background(), empty); err != nil {
			t.Fatal(err)
		}
	}
	at, count, cols := db.Analyzed(l)
	emptyAt, _, _ := db.Analyzed(empty)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, db = open()
	defer s.Close()
	added := *l
	added.Types = append(append([]*types.T(nil), l.Types...), types.Int4)
	added.Names = append(append([]string(nil), l.Names...), "w")
	at2, count2, cols2 := db.Analyzed(&added)
	if !at2.Equal(at) || count2 != count || len(cols2) != len(cols) || cols2[0].NDistinct != cols[0].NDistinct {
		t.Errorf("after ADD COLUMN and a restart: at %v, %d times, %d columns; want %v, %d, %d", at2, count2, len(cols2), at, count, len(cols))
	}
	if at, n, cols := db.Analyzed(empty); !at.Equal(emptyAt) || n != 2 || cols != nil {
		t.Errorf("an empty table's ANALYZEs after a restart: at %v, %d times, %d columns; want %v, 2, none", at, n, len(cols), emptyAt)
	}
}
