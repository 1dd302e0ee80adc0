package kv_test

import (
	"context"
	"testing"
	"time"

	"github.com/stela-db/stela/kv"
)

func TestTxAtTime(t *testing.T) {
	clock := time.UnixMicro(1_000_000)
	s := openTest(t, kv.Options{Now: func() time.Time { return clock }})
	ctx := context.Background()
	var times []int64
	for i := 0; i < 20; i++ {
		clock = clock.Add(time.Duration(1+i%3) * time.Millisecond)
		c, err := s.Commit(ctx, []kv.Write{{Key: []byte{byte(i)}, Value: []byte("v")}})
		if err != nil {
			t.Fatal(err)
		}
		times = append(times, c.Time.UnixMicro())
	}
	check := func(at int64, want uint64) {
		t.Helper()
		got, err := s.TxAtTime(at)
		if err != nil || got != want {
			t.Fatalf("TxAtTime(%d) = %d, %v; want %d", at, got, err, want)
		}
	}
	check(times[0]-1, 0)
	for i, ts := range times {
		check(ts, uint64(i+1))
		check(ts+1, uint64(i+1))
		if i > 0 {
			check(ts-1, uint64(i))
		}
	}
	check(times[len(times)-1]+1e9, uint64(len(times)))
}
