//go:build !unix

package main

// keepSysmonAwake does nothing where the process cannot re-execute
// itself in place (sysmon.go).
func keepSysmonAwake() {}
