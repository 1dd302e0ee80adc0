package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// serviceRun runs a command of the service subcommands (useradd, chown,
// systemctl). A variable so that tests record instead of running.
var serviceRun = func(stdout, stderr io.Writer, argv []string) error {
	c := exec.Command(argv[0], argv[1:]...)
	c.Stdout, c.Stderr = stdout, stderr
	return c.Run()
}

// serviceUserExists reports whether the system user exists; a variable
// for tests.
var serviceUserExists = func(name string) bool {
	_, err := user.Lookup(name)
	return err == nil
}

// serviceOptions are the flags common to the service subcommands.
type serviceOptions struct {
	dryRun bool
	root   string // file system root the files go under; "/" but in tests
}

func newServiceCommand() *cobra.Command {
	o := &serviceOptions{}
	cmd := &cobra.Command{
		Use:   "service",
		Short: "Install and control stela as a systemd service",
		Long: `service installs stela as the systemd unit ` + serviceName + `, running
"` + "stela start --config " + serviceConfigPath + `" as the system user ` + serviceUser + `,
with data in ` + serviceDataDir + ` and logs in ` + serviceLogDir + `, and starts,
stops and shows it through systemctl. --dry-run prints the files it would
write, with their content, and the commands it would run, and changes
nothing.`,
	}
	pf := cmd.PersistentFlags()
	pf.BoolVar(&o.dryRun, "dry-run", false, "print the files and commands, change nothing")
	pf.StringVar(&o.root, "root", "/", "write files under this directory and run no command (for tests)")
	_ = pf.MarkHidden("root")
	cmd.AddCommand(
		&cobra.Command{
			Use:   "install",
			Short: "Create the user, directories, config file and unit; enable the unit",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				steps, err := installSteps(o)
				if err != nil {
					return err
				}
				if err := runSteps(cmd, o, "install", steps); err != nil {
					return err
				}
				if !o.dryRun {
					fmt.Fprintf(cmd.OutOrStdout(), "Installed %s. Start it with: stela service start\n", serviceName)
				}
				return nil
			},
		},
		&cobra.Command{
			Use:   "uninstall",
			Short: "Stop, disable and remove the unit (the data, config and logs stay)",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if err := runSteps(cmd, o, "uninstall", uninstallSteps(o)); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Kept %s, %s (the data), %s and the user %s.\n", serviceConfigDir, serviceDataDir, serviceLogDir, serviceUser)
				return nil
			},
		},
		systemctlCommand(o, "start", "Start the service"),
		systemctlCommand(o, "stop", "Stop the service (running statements get the shutdown timeout)"),
		systemctlCommand(o, "status", "Show the service's state and latest log lines"),
	)
	return cmd
}

// systemctlCommand is `stela service verb`: systemctl verb stela.service,
// exiting with systemctl's code (status: 3 when stopped).
func systemctlCommand(o *serviceOptions, verb, short string) *cobra.Command {
	return &cobra.Command{
		Use:   verb,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSteps(cmd, o, "", []serviceStep{{kind: stepRun, argv: []string{"systemctl", verb, serviceName}}})
		},
	}
}

// stepKind is what a serviceStep does.
type stepKind int

const (
	stepRun    stepKind = iota // run argv
	stepDir                    // create directory path with mode
	stepFile                   // write content to path with mode
	stepRemove                 // remove path
)

// serviceStep is one action of a service subcommand, so that --dry-run
// prints exactly what a real run does.
type serviceStep struct {
	kind    stepKind
	argv    []string
	path    string // on the target system, without --root
	mode    fs.FileMode
	content string
	skip    string // why the step is not done, if it is not
}

// rootPath is path under o.root.
func (o *serviceOptions) rootPath(path string) string {
	return filepath.Join(o.root, path)
}

// installSteps plans install: user, directories and owners, the config
// file (kept if present), the unit (replaced), then enable it.
func installSteps(o *serviceOptions) ([]serviceStep, error) {
	exe, err := serviceExecutable(o)
	if err != nil {
		return nil, err
	}
	timeout, err := installedShutdownTimeout(o)
	if err != nil {
		return nil, err
	}
	var steps []serviceStep
	useradd := serviceStep{kind: stepRun, argv: []string{"useradd", "--system", "--user-group", "--no-create-home",
		"--home-dir", serviceDataDir, "--shell", "/usr/sbin/nologin", serviceUser}}
	if serviceUserExists(serviceUser) {
		useradd.skip = "user " + serviceUser + " exists"
	}
	steps = append(steps, useradd,
		serviceStep{kind: stepDir, path: serviceConfigDir, mode: 0o755},
		serviceStep{kind: stepDir, path: serviceDataDir, mode: 0o750},
		serviceStep{kind: stepDir, path: serviceLogDir, mode: 0o750},
		serviceStep{kind: stepRun, argv: []string{"chown", serviceUser + ":" + serviceUser, o.rootPath(serviceDataDir), o.rootPath(serviceLogDir)}},
	)
	// The config may hold the admin password: readable by stela's group,
	// writable by root only.
	conf := serviceStep{kind: stepFile, path: serviceConfigPath, mode: 0o640, content: serviceConfig()}
	chownConf := serviceStep{kind: stepRun, argv: []string{"chown", "root:" + serviceUser, o.rootPath(serviceConfigPath)}}
	if _, err := os.Stat(o.rootPath(serviceConfigPath)); err == nil {
		conf.skip = "it exists"
		chownConf.skip = "kept as it is"
	}
	steps = append(steps, conf, chownConf,
		serviceStep{kind: stepFile, path: serviceUnitPath, mode: 0o644, content: serviceUnit(exe, timeout)},
		serviceStep{kind: stepRun, argv: []string{"systemctl", "daemon-reload"}},
		serviceStep{kind: stepRun, argv: []string{"systemctl", "enable", serviceName}},
	)
	return steps, nil
}

