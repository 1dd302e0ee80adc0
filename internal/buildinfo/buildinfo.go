// Package buildinfo holds the version and commit the binary was built
// from, set by the Makefile with -ldflags -X.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Set at link time: go build -ldflags "-X github.com/stela-db/stela/internal/buildinfo.Version=v0.1.0 ...".
var (
	Version = "dev"
	Commit  = ""
)

// GoVersion is the Go release the binary was built with.
func GoVersion() string { return runtime.Version() }

// CommitOrVCS returns Commit, or the VCS revision Go recorded, or "unknown".
func CommitOrVCS() string {
	if Commit != "" {
		return Commit
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}
