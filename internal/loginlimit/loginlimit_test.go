package loginlimit

import (
	"fmt"
	"net"
	"testing"
	"time"
)

// fakeClock is the limiter's clock in tests: time moves only when told.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func testLimiter(maxTracked int) (*Limiter, *fakeClock) {
	clk := &fakeClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := New(Limits{Threshold: 3, Window: time.Minute, BaseDelay: 10 * time.Millisecond,
		MaxDelay: 100 * time.Millisecond, MaxTracked: maxTracked})
	l.now = clk.now
	return l, clk
}

func addr(ip string) net.Addr { return &net.TCPAddr{IP: net.ParseIP(ip), Port: 5000} }

// TestLoginLimiterDelays checks the computed waits, not wall time.
func TestLoginLimiterDelays(t *testing.T) {
	l, clk := testLimiter(100)
	a := addr("10.0.0.1")
	ms := time.Millisecond
	// Three failures at the base delay, then doubling up to the bound.
	for i, want := range []time.Duration{10 * ms, 10 * ms, 10 * ms, 20 * ms, 40 * ms, 80 * ms, 100 * ms, 100 * ms} {
		if got := l.Attempt("alice", a, false); got != want {
			t.Fatalf("failure %d: wait %v, want %v", i+1, got, want)
		}
	}
	// A right password while throttled is answered no faster; then the
	// counters are clear.
	if got := l.Attempt("alice", a, true); got != 100*ms {
		t.Fatalf("success while throttled: wait %v", got)
	}
	if got := l.Attempt("alice", a, true); got != 0 {
		t.Fatalf("success after success: wait %v", got)
	}

	// Another user from another address is not slowed by alice's failures.
	for i := 0; i < 6; i++ {
		l.Attempt("alice", a, false)
	}
	if got := l.Attempt("bob", addr("10.0.0.2"), true); got != 0 {
		t.Fatalf("bob: wait %v", got)
	}
	// The same address guessing other names is slowed (address counter).
	if got := l.Attempt("carol", addr("10.0.0.1"), false); got != 100*ms {
		t.Fatalf("carol from alice's address: wait %v", got)
	}
	// Failures older than the window are forgotten.
	clk.t = clk.t.Add(2 * time.Minute)
	if got := l.Attempt("alice", a, false); got != 10*ms {
		t.Fatalf("failure after the window: wait %v", got)
	}
}

// TestLoginLimiterBounded floods made-up names: the tracked entries stay
// within the cap, the oldest are dropped first, and a dropped offender
// starts again from zero.
func TestLoginLimiterBounded(t *testing.T) {
	l, clk := testLimiter(50)
	for i := 0; i < 5; i++ {
		l.Attempt("mallory", addr("10.0.0.9"), false)
	}
	for i := 0; i < 1000; i++ {
		clk.t = clk.t.Add(time.Millisecond)
		l.Attempt(fmt.Sprintf("u%d", i), addr(fmt.Sprintf("10.1.%d.%d", i/256, i%256)), false)
		if len(l.tracked) > 50 {
			t.Fatalf("after %d names: %d tracked, cap 50", i+1, len(l.tracked))
		}
	}
	for i := 0; i < 3; i++ {
		l.Attempt("mallory", addr("10.0.0.9"), false)
	}
	if got := l.Attempt("mallory", addr("10.0.0.9"), false); got != 20*time.Millisecond {
		t.Fatalf("mallory after the flood: wait %v, want 20ms", got)
	}
}
