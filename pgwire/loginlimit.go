package pgwire

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

// LoginLimits configures the slowdown; zero fields take the defaults.
type LoginLimits struct {
	Threshold  int
	Window     time.Duration
	BaseDelay  time.Duration
	MaxDelay   time.Duration
	MaxTracked int
}

// Defaults of LoginLimits.
const (
	DefaultLoginThreshold  = 5
	DefaultLoginWindow     = 15 * time.Minute
	DefaultLoginBaseDelay  = 200 * time.Millisecond
	DefaultLoginMaxDelay   = 2 * time.Second
	DefaultLoginMaxTracked = 10000
)

func (l LoginLimits) withDefaults() LoginLimits {
	if l.Threshold <= 0 {
		l.Threshold = DefaultLoginThreshold
	}
	if l.Window <= 0 {
		l.Window = DefaultLoginWindow
	}
	if l.BaseDelay <= 0 {
		l.BaseDelay = DefaultLoginBaseDelay
	}
	if l.MaxDelay <= 0 {
		l.MaxDelay = DefaultLoginMaxDelay
	}
	if l.MaxTracked <= 0 {
		l.MaxTracked = DefaultLoginMaxTracked
	}
	return l
}

// failures is the recent failed logins of one user name or address.
type failures struct {
	count int
	last  time.Time
}

type loginLimiter struct {
	lim LoginLimits
	now func() time.Time // a seam for tests

	mu      sync.Mutex
	tracked map[string]*failures // keyed "u" + name or "a" + host; guarded by mu
}

func newLoginLimiter(lim LoginLimits) *loginLimiter {
	return &loginLimiter{lim: lim.withDefaults(), now: time.Now, tracked: map[string]*failures{}}
}

// attempt records a login's outcome for user from addr and returns how
// long to wait before answering it.
func (l *loginLimiter) attempt(user string, addr net.Addr, ok bool) time.Duration {
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
func (l *loginLimiter) delay(n int, failed bool) time.Duration {
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
func (l *loginLimiter) recordLocked(key string, count int, now time.Time) {
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
