package bench

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// stopGrace is how long operations in flight may finish after the run
// stops before their context is canceled.
const stopGrace = 5 * time.Second

// Run prepares the workload's table, runs cfg.Connections workers in a
// closed loop (each sends its next operation when the previous one has
// returned), and returns what was measured after the warm-up. Canceling
// ctx (Ctrl-C) ends the run early: the result covers the time until
// then, with Interrupted set. progress, when not nil, gets a line a
// second.
func Run(ctx context.Context, cfg Config, progress *Progress) (Result, error) {
	cfg, w, err := cfg.withDefaults()
	if err != nil {
		return Result{}, err
	}
	e := &env{cfg: cfg}
	conn, err := pgx.Connect(ctx, cfg.URL)
	if err != nil {
		return Result{}, fmt.Errorf("bench: connect: %w", err)
	}
	defer conn.Close(context.Background())
	var version string
	if err := conn.QueryRow(ctx, "SELECT version()").Scan(&version); err != nil {
		return Result{}, fmt.Errorf("bench: version(): %w", err)
	}
	e.stela = isStelaVersion(version)
	if w.stelaOnly {
		if err := requireStela(cfg.Workload, version); err != nil {
			return Result{}, err
		}
	}
	if err := w.setup(ctx, conn, e); err != nil {
		return Result{}, err
	}
	if e.stateDir != "" {
		defer os.RemoveAll(e.stateDir)
	}
	r := &run{cfg: cfg, countMode: cfg.Count > 0, stopCh: make(chan struct{})}
	r.remaining.Store(cfg.Count)
	workers := make([]worker, 0, cfg.Connections)
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), stopGrace)
		defer cancel()
		for _, wk := range workers {
			wk.conn().Close(cctx)
		}
	}()
	for i := range cfg.Connections {
		wk, err := w.newWorker(ctx, e, i+1)
		if err != nil {
			return Result{}, fmt.Errorf("bench: connection %d: %w", i+1, err)
		}
		workers = append(workers, wk)
	}
	res := r.execute(ctx, workers, progress)
	res.ServerVersion, res.Stela = version, e.stela
	return res, nil
}

// run is the state the workers of one run share.
type run struct {
	cfg       Config
	countMode bool
	// remaining is the measured operations left to start (count mode).
	remaining atomic.Int64
	// measuring turns on when the warm-up ends.
	measuring atomic.Bool
	// stopped asks the workers to start nothing more; cutoff (set when
	// the clock or an interrupt stops the run, not the count) drops the
	// operations that finish after that moment from the figures.
	stopped, cutoff atomic.Bool
	stopOnce        sync.Once
	stopCh          chan struct{}
	stopAt          time.Time // set once, under stopOnce
	// done and failed count every operation, warm-up included, for the
	// progress line.
	done, failed atomic.Int64
	opCtx        context.Context
}

func (r *run) stop(cutoff bool) {
	r.stopOnce.Do(func() {
		r.stopAt = time.Now()
		r.cutoff.Store(cutoff)
		r.stopped.Store(true)
		close(r.stopCh)
	})
}

// execute runs the warm-up and the measured phase and merges the figures.
func (r *run) execute(ctx context.Context, workers []worker, progress *Progress) Result {
	opCtx, cancelOps := context.WithCancel(context.Background())
	defer cancelOps()
	r.opCtx = opCtx
	measured := make([]*stats, len(workers))
	// Without a warm-up the workers' first operations are measured: turn
	// measuring on before they start.
	var measureStart time.Time
	if r.cfg.Warmup == 0 {
		measureStart = time.Now()
		r.measuring.Store(true)
	}
	var wg sync.WaitGroup
	for i, wk := range workers {
		measured[i] = newStats()
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.loop(wk, measured[i], newStats())
		}()
	}
	allDone := make(chan struct{})
	go func() { wg.Wait(); close(allDone) }()
	start := time.Now()
	progress.start(r, start)

	// Warm-up, then the measured phase, until the clock, the count, an
	// interrupt or the loss of every connection stops it.
	phase := func(d time.Duration) bool {
		var clock <-chan time.Time
		if d > 0 {
			t := time.NewTimer(d)
			defer t.Stop()
			clock = t.C
		}
		select {
		case <-clock:
			return true
		case <-ctx.Done():
			r.stop(true)
		case <-r.stopCh:
		case <-allDone:
			r.stop(false)
		}
		return false
	}
	if r.cfg.Warmup == 0 || phase(r.cfg.Warmup) {
		if r.cfg.Warmup > 0 {
			measureStart = time.Now()
			r.measuring.Store(true)
		}
		d := r.cfg.Duration
		if d < 0 {
			d = 0 // no clock: the count ends the run
		}
		if phase(d) {
			r.stop(true)
		}
	}
	// Let operations in flight finish, within a grace period.
	select {
	case <-allDone:
	case <-time.After(stopGrace):
		cancelOps()
		<-allDone
	}
	end := r.stopAt
	if !r.cutoff.Load() {
		end = time.Now() // the count ended the run when its last op did
	}
	progress.finish()

	total := newStats()
	for _, s := range measured {
		total.merge(s)
	}
	var elapsed time.Duration
	if !measureStart.IsZero() {
		elapsed = end.Sub(measureStart)
	}
	return r.result(total, elapsed, ctx.Err() != nil)
}

// loop is one worker: the next operation starts when the previous one has
// returned.
func (r *run) loop(wk worker, measured, warm *stats) {
	for !r.stopped.Load() {
		s := warm
		if r.measuring.Load() {
			s = measured
			if r.countMode && r.remaining.Add(-1) < 0 {
				r.stop(false)
				return
			}
		}
		start := time.Now()
		rows, err := wk.op(r.opCtx, s)
		lat := time.Since(start)
		r.done.Add(1)
		if s == measured && r.cutoff.Load() {
			return // finished after the clock stopped the run
		}
		if err != nil {
			if r.opCtx.Err() != nil {
				return // canceled by us at the end, not the server's failure
			}
			r.failed.Add(1)
			s.fail(err)
			if isFatal(err, wk.conn()) {
				return
			}
			continue
		}
		s.record(lat, rows)
	}
}
