package kv

import (
	"fmt"
	"sync"
	"time"
)

// Flushes that cannot succeed.
//
// Pebble retries a failed memtable flush at once and forever, with no
// pause between attempts. So when flushes cannot succeed (the data
// directory removed, a disk that fails every write), a caller that waits
// for one would wait forever while pebble spins on a core: Close, the
// commit log's releaser, Open after replaying the log. Such a server
// never exited and logged thousands of errors a second. kv's own flushes
// (Store.flush) therefore give up once flushes have failed stuckFlushes
// times in a row for flushGiveUp, and pebble's background errors are
// logged at most once a second. Giving up loses nothing: the commit log
// keeps every group until a flush has put it in a table, and the next
// Open replays it.

// flushGiveUp is how long flushes must have been failing before kv's
// flushes give up; stuckFlushes is how many in a row. The count keeps a
// single failure (pebble reports an empty flush as one) from counting as
// a run of failures that a long, successful flush seems to extend.
var flushGiveUp = 5 * time.Second

const stuckFlushes = 3

// flushCheckEvery is how often a waiting flush looks at flushHealth.
const flushCheckEvery = 50 * time.Millisecond

// flushHealth follows the outcome of pebble's flushes (its FlushEnd
// events).
type flushHealth struct {
	mu      sync.Mutex
	failing int       // flushes failed in a row
	since   time.Time // when the first of them ended
	last    error
}

// ended records the outcome of a flush.
func (h *flushHealth) ended(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err == nil {
		h.failing, h.last = 0, nil
		return
	}
	if h.failing == 0 {
		h.since = time.Now()
	}
	h.failing++
	h.last = err
}

// stuck returns the last flush error when flushes have failed at least
// stuckFlushes times in a row over at least d; otherwise nil.
func (h *flushHealth) stuck(d time.Duration) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failing >= stuckFlushes && time.Since(h.since) >= d {
		return h.last
	}
	return nil
}

// flush flushes pebble's memtables into tables and waits for it, giving
// up (see above) when flushes keep failing or the write path has failed.
func (s *Store) flush() error {
	done, err := s.db.AsyncFlush()
	if err != nil {
		return err
	}
	tick := time.NewTicker(flushCheckEvery)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return nil
		case <-tick.C:
			if err := s.flushes.stuck(flushGiveUp); err != nil {
				return fmt.Errorf("kv: flushes have failed for over %v: %w", flushGiveUp, err)
			}
			if f := s.failure.Load(); f != nil {
				return *f
			}
		}
	}
}

// logLimiter lets a repeated message through at most once per interval,
// counting the ones it held back.
type logLimiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
	held     int
}

// allow reports whether to log now, and how many were held back since the
// last one logged.
func (l *logLimiter) allow() (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Before(l.next) {
		l.held++
		return false, 0
	}
	held := l.held
	l.held, l.next = 0, now.Add(l.interval)
	return true, held
}
