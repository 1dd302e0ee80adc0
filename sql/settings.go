package sql

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stela-db/stela/internal/buildinfo"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgenc"
	"github.com/stela-db/stela/sql/pgerror"
)

// ServerVersion is the PostgreSQL version stela reports. Drivers and ORMs
// gate features on it, so it names a current PostgreSQL; stela's own
// version follows in parentheses, as distributions do.
const (
	ServerVersionNum = "160006"
	serverVersionPG  = "16.6"
)

// ServerVersion returns the server_version string.
func ServerVersion() string { return serverVersionPG + " (stela " + buildinfo.Version + ")" }

// setting describes one configuration parameter (GUC).
type setting struct {
	name     string // canonical spelling (SHOW ALL prints it)
	def      func(s *Session) string
	report   bool // sent as ParameterStatus at startup and when changed
	readOnly bool // SET refuses it (55P02 for PostgreSQL's internal ones)
	// hidden settings answer SHOW and SET but are left out of SHOW ALL
	// and pg_settings, as PostgreSQL's GUC_NO_SHOW_ALL ones are.
	hidden bool
	// noResetAll settings keep their value through RESET ALL, as
	// PostgreSQL's GUC_NO_RESET_ALL ones do.
	noResetAll bool
	// check validates and normalizes a new value.
	check func(v string) (string, error)
	desc  string
}

func constant(v string) func(*Session) string { return func(*Session) string { return v } }

// settings is the registry, keyed by lower-case name.
var settings = map[string]*setting{}

func register(s *setting) { settings[strings.ToLower(s.name)] = s }

