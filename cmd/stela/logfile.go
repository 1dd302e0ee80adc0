package main

import (
	"fmt"
	"os"
	"sync"
)

// logFile is the --log-file: appended to, created 0640 (the group may read
// the logs, others not), and reopened on SIGHUP so that logrotate can move
// it away. zerolog writes each entry with one Write, so a lock around the
// file keeps entries whole across a reopen.
type logFile struct {
	path string
	mu   sync.Mutex // guards f
	f    *os.File
}

func openLogFile(path string) (*logFile, error) {
	f, err := openAppend(path)
	if err != nil {
		return nil, err
	}
	return &logFile{path: path, f: f}, nil
}

func openAppend(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("log file: %w; create its directory or choose another --log-file", err)
	}
	return f, nil
}

func (l *logFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Write(p)
}

// reopen opens the path again and switches to it; on failure the old file
// stays in use.
func (l *logFile) reopen() error {
	f, err := openAppend(l.path)
	if err != nil {
		return err
	}
	l.mu.Lock()
	old := l.f
	l.f = f
	l.mu.Unlock()
	return old.Close()
}

func (l *logFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}
