package bench

import (
	"fmt"
	"io"
	"time"
)

// Progress writes a line a second while a run goes: on a terminal (TTY)
// one line rewritten in place, otherwise a plain line each time, for logs.
type Progress struct {
	W   io.Writer
	TTY bool

	quit, done chan struct{}
}

// start begins the ticking; a nil Progress does nothing.
func (p *Progress) start(r *run, t0 time.Time) {
	if p == nil || p.W == nil {
		return
	}
	p.quit, p.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.done)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		last, lastAt := int64(0), t0
		for {
			select {
			case <-p.quit:
				if p.TTY {
					fmt.Fprintln(p.W)
				}
				return
			case now := <-tick.C:
				n := r.done.Load()
				rate := float64(n-last) / now.Sub(lastAt).Seconds()
				last, lastAt = n, now
				phase := "warm-up"
				if r.measuring.Load() {
					phase = "run"
				}
				line := fmt.Sprintf("%6.0fs %-7s %10s ops/s %12s ops %6d errors",
					now.Sub(t0).Seconds(), phase, group(int64(rate)), group(n), r.failed.Load())
				if p.TTY {
					fmt.Fprintf(p.W, "\r%s\x1b[K", line)
				} else {
					fmt.Fprintln(p.W, line)
				}
			}
		}
	}()
}

// finish stops the ticking and ends a rewritten line.
func (p *Progress) finish() {
	if p == nil || p.quit == nil {
		return
	}
	close(p.quit)
	<-p.done
}

// group writes n with thousands separators: 12,345.
func group(n int64) string {
	if n < 0 {
		return "-" + group(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
