//go:build unix

package kv_test

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/kv/merkle"
)

// The SIGKILL crash test: a child process (this test binary, running
// TestCrashChild) commits from several goroutines and, after each Commit
// returns, appends a line describing the transaction to a side file. The
// parent kills it with SIGKILL at a random moment, reopens the store and
// checks that everything the side file lists is there, unchanged.
//
// Side file lines: "txid round g c entries sum cpsize cproot". (round, g, c)
// identify the generated transaction (crashWrites); entries and sum let the
// parent check that it regenerates what the child wrote; cpsize and cproot
// are the checkpoint the Commit returned. The writes are not synced:
// SIGKILL does not lose what a process wrote to the page cache.

const (
	crashChildDirEnv   = "STELA_CRASH_CHILD_DIR"
	crashChildSideEnv  = "STELA_CRASH_SIDE"
	crashChildRoundEnv = "STELA_CRASH_ROUND"
	crashChildWorkers  = 4
)

// TestCrashChild is the child process of TestCrashSIGKILL; it runs only
// when that test starts it.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildDirEnv)
	if dir == "" {
		t.Skip("child process of TestCrashSIGKILL")
	}
	side := os.Getenv(crashChildSideEnv)
	round, err := strconv.Atoi(os.Getenv(crashChildRoundEnv))
	if err != nil || side == "" {
		t.Fatalf("bad environment: %s=%q %s=%q", crashChildSideEnv, side, crashChildRoundEnv, os.Getenv(crashChildRoundEnv))
	}
	f, err := os.OpenFile(side, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	// Commit log segments pre-written with zeros, as the server has them
	// (commitlog.go), though smaller.
	s := openAt(t, dir, kv.Options{LogSegmentSize: 1 << 20})
	fmt.Printf("child %d: opened at tx %d\n", round, s.LastTx())

	errc := make(chan error, crashChildWorkers)
	for g := range crashChildWorkers {
		go func() {
			rng := rand.New(rand.NewPCG(uint64(round), uint64(g)))
			for c := 0; ; c++ {
				// Pause now and then: the log then grows by a few hundred
				// txs a round, whatever the disk's speed, which bounds the
				// parent's checks (Verify reads the whole log), while
				// commits of several goroutines still meet in groups.
				if rng.IntN(4) == 0 {
					time.Sleep(time.Duration(rng.IntN(8000)) * time.Microsecond)
				}
				ws := crashWrites(round, g, c)
				res, err := s.Commit(context.Background(), ws)
				if err != nil {
					errc <- fmt.Errorf("goroutine %d, commit %d: %w", g, c, err)
					return
				}
				line := fmt.Sprintf("%d %d %d %d %d %s %d %x\n", res.TxID, round, g, c, len(ws), writesSum(ws),
					res.LogSize, res.Root[:])
				// One write(2) of a short line to an O_APPEND file: lines
				// never interleave.
				if _, err := f.Write([]byte(line)); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	select {
	case err := <-errc:
		t.Fatal(err)
	case <-time.After(30 * time.Second):
		// The parent kills within a second; it must have died.
		t.Fatal("not killed within 30s")
	}
}

// sideLine is one acknowledged transaction read from the side file.
type sideLine struct {
	id          uint64
	round, g, c int
	entries     int
	sum         string
	cpSize      uint64
	cpRoot      merkle.Hash
}

// readSideFile parses the side file. A last line without its newline was
// cut by the kill: it is dropped (its transaction was acknowledged, but the
// parent cannot know which it was) and truncated away, so that the next
// child appends whole lines after whole lines. Any other malformed line is
// an error.
func readSideFile(path string) ([]sideLine, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if i := bytes.LastIndexByte(b, '\n'); i != len(b)-1 {
		b = b[:i+1]
		if err := os.Truncate(path, int64(len(b))); err != nil {
			return nil, err
		}
	}
	var out []sideLine
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		var l sideLine
		var root string
		if _, err := fmt.Sscanf(sc.Text(), "%d %d %d %d %d %s %d %s", &l.id, &l.round, &l.g, &l.c, &l.entries, &l.sum, &l.cpSize, &root); err != nil {
			return nil, fmt.Errorf("side file line %d %q: %v", n, sc.Text(), err)
		}
		r, err := hex.DecodeString(root)
		if err != nil || len(r) != len(l.cpRoot) {
			return nil, fmt.Errorf("side file line %d %q: bad root", n, sc.Text())
		}
		copy(l.cpRoot[:], r)
		out = append(out, l)
	}
	return out, sc.Err()
}

// crashRounds returns the number of kill rounds: STELA_CRASH_ROUNDS, or 20
// (5 with -short or -race).
func crashRounds(t *testing.T) int {
	rounds := 20
	if testing.Short() || raceEnabled() {
		rounds = 5
	}
	if s := os.Getenv("STELA_CRASH_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("STELA_CRASH_ROUNDS=%q: want a positive number", s)
		}
		rounds = n
	}
	return rounds
}

// TestCrashSIGKILL kills a committing child process with SIGKILL, rounds
// times, and checks after each kill that every acknowledged transaction
// survived, exactly, that the store verifies, that the log only grew, and
// that it takes new commits.
func TestCrashSIGKILL(t *testing.T) {
	if os.Getenv(crashChildDirEnv) != "" {
		t.Skip("in the child process")
	}
	rounds := crashRounds(t)
	seed := crashSeed(t)
	rng := rand.New(rand.NewPCG(seed, 0x6b696c6c))
	dir := filepath.Join(t.TempDir(), "store")
	side := filepath.Join(t.TempDir(), "acked")

	// The parent creates the store, so that every round starts from a known
	// checkpoint; kills while a store is created are TestCrashSIGKILLCreate's
	// business.
	s := openAt(t, dir, kv.Options{})
	origin := s.Origin()
	prev := s.Checkpoint()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	var parentTxs []uint64 // committed by the parent, one a round
	var totalAcked int
	for round := 1; round <= rounds; round++ {
		final := round == rounds
		delay := time.Duration(50+rng.IntN(351)) * time.Millisecond
		out, childOpened := runAndKill(t, round, dir, side, delay)
		if !childOpened {
			t.Logf("round %d: child killed before its store was open", round)
		}

		lines, err := readSideFile(side)
		if err != nil {
			t.Fatal(err)
		}
		acked := 0
		for _, l := range lines {
			if l.round == round {
				acked++
			}
		}
		totalAcked += acked

		checkStart := time.Now()
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("round %d (seed %d): %s\nchild output:\n%s", round, seed, fmt.Sprintf(format, args...), out)
		}
		s, err := kv.Open(dir, kv.Options{MinFreeBytes: -1})
		if err != nil {
			fail("reopen after the kill: %v", err)
		}
		last := s.LastTx()
		opened := time.Since(checkStart)
		prevSize := prev.Size

		// (a) Acknowledged means durable: every acknowledged tx, and the
		// checkpoint it was acknowledged with, is within the log. Tx ids
		// are never handed out twice.
		seen := make(map[uint64]bool, len(lines))
		for _, l := range lines {
			if l.id > last || l.cpSize > last {
				fail("tx %d was acknowledged (with a checkpoint of size %d), but after reopening LastTx is %d", l.id, l.cpSize, last)
			}
			if seen[l.id] {
				fail("tx id %d was acknowledged twice", l.id)
			}
			seen[l.id] = true
		}
		if last < prev.Size {
			fail("LastTx %d after reopening, but the previous round closed the store at %d", last, prev.Size)
		}

		// (c) Full verification, trusting the previous round's checkpoint.
		if _, err := s.Verify(context.Background(), kv.VerifyOptions{Trusted: &prev}); err != nil {
			fail("verify: %v", err)
		}
		// (d) The log only grew: consistent with the previous checkpoint.
		if err := checkConsistent(s, prev.Size, prev.Root); err != nil {
			fail("%v", err)
		}

		// Tx ids are dense: every tx since the last round reads (every tx
		// in the final round).
		from := prev.Size + 1
		if final {
			from = 1
		}
		for id := from; id <= last; id++ {
			if _, err := s.Tx(id); err != nil {
				fail("Tx(%d) of %d: %v", id, last, err)
			}
		}

		// (b) Content: the last 200 acknowledged txs and 200 older ones,
		// or all of them in the final round; and the parent's own.
		byID := slices.Clone(lines)
		slices.SortFunc(byID, func(a, b sideLine) int { return cmp.Compare(a.id, b.id) })
		check := func(l sideLine, deep bool) {
			ws := crashWrites(l.round, l.g, l.c)
			if len(ws) != l.entries || writesSum(ws) != l.sum {
				fail("side file line of tx %d does not match the regenerated transaction (%d entries, sum %s; regenerated %d, %s)",
					l.id, l.entries, l.sum, len(ws), writesSum(ws))
			}
			if err := checkTxWrites(s, l.id, ws, deep); err != nil {
				fail("acknowledged %v", err)
			}
			cp, err := s.CheckpointAt(l.cpSize)
			if err != nil {
				fail("CheckpointAt(%d): %v", l.cpSize, err)
			}
			if cp.Root != l.cpRoot {
				fail("tx %d was acknowledged with checkpoint (%d, %s); after the crash the root at %d is %s",
					l.id, l.cpSize, l.cpRoot, l.cpSize, cp.Root)
			}
		}
		recent := max(0, len(byID)-200)
		if final {
			for _, l := range byID[:recent] {
				check(l, false)
			}
		}
		for _, l := range byID[recent:] {
			check(l, true)
		}
		for range min(200, recent) {
			check(byID[rng.IntN(recent)], true)
		}
		for i, id := range parentTxs {
			if err := checkTxWrites(s, id, parentWrites(i+1), true); err != nil {
				fail("parent's %v", err)
			}
		}

		// (e) A new commit succeeds; its checkpoint is next round's
		// reference.
		res, err := s.Commit(context.Background(), parentWrites(round))
		if err != nil {
			fail("commit after reopen: %v", err)
		}
		if res.TxID != last+1 {
			fail("commit after reopen got tx %d, want %d", res.TxID, last+1)
		}
		parentTxs = append(parentTxs, res.TxID)
		if prev, err = s.CheckpointAt(res.LogSize); err != nil {
			fail("checkpoint after reopen: %v", err)
		}
		if prev.Origin != origin {
			fail("origin changed from %q to %q", origin, prev.Origin)
		}
		if err := s.Close(); err != nil {
			fail("close: %v", err)
		}
		t.Logf("round %d: killed after %v: %d txs acknowledged (%d in all); LastTx %d, %d new; reopened in %v, checked in %v",
			round, delay, acked, len(lines), last, last-prevSize, opened.Round(time.Millisecond), time.Since(checkStart).Round(time.Millisecond))
	}
	t.Logf("%d rounds in %v: %d txs acknowledged by children (%.0f a round), log of %d txs",
		rounds, time.Since(start).Round(time.Millisecond), totalAcked, float64(totalAcked)/float64(rounds), prev.Size)
	if totalAcked == 0 {
		t.Fatal("no child acknowledged any transaction: the test tested nothing")
	}
}

