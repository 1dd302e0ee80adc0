package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/stela-db/stela/internal/buildinfo"
)

// The system layout of `stela service install`. Paths are as on the
// target system; --root prefixes them when files are written.
const (
	serviceName       = "stela.service"
	serviceUnitPath   = "/etc/systemd/system/stela.service"
	serviceConfigDir  = "/etc/stela"
	serviceConfigPath = "/etc/stela/stela.toml"
	serviceDataDir    = "/var/lib/stela"
	serviceLogDir     = "/var/log/stela"
	serviceLogFile    = "/var/log/stela/stela.log"
	serviceUser       = "stela" // user and group
	// serviceStopMargin is added to the shutdown timeout for systemd's
	// TimeoutStopSec: stela gets its whole timeout to let statements
	// finish and to close the store, and is killed only past it.
	serviceStopMargin = 15 * time.Second
)

// serviceUnit is the systemd unit running exe with the installed config.
// The hardening leaves stela write access to its data and log directories
// only; it needs no capability as long as it listens on ports >= 1024.
func serviceUnit(exe string, shutdownTimeout time.Duration) string {
	stop := (shutdownTimeout + serviceStopMargin).Round(time.Second)
	return fmt.Sprintf(`# %[1]s, written by stela service install (stela %[2]s).
# Settings are in %[3]s: stela config print --config %[3]s
[Unit]
Description=stela, an immutable, verifiable SQL database
Documentation=https://github.com/stela-db/stela
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
User=%[4]s
Group=%[4]s
ExecStart=%[5]s start --config %[3]s
# SIGHUP reopens the log file (for logrotate).
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=5s
KillSignal=SIGTERM
# The shutdown timeout (%[6]s) plus a margin: running statements may finish.
TimeoutStopSec=%[7]d
LimitNOFILE=65536
UMask=0027

# Hardening: stela writes only its data and log directories.
NoNewPrivileges=true
ProtectSystem=strict
ReadWritePaths=%[8]s %[9]s
ProtectHome=true
PrivateTmp=true
PrivateDevices=true
ProtectKernelTunables=true
ProtectKernelModules=true
ProtectKernelLogs=true
ProtectControlGroups=true
ProtectClock=true
ProtectHostname=true
RestrictSUIDSGID=true
RestrictRealtime=true
RestrictNamespaces=true
LockPersonality=true
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
SystemCallArchitectures=native
CapabilityBoundingSet=

[Install]
WantedBy=multi-user.target
`, serviceName, buildinfo.Version, serviceConfigPath, serviceUser, systemdQuote(exe), shutdownTimeout,
		int(stop.Seconds()), serviceDataDir, serviceLogDir)
}

// systemdQuote quotes a path for an Exec line when it needs quoting.
func systemdQuote(s string) string {
	if !strings.ContainsAny(s, " \t\"'\\$%;") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `$$`, `%`, `%%`)
	return `"` + r.Replace(s) + `"`
}

// serviceConfig is the config file install writes when there is none.
func serviceConfig() string {
	return fmt.Sprintf(`# Settings of stela start, written by stela service install.
# Keys are the flags of stela start (see stela start --help); flags and
# STELA_* variables override them. stela config print --config %[1]s
# shows the effective settings.
data = %[2]q
log-file = %[3]q
listen = "127.0.0.1:5432"
# shutdown-timeout = "30s"
# admin-password = "..."   # used at first start only; without it a
#                          # password is generated and printed once to
#                          # the journal: journalctl -u stela
`, serviceConfigPath, serviceDataDir, serviceLogFile)
}
