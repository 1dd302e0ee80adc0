package kv_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/merkle"
)

// Benchmarks. Commits are synced (fsync on) unless a name says otherwise;
// set-up of large stores uses unsynced commits, which only speeds up
// loading and does not change what is stored.

func benchStore(b *testing.B, dir string, noSync bool) *kv.Store {
	b.Helper()
	l := zerolog.Nop()
	// The server's configuration: commit log segments of the server's
	// size, pre-written with zeros (commitlog.go).
	opts := kv.Options{Logger: &l, MinFreeBytes: -1, LogSegmentSize: kv.DefaultLogSegmentSize}
	if noSync {
		opts.SetUnsafeNoSync()
	}
	s, err := kv.Open(dir, opts)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkCommit measures synced commits with concurrent committers.
// b.N is the number of transactions; tx/s and entries/s are reported.
func BenchmarkCommit(b *testing.B) {
	// Random values: zeros would compress to nothing and flatter the
	// flushes and compactions.
	value := make([]byte, 100)
	for i := range value {
		value[i] = byte(rand.IntN(256))
	}
	for _, entries := range []int{1, 1000} {
		for _, committers := range []int{1, 8, 64} {
			b.Run(fmt.Sprintf("entries=%d/committers=%d/fsync=on", entries, committers), func(b *testing.B) {
				s := benchStore(b, b.TempDir(), false)
				defer s.Close()
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ReportAllocs()
				b.SetBytes(int64(entries * (16 + len(value))))
				b.ResetTimer()
				for c := 0; c < committers; c++ {
					wg.Add(1)
					go func(c int) {
						defer wg.Done()
						// Keys are rewritten in place: Commit keeps no
						// reference to its writes once it returns, and the
						// reported allocations are then the store's alone.
						ws := make([]kv.Write, entries)
						keys := make([]byte, 16*entries)
						for {
							n := next.Add(1)
							if n > int64(b.N) {
								return
							}
							for i := range ws {
								key := keys[16*i : 16*i+16]
								binary.BigEndian.PutUint64(key, uint64(n))
								binary.BigEndian.PutUint64(key[8:], uint64(i))
								ws[i] = kv.Write{Key: key, Value: value}
							}
							if _, err := s.Commit(context.Background(), ws); err != nil {
								b.Error(err)
								return
							}
						}
					}(c)
				}
				wg.Wait()
				b.StopTimer()
				secs := b.Elapsed().Seconds()
				b.ReportMetric(float64(b.N)/secs, "tx/s")
				b.ReportMetric(float64(b.N*entries)/secs, "entries/s")
			})
		}
	}
}

// bigLog is a store of 1,000,000 single-entry transactions built once per
// benchmark process.
var bigLog struct {
	once sync.Once
	dir  string
	err  error
}

const bigLogSize = 1_000_000

func openBigLog(b *testing.B) *kv.Store {
	b.Helper()
	bigLog.once.Do(func() {
		bigLog.dir, bigLog.err = os.MkdirTemp("", "stela-bench-")
		if bigLog.err != nil {
			return
		}
		s := benchStore(b, bigLog.dir, true)
		defer s.Close()
		var next atomic.Int64
		var wg sync.WaitGroup
		for c := 0; c < 128; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n := next.Add(1)
					if n > bigLogSize {
						return
					}
					key := []byte(fmt.Sprintf("key-%08d", n))
					if _, err := s.Commit(context.Background(), []kv.Write{{Key: key, Value: key}}); err != nil {
						bigLog.err = err
						return
					}
				}
			}()
		}
		wg.Wait()
	})
	if bigLog.err != nil {
		b.Fatal(bigLog.err)
	}
	return benchStore(b, bigLog.dir, false)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bigLog.dir != "" {
		os.RemoveAll(bigLog.dir)
	}
	os.Exit(code)
}

