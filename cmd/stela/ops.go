package main

import (
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"
	"github.com/spf13/pflag"
)

// opsOptions are start's operational flags: where settings, logs and the
// pid go.
type opsOptions struct {
	config  string // TOML file of settings; read by loadSettings
	logFile string // append logs here instead of stderr
	pidfile string // write the pid here once serving
}

// addOpsFlags registers o's flags on f.
func addOpsFlags(f *pflag.FlagSet, o *opsOptions) {
	f.StringVar(&o.config, configFlag, "", "TOML file of settings, keys named as these flags (default "+defaultConfigPath+" if it exists)")
	f.StringVar(&o.logFile, "log-file", "", "append logs to this file (created 0640 if missing, reopened on SIGHUP) instead of stderr")
	f.StringVar(&o.pidfile, "pidfile", "", "write the process id to this file once serving; removed at shutdown")
}

// opsRuntime holds start's log output and pidfile while it runs.
type opsRuntime struct {
	o      *opsOptions
	logOut io.Writer
	file   *logFile // nil when logging to stderr
	pid    *pidfile // nil without --pidfile
	hup    chan os.Signal
	// watched is closed when the SIGHUP goroutine ends, so that close
	// never races a reopen; nil until watchSignals.
	watched chan struct{}
}

// openOps opens the log output: o.logFile, else stderr. It handles SIGHUP
// from now on (reopening the log file, for log rotation), so that a
// reload never kills the server.
func openOps(stderr io.Writer, o *opsOptions) (*opsRuntime, error) {
	r := &opsRuntime{o: o, logOut: stderr, hup: make(chan os.Signal, 1)}
	if o.logFile != "" {
		f, err := openLogFile(o.logFile)
		if err != nil {
			return nil, err
		}
		r.file, r.logOut = f, f
	}
	signal.Notify(r.hup, syscall.SIGHUP)
	return r, nil
}

// watchSignals logs and acts on SIGHUP until close.
func (r *opsRuntime) watchSignals(log zerolog.Logger) {
	r.watched = make(chan struct{})
	go func() {
		defer close(r.watched)
		for range r.hup {
			if r.file == nil {
				log.Info().Msg("SIGHUP: no log file to reopen")
				continue
			}
			if err := r.file.reopen(); err != nil {
				log.Error().Err(err).Msg("SIGHUP: reopen log file")
				continue
			}
			log.Info().Str("log_file", r.o.logFile).Msg("SIGHUP: reopened log file")
		}
	}()
}

// claimPidfile refuses to go on if the pidfile names a live process, and
// warns when it replaces a stale one.
func (r *opsRuntime) claimPidfile(log zerolog.Logger) error {
	if r.o.pidfile == "" {
		return nil
	}
	p, err := claimPidfile(r.o.pidfile, log)
	r.pid = p
	return err
}

// writePidfile writes the pid, once the listeners are up.
func (r *opsRuntime) writePidfile() error {
	if r.pid == nil {
		return nil
	}
	return r.pid.write()
}

// close removes the pidfile and closes the log file.
func (r *opsRuntime) close() {
	signal.Stop(r.hup)
	close(r.hup)
	if r.watched != nil {
		<-r.watched
	}
	if r.pid != nil {
		r.pid.remove()
	}
	if r.file != nil {
		r.file.Close()
	}
}
