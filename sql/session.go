package sql

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgenc"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// SessionArgs describe a new session.
type SessionArgs struct {
	User      string
	Superuser bool
	Database  string
	// Params are the startup packet's parameters other than user and
	// database: settings (application_name, DateStyle, ...) and "options"
	// ("-c name=value ...").
	Params map[string]string
	PID    int32
	Logger zerolog.Logger
	// RemoteAddr is the client's address (pg_stat_activity.client_addr
	// and client_port); nil when there is no network client.
	RemoteAddr net.Addr
	// Signals lets other sessions cancel or end this one (nil: they
	// cannot). Given here, not set later, because other sessions read
	// it as soon as the session is registered.
	Signals BackendSignals
}

// Session is one client's SQL session: its settings, its transaction and
// the statements it runs. A Session is used by one goroutine at a time.
type Session struct {
	// analyzeSubPlans are the instrumented subquery plans of the EXPLAIN
	// ANALYZE running, given to its execution contexts (statementCtx).
	analyzeSubPlans map[*subqueryExpr]planNode
	// funcDepth is how deep calls of SQL functions are nested now, and
	// funcPlans how many bodies the outermost call planned
	// (function_call_user.go).
	funcDepth int
	funcPlans int
	engine    *Engine
	db        *Database
	// authUser is who logged in, authSuper whether it was a superuser
	// then; user is the session user (authUser until SET SESSION
	// AUTHORIZATION names another: session_auth.go), superuser whether
	// it is one; role is the current user when SET ROLE chose another
	// ("" otherwise), roleSuper whether it is a superuser
	// (session_role.go).
	authUser  string
	authSuper bool
	user      string
	superuser bool
	role      string
	roleSuper bool
	pid       int32
	log       zerolog.Logger
	// args holds the arguments of the function calls its statements
	// evaluate (expr.ArgStack).
	args expr.ArgStack

	// vars holds the values set in this session (absent: the reset
	// value); resetVals the values RESET returns to (absent: the
	// default): the startup packet's, else the role's and database's
	// defaults (rolesettings_session.go).
	vars      map[string]string
	resetVals map[string]resetVal
	// startupWarnings are the stored defaults skipped at the start, for
	// the client (StartupWarnings).
	startupWarnings []*pgerror.Error

	txn txnState

	// privs caches the user's rights in the database (privileges.go).
	privs *rights

	// copySrc is the client's data while a COPY FROM STDIN runs
	// (ExecuteCopyFrom).
	copySrc CopySource

	// seqs remembers the value nextval last returned per sequence in this
	// session (currval), and lastSeq the sequence of the latest (lastval).
	seqs    map[uint32]int64
	lastSeq uint32

	fs      types.FormatSettings
	fsDirty bool
	// Settings read by every statement, parsed on change.
	timeout      time.Duration
	timeoutDirty bool
	mem          int64
	memDirty     bool
	txnMem       int64 // stela.txn_mem in bytes, 0 until read

	// OnParameterStatus is told of every change of a reported setting, so
	// that the wire layer can send ParameterStatus.
	OnParameterStatus func(name, value string)
	// OnNotice receives notices and warnings for the client.
	OnNotice func(*pgerror.Error)
	// listening are the channels the session listens on, in the order
	// of their LISTEN; notes the notifications that arrived for its
	// client (notify.go).
	listening []string
	notes     notifyQueue
	// OnTerminate ends the session from another goroutine, as
	// pg_terminate_backend: the client is told 57P01 and the connection
	// closes (DROP DATABASE ... FORCE, ALTER USER ... NOLOGIN). It must
	// not block.
	OnTerminate func()
	// Wire gives access to the protocol's statements and portals
	// (wireobjects.go); nil outside a wire session.
	Wire WireObjects
	// signals lets other sessions cancel this one's statement or end it
	// (pg_cancel_backend, pg_terminate_backend); nil outside a wire
	// session. Set at creation, then only read.
	signals BackendSignals

	// act is what pg_stat_activity shows of the session (activity.go).
	act activity

	// cursors are the open SQL cursors (cursor_session.go); stmts the
	// statements of SQL PREPARE (sqlprepare.go).
	cursors map[string]*cursor
	stmts   map[string]*Prepared
	// multiStmt is set while the statements of a Query message of more
	// than one statement run: their implicit transaction is a
	// transaction block for DECLARE and DISCARD ALL, as in PostgreSQL.
	multiStmt bool
	// lastCommitTx is the tx id of the last commit (LastCommitTx).
	lastCommitTx uint64
	// relCache resolves relations named by text (relcache.go).
	relCache map[string]relCacheEntry
	// pathFront is a schema looked in before the search_path: the one
	// CREATE SCHEMA creates, while its elements run, as PostgreSQL
	// pushes it (ddl_schema_elements.go).
	pathFront string
	// temp is what the session knows of its temporary relations
	// (temp.go).
	temp tempState
	// pathMemo is the search path last computed (search_path_memo.go).
	pathMemo searchPathMemo
}

