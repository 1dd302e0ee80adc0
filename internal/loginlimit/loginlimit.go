// Package loginlimit slows down password guessing: every front end that
// checks passwords (pgwire, the HTTP API) asks one shared Limiter how long
// to wait before answering a login, so that alternating between them
// gains an attacker nothing.
package loginlimit

import (
	"net"
	"sync"
	"time"
)

// Failed-login slowdown. Password guessing over one connection after
// another is slowed per user name and per client address, so that
// spreading guesses over many names from one address, or over many
// addresses for one name, is slowed too:
//
//   - A failed login waits BaseDelay before its answer.
//   - After more than Threshold failures for the same user name or the
//     same address within Window (counted from the latest failure), each
//     further attempt, failed or not, waits BaseDelay doubled per extra
//     failure, at most MaxDelay, before its answer; the larger of the
//     user's and the address's delays applies.
//   - A successful login clears the counters of its user and address.
//
// Only the connection that attempts waits (its own goroutine sleeps);
// other users' logins are not held up, and the lock is held only to
// count. At most MaxTracked names and addresses are tracked: when full,
// expired entries are dropped and then the least recently failed one, so
// memory stays bounded under a flood of made-up names.

// Limits configures the slowdown; zero fields take the defaults.
type Limits struct {
	Threshold  int
	Window     time.Duration
	BaseDelay  time.Duration
	MaxDelay   time.Duration
	MaxTracked int
}

// Defaults of Limits.
const (
	DefaultThreshold  = 5
	DefaultWindow     = 15 * time.Minute
	DefaultBaseDelay  = 200 * time.Millisecond
	DefaultMaxDelay   = 2 * time.Second
	DefaultMaxTracked = 10000
)

func (l Limits) withDefaults() Limits {
	if l.Threshold <= 0 {
		l.Threshold = DefaultThreshold
	}
	if l.Window <= 0 {
		l.Window = DefaultWindow
	}
	if l.BaseDelay <= 0 {
		l.BaseDelay = DefaultBaseDelay
	}
	if l.MaxDelay <= 0 {
		l.MaxDelay = DefaultMaxDelay
	}
	if l.MaxTracked <= 0 {
		l.MaxTracked = DefaultMaxTracked
	}
	return l
}

// failures is the recent failed logins of one user name or address.
type failures struct {
	count int
	last  time.Time
}

// Limiter counts recent failed logins; it is safe for concurrent use.
type Limiter struct {
	lim Limits
	now func() time.Time // a seam for tests

	mu      sync.Mutex
	tracked map[string]*failures // keyed "u" + name or "a" + host; guarded by mu
}

// New returns a limiter with the limits lim.
func New(lim Limits) *Limiter {
	return &Limiter{lim: lim.withDefaults(), now: time.Now, tracked: map[string]*failures{}}
}

// Attempt records a login's outcome for user from addr and returns how
// long to wait before answering it.
func (l *Limiter) Attempt(user string, addr net.Addr, ok bool) time.Duration {
	keys := []string{"u" + user}
	if addr != nil {
		host := addr.String()
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		keys = append(keys, "a"+host)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for _, k := range keys {
		n := 0
		if f := l.tracked[k]; f != nil && now.Sub(f.last) <= l.lim.Window {
			n = f.count
		}
		if ok {
			delete(l.tracked, k)
			// This attempt is the (n+1)th after n failures.
			wait = max(wait, l.delay(n+1, false))
			continue
		}
		n++
		l.recordLocked(k, n, now)
		wait = max(wait, l.delay(n, true))
	}
	return wait
}

// delay is the wait of an attempt that follows n-1 recent failures (and
// is the nth failure when failed).
func (l *Limiter) delay(n int, failed bool) time.Duration {
	if n <= l.lim.Threshold {
		if failed {
			return l.lim.BaseDelay
		}
		return 0
	}
	d := l.lim.BaseDelay
	for i := l.lim.Threshold; i < n && d < l.lim.MaxDelay; i++ {
		d *= 2
	}
	return min(d, l.lim.MaxDelay)
}

// recordLocked stores count for key, making room first when full.
func (l *Limiter) recordLocked(key string, count int, now time.Time) {
	if _, ok := l.tracked[key]; !ok && len(l.tracked) >= l.lim.MaxTracked {
		var oldest string
		var oldestAt time.Time
		for k, f := range l.tracked {
			if now.Sub(f.last) > l.lim.Window {
				delete(l.tracked, k)
				continue
			}
			if oldest == "" || f.last.Before(oldestAt) {
				oldest, oldestAt = k, f.last
			}
		}
		if len(l.tracked) >= l.lim.MaxTracked {
			delete(l.tracked, oldest)
		}
	}
	l.tracked[key] = &failures{count: count, last: now}
}