func init() {
	for _, s := range []*setting{
		{name: "application_name", def: constant(""), report: true, desc: "Sets the application name to be reported in statistics and logs."},
		{name: "client_encoding", def: constant("UTF8"), report: true, check: checkEncoding, desc: "Sets the client's character set encoding."},
		{name: "DateStyle", def: constant("ISO, MDY"), report: true, check: checkDateStyle, desc: "Sets the display format for date and time values."},
		{name: "IntervalStyle", def: constant("postgres"), report: true, check: oneOf("postgres", "postgres_verbose", "sql_standard", "iso_8601"), desc: "Sets the display format for interval values."},
		{name: "TimeZone", def: constant("UTC"), report: true, check: checkTimeZone, desc: "Sets the time zone for displaying and interpreting time stamps."},
		{name: "integer_datetimes", def: constant("on"), report: true, readOnly: true, desc: "Shows whether datetimes are integer based."},
		{name: "standard_conforming_strings", def: constant("on"), report: true, check: onlyValue("on"), desc: "Causes '...' strings to treat backslashes literally."},
		{name: "server_version", def: constant(serverVersionPG), report: true, readOnly: true, desc: "Shows the server version."},
		{name: "server_version_num", def: constant(ServerVersionNum), readOnly: true, desc: "Shows the server version as an integer."},
		{name: "server_encoding", def: constant("UTF8"), report: true, readOnly: true, desc: "Shows the server (database) character set encoding."},
		{name: "is_superuser", def: func(s *Session) string { return onOff(s.currentSuperuser()) }, report: true, readOnly: true, hidden: true, desc: "Shows whether the current user is a superuser."},
		// SET ROLE (session_role.go); its value is checked by the
		// session (checkSet), as it depends on who asks.
		{name: "role", def: constant("none"), hidden: true, noResetAll: true, desc: "Sets the current role."},
		{name: "session_authorization", def: func(s *Session) string { return s.authUser }, report: true, readOnly: true, hidden: true, desc: "Sets the session user name."},
		{name: "in_hot_standby", def: constant("off"), report: true, readOnly: true, desc: "Shows whether hot standby is currently active."},
		{name: "default_transaction_read_only", def: constant("off"), report: true, check: checkBool, desc: "Sets the default read-only status of new transactions."},
		{name: "scram_iterations", def: constant("4096"), report: true, readOnly: true, desc: "Sets the iteration count for SCRAM secret generation."},
		{name: "search_path", def: constant(`"$user", public`), desc: "Sets the schema search order for names that are not schema-qualified."},
		{name: "extra_float_digits", def: constant("1"), check: intRange(-15, 3), desc: "Sets the number of digits displayed for floating-point values."},
		{name: "bytea_output", def: constant("hex"), check: oneOf("hex", "escape"), desc: "Sets the output format for bytea."},
		{name: "statement_timeout", def: constant("0"), check: checkDuration, desc: "Sets the maximum allowed duration of any statement."},
		{name: "lock_timeout", def: constant("0"), check: checkDuration, desc: "Sets the maximum allowed duration of any wait for a lock."},
		{name: "idle_in_transaction_session_timeout", def: constant("0"), check: checkDuration, desc: "Sets the maximum allowed idle time between queries, when in a transaction."},
		{name: "default_transaction_isolation", def: constant("repeatable read"), check: checkIsolation, desc: "Sets the transaction isolation level of each new transaction."},
		{name: "transaction_isolation", def: func(s *Session) string { return s.txn.isolation(s) }, readOnly: true, desc: "Sets the current transaction's isolation level."},
		{name: "transaction_read_only", def: func(s *Session) string { return onOff(s.txn.readOnly(s)) }, readOnly: true, desc: "Sets the current transaction's read-only status."},
		{name: "max_identifier_length", def: constant("63"), readOnly: true, desc: "Shows the maximum identifier length."},
		{name: "max_index_keys", def: constant("32"), readOnly: true, desc: "Shows the maximum number of index keys."},
		{name: "block_size", def: constant("8192"), readOnly: true, desc: "Shows the size of a disk block."},
		{name: "lc_collate", def: constant("C"), readOnly: true, desc: "Shows the collation order locale."},
		{name: "lc_ctype", def: constant("C"), readOnly: true, desc: "Shows the character classification and case conversion locale."},
		{name: "lc_messages", def: constant("C"), desc: "Sets the language in which messages are displayed."},
		{name: "lc_monetary", def: constant("C"), desc: "Sets the locale for formatting monetary amounts."},
		{name: "lc_numeric", def: constant("C"), desc: "Sets the locale for formatting numbers."},
		{name: "lc_time", def: constant("C"), desc: "Sets the locale for formatting date and time values."},
		{name: "password_encryption", def: constant("scram-sha-256"), check: onlyValue("scram-sha-256"), desc: "Chooses the algorithm for encrypting passwords."},
		{name: "client_min_messages", def: constant("notice"), check: oneOf("debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error"), desc: "Sets the message levels that are sent to the client."},
		{name: "timezone_abbreviations", def: constant("Default"), desc: "Selects a file of time zone abbreviations."},
		// What a pg_dump script sets before its first CREATE. Each is
		// what stela does anyway (check_function_bodies off skips the
		// check of a SQL function's body at CREATE FUNCTION): no xml
		// type, no row security policies, one table storage and no
		// tablespace of its own.
		{name: "check_function_bodies", def: constant("on"), check: checkBool, desc: "Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE."},
		{name: "xmloption", def: constant("content"), check: oneOf("content", "document"), desc: "Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments."},
		{name: "row_security", def: constant("on"), check: checkBool, desc: "Enable row security."},
		{name: "default_tablespace", def: constant(""), check: checkDefaultTablespace, desc: "Sets the default tablespace to create tables and indexes in."},
		{name: "default_table_access_method", def: constant("heap"), check: checkTableAccessMethod, desc: "Sets the default table access method for new tables."},
		{name: "default_with_oids", def: constant("off"), hidden: true, check: checkWithOids, desc: "WITH OIDS is no longer supported; this can only be false."},
		{name: "max_connections", def: func(s *Session) string { return strconv.Itoa(s.engine.cfg.MaxConnections) }, readOnly: true, desc: "Sets the maximum number of concurrent connections."},
	} {
		register(s)
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// errNoDetail marks a check failure whose error carries no detail.
var errNoDetail = errors.New("")

func invalidValue(name, v string) *pgerror.Error {
	return pgerror.Newf(pgcode.InvalidParameterValue, "invalid value for parameter \"%s\": \"%s\"", name, v)
}

func oneOf(vals ...string) func(string) (string, error) {
	return func(v string) (string, error) {
		l := strings.ToLower(strings.TrimSpace(v))
		for _, ok := range vals {
			if l == ok {
				return ok, nil
			}
		}
		return "", fmt.Errorf("available values: %s", strings.Join(vals, ", "))
	}
}

func onlyValue(only string) func(string) (string, error) {
	return func(v string) (string, error) {
		if strings.EqualFold(strings.TrimSpace(v), only) {
			return only, nil
		}
		return "", fmt.Errorf("only \"%s\" is supported", only)
	}
}

func intRange(lo, hi int) func(string) (string, error) {
	return func(v string) (string, error) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return "", fmt.Errorf("an integer is required")
		}
		if n < lo || n > hi {
			return "", &rangeError{n: n, lo: lo, hi: hi}
		}
		return strconv.Itoa(n), nil
	}
}

// rangeError is a number outside a setting's range, which PostgreSQL
// reports in a message of its own rather than as an invalid value.
type rangeError struct{ n, lo, hi int }

func (e *rangeError) Error() string {
	return fmt.Sprintf("%d is outside the valid range (%d .. %d)", e.n, e.lo, e.hi)
}

func checkBool(v string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "true", "yes", "1", "t", "y":
		return "on", nil
	case "off", "false", "no", "0", "f", "n":
		return "off", nil
	}
	return "", errNotBool
}

// errNotBool is a check failure PostgreSQL words as "parameter ...
// requires a Boolean value" rather than as an invalid value.
var errNotBool = errors.New("a Boolean value is required")