// SetMultiStatement tells the session whether the statements about to
// run come from one Query message holding several (see multiStmt).
func (s *Session) SetMultiStatement(multi bool) { s.multiStmt = multi }

// NewSession starts a session of user on a database. Unknown databases
// give 3D000; bad startup settings 22023 or 42704.
func (e *Engine) NewSession(args SessionArgs) (*Session, error) {
	s, err := e.startSession(args)
	if err != nil {
		return nil, err
	}
	if err := s.applyRoleSettings(); err != nil {
		e.unregister(s)
		return nil, err
	}
	if err := s.applyStartupParams(args.Params); err != nil {
		e.unregister(s)
		return nil, err
	}
	return s, nil
}

// startSession makes and registers a session. The database lookup, the
// check that the user may still log in and the registration happen under
// e.mu, as the sweeps of DROP DATABASE and ALTER USER NOLOGIN do: a
// session is either seen and ended by a sweep, or started after the
// change and refused here.
func (e *Engine) startSession(args SessionArgs) (*Session, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	db, ok := e.dbs[args.Database]
	if !ok {
		return nil, pgerror.Newf(pgcode.InvalidCatalogName, "database \"%s\" does not exist", args.Database)
	}
	u, err := e.sys.User(args.User)
	if pgerror.HasCode(err, pgcode.UndefinedObject) {
		return nil, pgerror.Newf(pgcode.InvalidAuthorizationSpecification, "role \"%s\" does not exist", args.User)
	} else if err != nil {
		return nil, err
	}
	if !u.Login {
		return nil, pgerror.Newf(pgcode.InvalidAuthorizationSpecification, "role \"%s\" is not permitted to log in", args.User)
	}
	privs, err := e.mayConnect(u, args.Database)
	if err != nil {
		args.Logger.Warn().Str("user", args.User).Str("db", args.Database).Msg("permission denied for database")
		return nil, err
	}
	s := newSession(e, db, args.User, args.Superuser, args.PID, args.Logger)
	s.privs = privs
	s.signals = args.Signals
	s.initActivity(args.RemoteAddr)
	e.registerLocked(s)
	return s, nil
}

// newSession makes a session of user in db with its settings all at
// their defaults: a client's (startSession) or one the server runs on
// its own (dropLeftoverTemp).
func newSession(e *Engine, db *Database, user string, superuser bool, pid int32, log zerolog.Logger) *Session {
	return &Session{
		engine: e, db: db, authUser: user, authSuper: superuser, user: user, superuser: superuser, pid: pid, log: log,
		vars: map[string]string{}, resetVals: map[string]resetVal{}, fsDirty: true, timeoutDirty: true, memDirty: true,
		notes: notifyQueue{wake: make(chan struct{}, 1)},
	}
}

// applyStartupParams sets the settings of the startup packet: they are
// the session's reset values, over the role's and database's defaults.
func (s *Session) applyStartupParams(params map[string]string) error {
	startup := map[string]string{}
	for k, v := range params {
		if k == "options" {
			opts, err := parseOptions(v)
			if err != nil {
				return err
			}
			for ok, ov := range opts {
				startup[ok] = ov
			}
			continue
		}
		startup[k] = v
	}
	for k, v := range startup {
		if err := s.setReset(k, v, "client"); err != nil {
			return err
		}
	}
	return nil
}