// runAndKill starts the child for round, kills it with SIGKILL after delay
// and returns its output and whether it had opened the store. A child that
// died of anything but the kill fails the test.
func runAndKill(t *testing.T, round int, dir, side string, delay time.Duration) (out []byte, opened bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
	cmd.Env = append(os.Environ(),
		crashChildDirEnv+"="+dir,
		crashChildSideEnv+"="+side,
		crashChildRoundEnv+"="+strconv.Itoa(round),
	)
	var buf bytes.Buffer
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(delay)
	killErr := cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()

	killed := false
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			killed = true
		}
	}
	o := buf.Bytes()
	switch {
	case !killed:
		t.Fatalf("round %d: child was not killed (kill: %v), it ended with %v; output:\n%s", round, killErr, err, o)
	case bytes.Contains(o, []byte("--- FAIL")), bytes.Contains(o, []byte("\nFAIL")),
		bytes.Contains(o, []byte("panic:")), bytes.Contains(o, []byte("DATA RACE")):
		t.Fatalf("round %d: child failed before it was killed; output:\n%s", round, o)
	}
	return o, strings.Contains(string(o), "opened at tx")
}

// TestCrashSIGKILLCreate kills the child within its first 30 ms, while it
// creates the store or soon after: the directory must open as a store
// (empty, or holding what was acknowledged), verify and take commits.
func TestCrashSIGKILLCreate(t *testing.T) {
	if os.Getenv(crashChildDirEnv) != "" {
		t.Skip("in the child process")
	}
	seed := crashSeed(t)
	rng := rand.New(rand.NewPCG(seed, 0x637265617465))
	kills := crashRounds(t)
	var beforeOpen, acked int
	for i := range kills {
		base := t.TempDir()
		dir, side := filepath.Join(base, "store"), filepath.Join(base, "acked")
		delay := time.Duration(rng.IntN(30000)) * time.Microsecond
		out, opened := runAndKill(t, 1, dir, side, delay)
		if !opened {
			beforeOpen++
		}
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("kill %d after %v (seed %d): %s\nchild output:\n%s", i, delay, seed, fmt.Sprintf(format, args...), out)
		}
		lines, err := readSideFile(side)
		if err != nil {
			fail("%v", err)
		}
		acked += len(lines)
		s, err := kv.Open(dir, kv.Options{MinFreeBytes: -1})
		if err != nil {
			fail("reopen: %v", err)
		}
		for _, l := range lines {
			if err := checkTxWrites(s, l.id, crashWrites(l.round, l.g, l.c), true); err != nil {
				fail("acknowledged %v", err)
			}
		}
		if _, err := s.Verify(context.Background(), kv.VerifyOptions{}); err != nil {
			fail("verify: %v", err)
		}
		last := s.LastTx()
		if res, err := s.Commit(context.Background(), parentWrites(i)); err != nil || res.TxID != last+1 {
			fail("commit after reopen: tx %d, %v; want tx %d", res.TxID, err, last+1)
		}
		if err := s.Close(); err != nil {
			fail("close: %v", err)
		}
	}
	t.Logf("%d kills: %d before the child's Open returned; %d txs acknowledged in all", kills, beforeOpen, acked)
}

// TestCrashReadSideFile checks the side file parser: a line cut by the
// kill is dropped and truncated away, a malformed whole line is an error.
func TestCrashReadSideFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "acked")
	if lines, err := readSideFile(path); err != nil || len(lines) != 0 {
		t.Fatalf("missing file: %v, %v", lines, err)
	}
	root := strings.Repeat("ab", 32)
	whole := "7 1 2 3 4 00112233aabbccdd 9 " + root + "\n"
	if err := os.WriteFile(path, []byte(whole+"8 1 2 4 1 0011"), 0o644); err != nil {
		t.Fatal(err)
	}
	lines, err := readSideFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := sideLine{id: 7, round: 1, g: 2, c: 3, entries: 4, sum: "00112233aabbccdd", cpSize: 9}
	for i := range want.cpRoot {
		want.cpRoot[i] = 0xab
	}
	if len(lines) != 1 || lines[0] != want {
		t.Fatalf("got %+v, want [%+v]", lines, want)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != whole {
		t.Fatalf("after reading, the file holds %q (%v), want %q", b, err, whole)
	}
	if err := os.WriteFile(path, []byte("7 1 2 x\n"+whole), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readSideFile(path); err == nil {
		t.Fatal("a malformed line was accepted")
	}
}