// uninstallSteps plans uninstall: stop and disable the unit, remove it.
// It never removes the data, the config, the logs or the user.
func uninstallSteps(o *serviceOptions) []serviceStep {
	steps := []serviceStep{
		{kind: stepRun, argv: []string{"systemctl", "disable", "--now", serviceName}},
		{kind: stepRemove, path: serviceUnitPath},
		{kind: stepRun, argv: []string{"systemctl", "daemon-reload"}},
	}
	if _, err := os.Stat(o.rootPath(serviceUnitPath)); errors.Is(err, fs.ErrNotExist) {
		for i := range steps {
			steps[i].skip = "not installed"
		}
	}
	return steps
}

// serviceExecutable is the path of this binary, for ExecStart. A binary
// under /home, /root or /tmp is refused: the unit's ProtectHome and
// PrivateTmp would hide it from the service.
func serviceExecutable(o *serviceOptions) (string, error) {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return "", fmt.Errorf("service: path of this binary: %w", err)
	}
	if o.root != "/" {
		return exe, nil
	}
	for _, dir := range []string{"/home/", "/root/", "/tmp/", "/var/tmp/", "/run/user/"} {
		if strings.HasPrefix(exe, dir) {
			return "", fmt.Errorf("service: the unit cannot run %s (its %s is hidden from services); install the binary first: sudo install -m 0755 %s /usr/local/bin/stela, then run /usr/local/bin/stela service install", exe, dir, exe)
		}
	}
	return exe, nil
}

// installedShutdownTimeout is the shutdown-timeout the service will use:
// from the config file if there is one (which is checked on the way),
// else start's default.
func installedShutdownTimeout(o *serviceOptions) (time.Duration, error) {
	flags := newStartCommand().Flags()
	path := o.rootPath(serviceConfigPath)
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := applyConfig(path, data, flags); err != nil {
			return 0, fmt.Errorf("%w; fix the file, then run install again", err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return 0, fmt.Errorf("config file: %w", err)
	}
	f := flags.Lookup("shutdown-timeout")
	if f == nil {
		return 30 * time.Second, nil
	}
	return time.ParseDuration(f.Value.String())
}

// runSteps prints and (unless --dry-run) does steps. what names the
// subcommand that changes the system (install, uninstall), which needs
// root; "" for plain systemctl calls.
func runSteps(cmd *cobra.Command, o *serviceOptions, what string, steps []serviceStep) error {
	out := cmd.OutOrStdout()
	if o.root != "/" {
		// Commands act on the host, not on the tree under --root.
		for i := range steps {
			if steps[i].kind == stepRun && steps[i].skip == "" {
				steps[i].skip = "no command runs with --root"
			}
		}
	}
	if o.dryRun {
		fmt.Fprintln(out, "# dry run: nothing is changed. These are the files and commands of a real run.")
		for _, s := range steps {
			printStep(out, o, s, true)
		}
		return nil
	}
	if what != "" && o.root == "/" && os.Geteuid() != 0 {
		return fmt.Errorf("service %s changes the system: run it as root (sudo stela service %s), or see what it would do with --dry-run", what, what)
	}
	for _, s := range steps {
		if what != "" || s.skip != "" {
			printStep(out, o, s, false)
		}
		if s.skip != "" {
			continue
		}
		if err := doStep(cmd, o, s); err != nil {
			return err
		}
	}
	return nil
}

// printStep describes s; with content, files are printed whole between
// "<<EOF" and "EOF" lines.
func printStep(w io.Writer, o *serviceOptions, s serviceStep, content bool) {
	var line string
	switch s.kind {
	case stepRun:
		line = "run " + shellJoin(s.argv)
	case stepDir:
		line = fmt.Sprintf("mkdir %s (mode %04o)", o.rootPath(s.path), s.mode)
	case stepFile:
		line = fmt.Sprintf("write %s (mode %04o)", o.rootPath(s.path), s.mode)
	case stepRemove:
		line = "remove " + o.rootPath(s.path)
	}
	if s.skip != "" {
		fmt.Fprintf(w, "skip %s: %s\n", line, s.skip)
		return
	}
	if s.kind == stepFile && content {
		fmt.Fprintf(w, "%s <<EOF\n%sEOF\n", line, s.content)
		return
	}
	fmt.Fprintln(w, line)
}

// doStep does s.
func doStep(cmd *cobra.Command, o *serviceOptions, s serviceStep) error {
	path := o.rootPath(s.path)
	var err error
	switch s.kind {
	case stepRun:
		err = serviceRun(cmd.OutOrStdout(), cmd.ErrOrStderr(), s.argv)
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return &exitError{code: ee.ExitCode(), err: fmt.Errorf("%s: exit status %d", shellJoin(s.argv), ee.ExitCode())}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", shellJoin(s.argv), err)
		}
		return nil
	case stepDir:
		if err = os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			break
		}
		if err = os.Mkdir(path, s.mode); err == nil || errors.Is(err, fs.ErrExist) {
			err = os.Chmod(path, s.mode) // Mkdir's mode is masked by the umask
		}
	case stepFile:
		// Write then rename: the file is never seen half written.
		tmp := path + ".tmp"
		if err = os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			break
		}
		if err = os.WriteFile(tmp, []byte(s.content), s.mode); err == nil {
			if err = os.Chmod(tmp, s.mode); err == nil {
				err = os.Rename(tmp, path)
			}
		}
	case stepRemove:
		err = os.Remove(path)
	}
	if err != nil {
		return fmt.Errorf("service: %w", err)
	}
	return nil
}

// shellJoin is argv as a shell would read it back.
func shellJoin(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\$`;&|<>*?()#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}