// parseOptions reads the startup "options" parameter: "-c name=value" and
// "--name=value", with backslash escaping spaces.
func parseOptions(opts string) (map[string]string, error) {
	var words []string
	var cur strings.Builder
	esc := false
	for _, r := range opts {
		switch {
		case esc:
			cur.WriteRune(r)
			esc = false
		case r == '\\':
			esc = true
		case r == ' ' || r == '\t':
			if cur.Len() > 0 {
				words = append(words, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		words = append(words, cur.String())
	}
	out := map[string]string{}
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "-c" && i+1 < len(words):
			i++
			w = words[i]
		case strings.HasPrefix(w, "-c"):
			w = w[2:]
		case strings.HasPrefix(w, "--"):
			w = w[2:]
		default:
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "invalid command-line argument for server process: %s", w)
		}
		name, val, ok := strings.Cut(w, "=")
		if !ok {
			return nil, pgerror.Newf(pgcode.Syntax, "-c %s requires a value", w)
		}
		out[strings.ReplaceAll(name, "-", "_")] = val
	}
	return out, nil
}

// User is the current user (current_user): the role SET ROLE chose,
// else the session user.
func (s *Session) User() string { return s.currentUser() }

// SessionUser is the session user (session_user): who logged in, or
// whom SET SESSION AUTHORIZATION named.
func (s *Session) SessionUser() string { return s.user }

// Database is the current database's name.
func (s *Session) Database() string { return s.db.Name }

// BackendPID is the session's process id, as pg_backend_pid() reports it.
func (s *Session) BackendPID() int32 { return s.pid }

// Superuser reports whether the current user is a superuser.
func (s *Session) Superuser() bool { return s.currentSuperuser() }

// Close ends the session, rolling back an open transaction.
func (s *Session) Close() {
	// Deferred, so that a panic in a rollback still leaves the cursors
	// closed and the session out of the engine's list.
	defer s.engine.unregister(s)
	defer s.closeAllCursors()
	defer s.engine.advisory.release(s, true, true)
	defer s.unlistenAll()
	if s.txn.state != txnNone {
		s.txn.rollback(s)
	}
	s.dropTempAtClose()
}

// ReportedParameters returns the settings sent as ParameterStatus at
// startup, with their current values.
func (s *Session) ReportedParameters() [][2]string {
	var out [][2]string
	for _, name := range settingNames() {
		st := settings[name]
		if st.report {
			v, _ := s.Setting(st.name)
			out = append(out, [2]string{st.name, v})
		}
	}
	return out
}

