package kv

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/rs/zerolog"
)

// pebbleLogger routes pebble's logs into zerolog and decides what a pebble
// "fatal" error does. Pebble calls Fatalf when its write path (WAL,
// MANIFEST) fails and it cannot go on; its default logger exits the
// process. Ours never exits:
//
//   - On a call path that comes from this package (a commit, a read, Open,
//     Close), every entry point has deferred recoverFatal: Fatalf panics
//     with a *pebbleFatal and the entry point returns an error wrapping
//     ErrFailed.
//   - On pebble's own background goroutines (flushes, compactions), a
//     panic would end the process. There Fatalf records the failure and
//     returns; pebble then returns the error from the operation it was
//     doing. Either way the store refuses writes from then on (ErrFailed)
//     and keeps serving reads; reopening recovers from the commit log.
type pebbleLogger struct {
	log zerolog.Logger
	// onFatal is told of every fatal error (the store marks itself failed).
	onFatal func(error)
}

// pebbleFatal is the panic value of pebbleLogger.Fatalf.
type pebbleFatal struct{ msg string }

func (f *pebbleFatal) Error() string { return f.msg }

func (l pebbleLogger) Infof(format string, args ...any) {
	l.log.Debug().Msg(fmt.Sprintf(format, args...))
}

func (l pebbleLogger) Errorf(format string, args ...any) {
	l.log.Error().Msg(fmt.Sprintf(format, args...))
}

func (l pebbleLogger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	l.log.Error().Str("fatal", msg).Msg("storage engine failure")
	if l.onFatal != nil {
		l.onFatal(fmt.Errorf("%w: storage engine: %s", ErrFailed, msg))
	}
	if calledFromKV() {
		panic(&pebbleFatal{msg: msg})
	}
}

// calledFromKV reports whether the calling goroutine entered pebble from
// this package, where a recoverFatal is deferred. Fatalf is rare, so the
// cost of walking the stack does not matter.
func calledFromKV() bool {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if strings.HasPrefix(f.Function, kvPackagePath+".") && !strings.Contains(f.Function, "pebbleLogger") {
			return true
		}
		if !more {
			return false
		}
	}
}

// kvPackagePath is this package's import path, as runtime frames name it.
const kvPackagePath = "github.com/stela-db/stela/kv"

// recoverFatal, deferred, converts a pebble failure panic into an error
// in *err. Any other panic is re-raised: it is a bug, not an I/O failure.
func recoverFatal(err *error) { handleFatal(recover(), err) }

// handleFatal classifies a recovered panic value r (nil: nothing happened).
func handleFatal(r any, err *error) {
	if r == nil {
		return
	}
	switch v := r.(type) {
	case *pebbleFatal:
		*err = fmt.Errorf("%w: storage engine: %s", ErrFailed, v.msg)
	case error:
		// Pebble panics with plain errors when a write hits the sticky
		// error of a WAL that already failed, or a read meets a damaged
		// file it cannot report otherwise.
		*err = storageErr(v)
		if !errors.Is(*err, ErrCorrupt) {
			*err = fmt.Errorf("%w: storage engine: %v", ErrFailed, v)
		}
	default:
		panic(r)
	}
}

// storageErr classifies an error from pebble: corruption it detected
// (checksum mismatches, damaged files) becomes ErrCorrupt.
func storageErr(err error) error {
	if err == nil || errors.Is(err, ErrCorrupt) {
		return err
	}
	if pebble.IsCorruptionError(err) {
		return fmt.Errorf("kv: %w: %v", ErrCorrupt, err)
	}
	return err
}

// eventListener logs pebble's background errors and data corruption.
// Pebble's default reaction to corruption is Fatalf; ours only logs, and
// the read that met it returns an error wrapping ErrCorrupt.
//
// Pebble retries a failed flush at once, so a flush that cannot succeed
// reports thousands of errors a second: they are logged at most once a
// second, with the count of those held back. Flush outcomes go to
// flushes (flush.go).
func eventListener(log zerolog.Logger, flushes *flushHealth) *pebble.EventListener {
	limit := &logLimiter{interval: time.Second}
	return &pebble.EventListener{
		BackgroundError: func(err error) {
			if ok, held := limit.allow(); ok {
				log.Error().Err(err).Int("not_logged_since_last", held).Msg("storage engine background error")
			}
		},
		FlushEnd: func(info pebble.FlushInfo) {
			flushes.ended(info.Err)
		},
		DataCorruption: func(info pebble.DataCorruptionInfo) {
			log.Error().Str("path", info.Path).Bool("remote", info.IsRemote).Err(info.Details).
				Msg("data corruption detected")
		},
	}
}