// BenchmarkProofs measures proof generation on the server and checking on
// the client, on a log of 1,000,000 transactions.
func BenchmarkProofs(b *testing.B) {
	s := openBigLog(b)
	defer s.Close()
	size := s.LastTx()
	if size != bigLogSize {
		b.Fatalf("log has %d transactions, want %d", size, bigLogSize)
	}
	root := s.Checkpoint().Root
	rng := rand.New(rand.NewPCG(1, 2))

	b.Run("server/InclusionProof", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := s.InclusionProof(1+rng.Uint64N(size), size); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("server/ConsistencyProof", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := s.ConsistencyProof(1+rng.Uint64N(size), size); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("server/ProveKey", func(b *testing.B) {
		b.ReportAllocs()
		var bytes int
		for i := 0; i < b.N; i++ {
			key := []byte(fmt.Sprintf("key-%08d", 1+rng.Uint64N(size)))
			p, err := s.ProveKey(key, size, size)
			if err != nil {
				b.Fatal(err)
			}
			bin, err := p.MarshalBinary()
			if err != nil {
				b.Fatal(err)
			}
			bytes = max(bytes, len(bin))
		}
		// The largest binary key proof seen (target: under 2 KiB at 1 M txs).
		b.ReportMetric(float64(bytes), "proof-bytes")
	})

	// Client side: proofs generated up front, checked in the loop.
	const n = 1024
	type incl struct {
		tx   uint64
		leaf merkle.Hash
		path []merkle.Hash
	}
	incls := make([]incl, n)
	for i := range incls {
		tx := 1 + rng.Uint64N(size)
		h, err := s.TxHeader(tx)
		if err != nil {
			b.Fatal(err)
		}
		p, err := s.InclusionProof(tx, size)
		if err != nil {
			b.Fatal(err)
		}
		incls[i] = incl{tx: tx, leaf: h.LeafHash(), path: p}
	}
	b.Run("client/VerifyInclusion", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			p := &incls[i%n]
			if err := merkle.VerifyInclusion(p.leaf, p.tx-1, size, p.path, root); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("client/VerifyKeyProof", func(b *testing.B) {
		key := []byte(fmt.Sprintf("key-%08d", 777777))
		p, err := s.ProveKey(key, size, size)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := p.Verify(root); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("client/VerifyConsistency", func(b *testing.B) {
		m := size / 3
		old, err := s.CheckpointAt(m)
		if err != nil {
			b.Fatal(err)
		}
		p, err := s.ConsistencyProof(m, size)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := merkle.VerifyConsistency(m, size, p, old.Root, root); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGetAt compares Get with GetAt 1, 1,000 and 100,000 versions
// back on a key with 100,001 versions (plus 1,000 other keys around it).
func BenchmarkGetAt(b *testing.B) {
	dir := b.TempDir()
	s := benchStore(b, dir, true)
	ctx := context.Background()
	hot := []byte("hot-key")
	const versions = 100_001
	batch := make([]kv.Write, 0, 2)
	for v := 1; v <= versions; v++ {
		batch = append(batch[:0], kv.Write{Key: hot, Value: []byte(fmt.Sprintf("v%d", v))})
		if v%100 == 0 {
			batch = append(batch, kv.Write{Key: []byte(fmt.Sprintf("other-%d", v/100)), Value: []byte("x")})
		}
		if _, err := s.Commit(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	s.Close()
	s = benchStore(b, dir, false) // reopen: the data is in sstables and the WAL
	defer s.Close()
	last := s.LastTx()

	b.Run("Get", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := s.Get(hot); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Many keys, as primary-key lookups read them.
	b.Run("GetMany", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := s.Get([]byte(fmt.Sprintf("other-%d", 1+i%1000))); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, back := range []uint64{1, 1000, 100_000} {
		b.Run(fmt.Sprintf("GetAt/back=%d", back), func(b *testing.B) {
			at := last - back
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := s.GetAt(hot, at); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkScan reads 200,000 keys of one version each, with 100-byte
// values, from tables (flushed): the path of a full read of a table.
// b.N counts keys read; a scan restarts at the end of the range.
func BenchmarkScan(b *testing.B) {
	s := benchStore(b, b.TempDir(), true)
	defer s.Close()
	ctx := context.Background()
	const keys, perTx = 200_000, 1000
	value := make([]byte, 100)
	for i := range value {
		value[i] = byte(rand.IntN(256))
	}
	batch := make([]kv.Write, 0, perTx)
	for k := 0; k < keys; k += perTx {
		batch = batch[:0]
		for j := k; j < k+perTx; j++ {
			batch = append(batch, kv.Write{Key: binary.BigEndian.AppendUint64([]byte("row/"), uint64(j)), Value: value})
		}
		if _, err := s.Commit(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	if err := kv.Flush(s); err != nil {
		b.Fatal(err)
	}
	r := kv.PrefixRange([]byte("row/"))
	at := s.LastTx()
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; {
		it, err := s.Scan(r, at)
		if err != nil {
			b.Fatal(err)
		}
		for n < b.N && it.Next() {
			n++
		}
		if err := it.Err(); err != nil {
			b.Fatal(err)
		}
		it.Close()
	}
}