// Setting returns a setting's current value (SHOW); 42704 when unknown.
func (s *Session) Setting(name string) (string, error) {
	// Most callers name a setting in lower case: no need to lower it.
	key := name
	st, ok := settings[key]
	if !ok {
		key = strings.ToLower(name)
		st, ok = settings[key]
	}
	// A name the registry lacks is a custom (namespaced) setting once it
	// has a value.
	custom := !ok && strings.Contains(key, ".")
	if v, set := s.vars[key]; set && (ok || custom) {
		return v, nil
	}
	if r, set := s.resetVals[key]; set && (ok || custom) {
		return r.value, nil
	}
	if !ok {
		return "", pgerror.Newf(pgcode.UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
	}
	return st.def(s), nil
}

// SetSetting implements set_config(name, value, is_local).
func (s *Session) SetSetting(name, value string, local bool) error {
	if err := s.setVar(name, value, local); err != nil {
		return err
	}
	if strings.EqualFold(name, "session_authorization") {
		return s.setVar("role", "none", local) // as SET SESSION AUTHORIZATION
	}
	return nil
}

// setVar validates and sets a setting, recording how to undo it when the
// transaction rolls back (and, for SET LOCAL, when it ends).
func (s *Session) setVar(name, value string, local bool) error {
	key, value, err := s.checkSet(name, value)
	if err != nil {
		return err
	}
	old, had := s.vars[key]
	s.txn.noteChange(key, old, had, local)
	s.vars[key] = value
	s.changed(key)
	return nil
}

// setReset validates a setting's value as SET does and makes it the
// setting's reset value, with source its origin as pg_settings names it
// ("client" for the startup packet's).
func (s *Session) setReset(name, value, source string) error {
	key, value, err := s.checkSet(name, value)
	if err != nil {
		return err
	}
	s.resetVals[key] = resetVal{value: value, source: source}
	s.changed(key)
	return nil
}

// resetVal is a setting's reset value and where it came from.
type resetVal struct{ value, source string }

// checkSet checks SET name = value in this session: the setting's key and
// the value normalized, or SET's error.
func (s *Session) checkSet(name, value string) (string, string, error) {
	if key := strings.ToLower(name); strings.HasPrefix(key, "stela.as_of_") {
		// Time travel is a read: it needs SELECT (the read level).
		if err := s.checkNeeds([]privNeed{{tables: "r", msg: "permission denied to set parameter \"" + key + "\"", object: "parameter " + key}}); err != nil {
			return "", "", err
		}
	} else if key == "role" {
		v, err := s.checkRole(value)
		return key, v, err
	} else if key == "session_authorization" {
		v, err := s.checkSessionAuthorization(value)
		return key, v, err
	}
	return checkSettingValue(name, value)
}

// checkSettingValue checks a setting's new value as SET does, wherever
// it is to apply (this session, or the defaults of ALTER DATABASE and
// ALTER ROLE): the setting's key and the value normalized, or SET's
// error. A name with a dot that the registry lacks is a custom setting,
// taking any value.
func checkSettingValue(name, value string) (string, string, error) {
	key := strings.ToLower(name)
	st, known := settings[key]
	if !known {
		if !strings.Contains(key, ".") {
			return "", "", pgerror.Newf(pgcode.UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
		}
		return key, value, nil
	}
	if st.readOnly {
		return "", "", pgerror.Newf(pgcode.CantChangeRuntimeParam, "parameter \"%s\" cannot be changed", st.name)
	}
	if st.check == nil {
		return key, value, nil
	}
	v, err := st.check(value)
	var re *rangeError
	if errors.As(err, &re) {
		return "", "", pgerror.Newf(pgcode.InvalidParameterValue, "%d is outside the valid range for parameter \"%s\" (%d .. %d)", re.n, st.name, re.lo, re.hi)
	}
	if errors.Is(err, errNotBool) {
		return "", "", pgerror.Newf(pgcode.InvalidParameterValue, "parameter \"%s\" requires a Boolean value", st.name)
	}
	var pe *pgerror.Error
	if errors.As(err, &pe) {
		return "", "", pe // a check that answers in an error of its own
	}
	if err != nil {
		e := invalidValue(st.name, value)
		if err.Error() != "" {
			e = e.WithDetail(err.Error())
		}
		return "", "", e
	}
	return key, v, nil
}

// resetVar returns a setting to its reset value.
func (s *Session) resetVar(name string, local bool) error {
	key := strings.ToLower(name)
	st, known := settings[key]
	if known && st.readOnly {
		return pgerror.Newf(pgcode.CantChangeRuntimeParam, "parameter \"%s\" cannot be changed", st.name)
	} else if !known && !strings.Contains(key, ".") {
		return pgerror.Newf(pgcode.UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
	}
	old, had := s.vars[key]
	s.txn.noteChange(key, old, had, local)
	if _, hasReset := s.resetVals[key]; !known && !hasReset {
		// A custom setting stays defined once used, with an empty
		// value, as PostgreSQL's placeholders do.
		s.vars[key] = ""
	} else {
		delete(s.vars, key)
	}
	s.changed(key)
	return nil
}

// restoreVar puts back a value recorded by noteChange (rollback, end of a
// SET LOCAL).
func (s *Session) restoreVar(key, old string, had bool) {
	if had {
		s.vars[key] = old
	} else {
		delete(s.vars, key)
	}
	s.changed(key)
}

// changed reacts to a setting change: reported settings go to the client,
// formatting settings are recomputed on next use.
func (s *Session) changed(key string) {
	switch key {
	case "datestyle", "timezone", "intervalstyle", "extra_float_digits", "bytea_output":
		s.fsDirty = true
	case "statement_timeout":
		s.timeoutDirty = true
	case "stela.query_mem":
		s.memDirty = true
	case "role":
		s.roleChanged()
	case "session_authorization":
		s.sessionAuthorizationChanged()
	case "stela.txn_mem":
		s.txnMem = 0
		if s.txn.eng != nil {
			s.txn.eng.SetMaxWriteMemory(s.txnMemory())
		}
	}
	if st, ok := settings[key]; ok && st.report && s.OnParameterStatus != nil {
		v, _ := s.Setting(key)
		s.OnParameterStatus(st.name, v)
	}
}

// ClientEncoding is the encoding text is converted to and from on its
// way to and from the client: nil when none is (client_encoding UTF8,
// or SQL_ASCII, whose bytes pass as they are).
//
// It is looked up on each call: the wire asks once per change of the
// setting (pgwire keeps it), COPY once per statement.
func (s *Session) ClientEncoding() *pgenc.Encoding {
	v, _ := s.Setting("client_encoding")
	if e, ok := pgenc.Lookup(v); ok && e.NeedsConversion() {
		return e
	}
	return nil
}

// FormatSettings returns the settings of text input and output.
func (s *Session) FormatSettings() *types.FormatSettings {
	if s.fsDirty {
		fs := types.DefaultFormatSettings()
		fs.DateStyle, _ = s.Setting("DateStyle")
		fs.IntervalStyle, _ = s.Setting("IntervalStyle")
		tz, _ := s.Setting("TimeZone")
		if loc, err := loadLocation(tz); err == nil {
			fs.TimeZone = loc
		}
		efd, _ := s.Setting("extra_float_digits")
		fs.ExtraFloatDigits, _ = strconv.Atoi(efd)
		fs.ByteaOutput, _ = s.Setting("bytea_output")
		s.fs = fs
		s.fsDirty = false
	}
	return &s.fs
}

// notice sends a notice or warning to the client.
func (s *Session) notice(severity string, code pgcode.Code, msg string) {
	if s.OnNotice != nil {
		s.OnNotice(pgerror.New(code, msg).WithSeverity(severity))
	}
}

// StatementTimeout is statement_timeout (0: none), parsed once per
// change of the setting rather than per statement.
func (s *Session) StatementTimeout() time.Duration {
	if s.timeoutDirty {
		v, _ := s.Setting("statement_timeout")
		s.timeout, _ = parseDuration(v)
		s.timeoutDirty = false
	}
	return s.timeout
}

// lockTimeout is lock_timeout (0: none), read when a statement locks
// rows.
func (s *Session) lockTimeout() time.Duration {
	v, _ := s.Setting("lock_timeout")
	d, _ := parseDuration(v)
	return d
}

// ErrStatementTimeout is the cause a statement's context is canceled with
// when statement_timeout passes.
var ErrStatementTimeout = errors.New("statement timeout")

// CanceledError turns the end of a statement's context into the error
// PostgreSQL sends: 57014 with the reason.
func CanceledError(ctx context.Context) error {
	if errors.Is(context.Cause(ctx), ErrStatementTimeout) {
		return pgerror.New(pgcode.QueryCanceled, "canceling statement due to statement timeout")
	}
	return pgerror.New(pgcode.QueryCanceled, "canceling statement due to user request")
}

// searchPath returns the schemas unqualified names are looked up in, from
// the search_path setting ("$user" is the session user's schema), after
// pathFront when it is set. The session's temp schema, once it has one,
// comes first, or where search_path names pg_temp; other sessions' temp
// schemas are never searched (temp.go).
func (s *Session) searchPath() catalog.SearchPath {
	path, _ := s.searchPathTemp()
	return path
}

// searchPathTemp is searchPath, and whether the temp schema in it is
// there implicitly (search_path does not name pg_temp). The result is
// memoized (search_path_memo.go): callers must not change it.
func (s *Session) searchPathTemp() (catalog.SearchPath, bool) {
	m := s.pathMemoFor()
	return m.path, m.implicitTemp
}

// parseSearchPath computes searchPathTemp from the search_path setting
// v and the temp schema's name ("" when the session has none). tempAt
// is how many of the path's schemas come before pg_temp where the
// setting names it (whether the session has a temp schema yet or not),
// -1 when it does not (tempFirst).
func (s *Session) parseSearchPath(v, temp string) (path catalog.SearchPath, implicitTemp bool, tempAt int) {
	var out catalog.SearchPath
	if s.pathFront != "" {
		out = append(out, s.pathFront)
	}
	explicitTemp := false
	tempAt = -1
	for _, part := range strings.Split(v, ",") {
		p := strings.Trim(strings.TrimSpace(part), `"`)
		if p == "$user" {
			p = s.currentUser()
		}
		if p == catalog.TempSchemaAlias || catalog.IsTempSchema(p) {
			own := p == catalog.TempSchemaAlias || p == temp && temp != ""
			if own && tempAt < 0 {
				tempAt = len(out)
			}
			if temp != "" && own && !explicitTemp {
				explicitTemp = true
				out = append(out, temp)
			}
			continue
		}
		if p != "" {
			out = append(out, p)
		}
	}
	if temp != "" && !explicitTemp {
		return append(catalog.SearchPath{temp}, out...), true, tempAt
	}
	return out, false, tempAt
}