// checkEncoding takes the client encodings stela converts the wire's
// text to and from (pgwire): UTF8, SQL_ASCII (no conversion, as in
// PostgreSQL) and the single-byte encodings, by any name PostgreSQL
// knows them by. The other multibyte encodings are refused in
// PostgreSQL's words (and code, 0A000) for an encoding it cannot
// convert.
func checkEncoding(v string) (string, error) {
	e, ok := pgenc.Lookup(v)
	if !ok {
		return "", errNoDetail
	}
	if !e.Converts() {
		return "", pgerror.Newf(pgcode.FeatureNotSupported, "invalid value for parameter \"client_encoding\": \"%s\"", v).
			WithDetail(fmt.Sprintf("Conversion between %s and UTF8 is not supported.", e.Name))
	}
	return e.Name, nil
}

func checkIsolation(v string) (string, error) {
	l := strings.ToLower(strings.Join(strings.Fields(v), " "))
	switch l {
	case "serializable", "repeatable read", "read committed", "read uncommitted":
		return l, nil
	}
	return "", fmt.Errorf("available values: serializable, repeatable read, read committed, read uncommitted")
}

// checkDuration accepts PostgreSQL's time units; a bare number is
// milliseconds. The stored form is what SHOW prints: the value in the
// largest unit that divides it exactly ("100ms", "5s", "2min", "0").
func checkDuration(v string) (string, error) {
	d, err := parseDuration(v)
	if err != nil {
		return "", err
	}
	return formatMillis(d.Milliseconds()), nil
}

func formatMillis(ms int64) string {
	if ms == 0 {
		return "0"
	}
	for _, u := range []struct {
		name string
		ms   int64
	}{{"d", 86400000}, {"h", 3600000}, {"min", 60000}, {"s", 1000}} {
		if ms%u.ms == 0 {
			return strconv.FormatInt(ms/u.ms, 10) + u.name
		}
	}
	return strconv.FormatInt(ms, 10) + "ms"
}

func parseDuration(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	i := 0
	for i < len(v) && (v[i] >= '0' && v[i] <= '9' || v[i] == '.' || (i == 0 && v[i] == '-')) {
		i++
	}
	n, err := strconv.ParseFloat(v[:i], 64)
	if err != nil || n < 0 {
		return 0, errNoDetail // PostgreSQL gives no detail
	}
	unit := map[string]time.Duration{"": time.Millisecond, "us": time.Microsecond, "ms": time.Millisecond,
		"s": time.Second, "min": time.Minute, "h": time.Hour, "d": 24 * time.Hour}
	u, ok := unit[strings.TrimSpace(v[i:])]
	if !ok {
		return 0, fmt.Errorf(`valid units are "us", "ms", "s", "min", "h", and "d"`)
	}
	return time.Duration(n * float64(u)), nil
}

// checkDateStyle normalizes "iso, mdy", "ISO", "German" ... to
// PostgreSQL's canonical "ISO, MDY" form.
func checkDateStyle(v string) (string, error) {
	style, order := "ISO", "MDY"
	for _, part := range strings.Split(v, ",") {
		switch p := strings.ToUpper(strings.TrimSpace(part)); p {
		case "ISO":
			style = "ISO"
		case "SQL":
			style = "SQL"
		case "POSTGRES":
			style = "Postgres"
		case "GERMAN":
			style, order = "German", "DMY"
		case "MDY", "US", "NONEURO", "NONEUROPEAN":
			order = "MDY"
		case "DMY", "EURO", "EUROPEAN":
			order = "DMY"
		case "YMD":
			order = "YMD"
		case "DEFAULT":
		default:
			return "", fmt.Errorf("Unrecognized key word: \"%s\".", strings.ToLower(strings.TrimSpace(part)))
		}
	}
	return style + ", " + order, nil
}

// checkTimeZone accepts IANA names, UTC/GMT/Z and numeric offsets.
func checkTimeZone(v string) (string, error) {
	if _, err := loadLocation(v); err != nil {
		return "", err
	}
	return strings.TrimSpace(v), nil
}

// loadLocation resolves a TimeZone value. A bare number is hours east of
// UTC, as in SET TIME ZONE 5 (PostgreSQL's POSIX-style names such as
// "UTC+5" mean the opposite sign and are read that way).
func loadLocation(v string) (*time.Location, error) {
	v = strings.TrimSpace(v)
	switch strings.ToUpper(v) {
	case "UTC", "GMT", "Z", "ZULU", "UCT", "UNIVERSAL":
		return time.UTC, nil
	}
	if h, err := strconv.ParseFloat(v, 64); err == nil {
		if h < -15 || h > 15 {
			return nil, fmt.Errorf("time zone offset %s is out of range", v)
		}
		return time.FixedZone(v, int(h*3600)), nil
	}
	loc, err := time.LoadLocation(v)
	if err != nil {
		return nil, fmt.Errorf("time zone \"%s\" not recognized", v)
	}
	return loc, nil
}

// settingNames lists every setting name in order (SHOW ALL and
// pg_settings skip the hidden ones).
func settingNames() []string {
	names := make([]string, 0, len(settings))
	for k := range settings {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
