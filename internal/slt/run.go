package slt

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// DefaultEngine is the engine name skipif/onlyif are matched against: a
// PostgreSQL-compatible engine calls itself postgresql.
const DefaultEngine = "postgresql"

// DefaultHashThreshold applies until a file says hash-threshold.
const DefaultHashThreshold = 8

// DefaultTimeout bounds one record.
const DefaultTimeout = 30 * time.Second

// DSNFunc returns the DSN of a fresh, empty database for the script file
// named file, and a function that releases it (called when the file is
// done; it may be nil).
type DSNFunc func(ctx context.Context, file string) (dsn string, release func(), err error)

// Options tune a Runner. The zero value is usable.
type Options struct {
	// Engine is matched against skipif/onlyif (default "postgresql").
	Engine string
	// Timeout bounds each record (default 30s). When it expires the runner
	// sends a CancelRequest, waits up to CancelGrace more, then drops the
	// connection; the record fails and the next one uses a new connection.
	Timeout time.Duration
	// CancelGrace is how long to wait for the server to honour the cancel
	// (default 5s).
	CancelGrace time.Duration
	// FileBudget, if positive, stops a file once it has run this long; the
	// result is then marked Truncated and the remaining records are not
	// counted.
	FileBudget time.Duration
	// MaxRecords, if positive, runs only the first MaxRecords records of
	// each file (every kind counts, skipped ones too): a slice.
	MaxRecords int
	// MaxFailures is how many failed statements, and how many failed
	// queries, a FileResult keeps in detail (default 10 each; negative
	// keeps none). All are counted.
	MaxFailures int
	// SimpleProtocol sends every record as a simple Query message instead
	// of the extended protocol (Parse/Bind/Execute with text results).
	SimpleProtocol bool
}

// Runner runs scripts. Each file gets a fresh database from NewDSN.
type Runner struct {
	NewDSN DSNFunc
	Options
}

// Failure is one failed record.
type Failure struct {
	Line     int    // of the record's command line
	Kind     Kind   // statement or query
	SQL      string // as written
	Expected []string
	Got      []string // the rendered (sorted, maybe hashed) result
	Err      string   // the error, when the record errored or mismatched on shape
}

func (f Failure) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d: %s\n%s\n", f.Line, f.Kind, f.SQL)
	if f.Kind == KindQuery || f.Expected != nil {
		fmt.Fprintf(&b, "expected: %s\n", strings.Join(f.Expected, " | "))
	}
	if f.Err != "" {
		fmt.Fprintf(&b, "error: %s\n", f.Err)
	} else {
		fmt.Fprintf(&b, "got: %s\n", strings.Join(f.Got, " | "))
	}
	return b.String()
}

var (
	quotedRe = regexp.MustCompile(`"[^"]*"`)
	numberRe = regexp.MustCompile(`\b\d+\b`)
	// Names with digits, which PostgreSQL leaves unquoted in some
	// messages ("cannot drop view view_1_tab0_100 because ...").
	digitNameRe = regexp.MustCompile(`\b[A-Za-z_]\w*\d\w*\b`)
)

// typeNames keep their digits when names are blanked.
var typeNames = map[string]bool{"int2": true, "int4": true, "int8": true, "float4": true, "float8": true}

// reason is the failure's cause with names and numbers blanked, so that
// failures can be counted by cause.
func (f Failure) reason() string {
	switch {
	case f.Err == "":
		return wrongResultReason(f.Expected, f.Got)
	case strings.HasPrefix(f.Err, "label "):
		return "label mismatch"
	case strings.HasPrefix(f.Err, timeoutPrefix):
		return "timeout"
	}
	code, msg := "", f.Err
	if i := strings.Index(msg, ": "); i == 5 { // a SQLSTATE
		code, msg = msg[:i+2], msg[i+2:]
	}
	msg = quotedRe.ReplaceAllString(msg, `"…"`)
	msg = digitNameRe.ReplaceAllStringFunc(msg, func(name string) string {
		if typeNames[name] {
			return name
		}
		return "…"
	})
	return code + numberRe.ReplaceAllString(msg, "N")
}

// wrongResultReason tells a result with the wrong number of values (rows
// missing or extra: usually a planner or executor bug) from one with the
// right number but different values (usually an expression or type bug).
func wrongResultReason(expected, got []string) string {
	if valueCount(expected) != valueCount(got) {
		return "wrong result: value count differs"
	}
	return "wrong result: values differ"
}

// valueCount is the number of values a rendered result stands for: the
// count of a "<n> values hashing to <md5>" line, else one per line.
func valueCount(vals []string) int {
	if len(vals) == 1 {
		if i := strings.Index(vals[0], " values hashing to "); i > 0 {
			if n, err := strconv.Atoi(vals[0][:i]); err == nil {
				return n
			}
		}
	}
	return len(vals)
}

// FileResult is the outcome of one file.
type FileResult struct {
	File string // as given to RunFile

	QueriesPassed, QueriesRun, QueriesSkipped          int
	StatementsPassed, StatementsRun, StatementsSkipped int
	Timeouts                                           int // records that hit Timeout

	Halted    bool          // a halt record stopped the file
	Truncated bool          // MaxRecords or FileBudget stopped the file
	Duration  time.Duration // wall time
	Problems  []string      // records the parser did not understand

	Failures     []Failure // the first Options.MaxFailures of each kind, in file order
	FailureCount int       // all failed records
	// Reasons counts failed records by cause: the error with quoted names
	// and numbers blanked ("42P01: relation \"…\" does not exist"), or
	// "wrong result: ...", or "label mismatch".
	Reasons map[string]int
	// Examples holds the first failed record of each cause in Reasons.
	Examples map[string]Failure

	// Err is set when the file could not be run at all (unreadable, no
	// database, no connection); the counts then cover what ran before.
	Err error
}

// Passed reports whether every record that ran passed.
func (r *FileResult) Passed() bool {
	return r.Err == nil && r.FailureCount == 0
}

func (o *Options) engine() string {
	if o.Engine == "" {
		return DefaultEngine
	}
	return o.Engine
}

func (o *Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return DefaultTimeout
	}
	return o.Timeout
}

func (o *Options) grace() time.Duration {
	if o.CancelGrace <= 0 {
		return 5 * time.Second
	}
	return o.CancelGrace
}

func (o *Options) maxFailures() int {
	switch {
	case o.MaxFailures == 0:
		return 10
	case o.MaxFailures < 0:
		return 0
	}
	return o.MaxFailures
}

// RunFile parses the file at path and runs it against a fresh database.
func (r *Runner) RunFile(ctx context.Context, path string) FileResult {
	script, err := ParseFile(path)
	if err != nil {
		return FileResult{File: path, Err: err}
	}
	return r.RunScript(ctx, path, script)
}

// RunScript runs a parsed script against a fresh database; name labels
// the result and is passed to NewDSN.
func (r *Runner) RunScript(ctx context.Context, name string, s *Script) FileResult {
	start := time.Now()
	res := FileResult{File: name, Problems: s.Problems}
	if r.NewDSN == nil {
		res.Err = errors.New("slt: Runner.NewDSN is nil")
		return res
	}
	dsn, release, err := r.NewDSN(ctx, filepath.ToSlash(name))
	if err != nil {
		res.Err = fmt.Errorf("fresh database: %w", err)
		return res
	}
	if release != nil {
		defer release()
	}
	x := &executor{opts: &r.Options, dsn: dsn}
	defer x.close()
	r.run(ctx, x, s, &res, start)
	res.Duration = time.Since(start)
	return res
}

// execer runs one record's SQL; the executor over pgconn is the only
// implementation outside tests.
type execer interface {
	exec(ctx context.Context, sql string) (*pgconn.Result, error)
	// fatalErr is set once records can no longer run (no connection).
	fatalErr() error
}

func (r *Runner) run(ctx context.Context, x execer, s *Script, res *FileResult, start time.Time) {
	engine := r.engine()
	threshold := DefaultHashThreshold
	labels := map[string]string{} // label -> "<n> values hashing to <md5>"
	maxFail := r.maxFailures()
	kept := map[Kind]int{}
	res.Reasons = map[string]int{}
	res.Examples = map[string]Failure{}
	fail := func(f Failure) {
		res.FailureCount++
		why := f.reason()
		res.Reasons[why]++
		if _, ok := res.Examples[why]; !ok {
			res.Examples[why] = f
		}
		if kept[f.Kind] < maxFail {
			kept[f.Kind]++
			res.Failures = append(res.Failures, f)
		}
	}
	for i := range s.Records {
		rec := &s.Records[i]
		if r.MaxRecords > 0 && i >= r.MaxRecords {
			res.Truncated = true
			return
		}
		if r.FileBudget > 0 && time.Since(start) > r.FileBudget {
			res.Truncated = true
			return
		}
		if err := ctx.Err(); err != nil {
			res.Err = err
			return
		}
		if rec.Skipped(engine) {
			switch rec.Kind {
			case KindQuery:
				res.QueriesSkipped++
				// A skipped labelled query still states the label's result.
				if rec.Label != "" && rec.HasExpected {
					if _, ok := labels[rec.Label]; !ok {
						labels[rec.Label] = expectedHash(rec.Expected)
					}
				}
			case KindStatement:
				res.StatementsSkipped++
			}
			continue
		}
		switch rec.Kind {
		case KindHalt:
			res.Halted = true
			return
		case KindHashThreshold:
			threshold = rec.Threshold
		case KindStatement:
			res.StatementsRun++
			_, err := x.exec(ctx, rec.SQL)
			if ferr := x.fatalErr(); ferr != nil {
				fail(Failure{Line: rec.Line, Kind: rec.Kind, SQL: rec.SQL, Err: ferr.Error()})
				res.Err = ferr
				return
			}
			var te *timeoutError
			var se *ServerError
			switch {
			case errors.As(err, &te):
				res.Timeouts++
				fail(Failure{Line: rec.Line, Kind: rec.Kind, SQL: rec.SQL, Err: err.Error()})
			case err != nil && !errors.As(err, &se):
				// Only an error the server reports counts as "error";
				// a broken connection is a failure either way.
				fail(Failure{Line: rec.Line, Kind: rec.Kind, SQL: rec.SQL, Err: err.Error()})
			case rec.ExpectError && err == nil:
				fail(Failure{Line: rec.Line, Kind: rec.Kind, SQL: rec.SQL, Err: "statement succeeded, expected an error"})
			case !rec.ExpectError && err != nil:
				fail(Failure{Line: rec.Line, Kind: rec.Kind, SQL: rec.SQL, Err: err.Error()})
			default:
				res.StatementsPassed++
			}
		case KindQuery:
			res.QueriesRun++
			f := r.query(ctx, x, rec, threshold, labels)
			if err := x.fatalErr(); err != nil {
				fail(*f)
				res.Err = err
				return
			}
			if f == nil {
				res.QueriesPassed++
				continue
			}
			if strings.HasPrefix(f.Err, timeoutPrefix) {
				res.Timeouts++
			}
			fail(*f)
		}
	}
}

// query runs one query record; nil means it passed.
func (r *Runner) query(ctx context.Context, x execer, rec *Record, threshold int, labels map[string]string) *Failure {
	failure := func(got []string, err string) *Failure {
		return &Failure{Line: rec.Line, Kind: KindQuery, SQL: rec.SQL, Expected: rec.Expected, Got: got, Err: err}
	}
	result, err := x.exec(ctx, rec.SQL)
	if err != nil {
		return failure(nil, err.Error())
	}
	if len(result.FieldDescriptions) != len(rec.Types) {
		return failure(nil, fmt.Sprintf("%d columns, expected %d (%s)", len(result.FieldDescriptions), len(rec.Types), rec.Types))
	}
	rows := make([][]string, len(result.Rows))
	for i, row := range result.Rows {
		out := make([]string, len(row))
		for j, v := range row {
			out[j] = Render(v, v == nil, rec.Types[j], result.FieldDescriptions[j].DataTypeOID)
		}
		rows[i] = out
	}
	vals := Sort(rows, rec.Sort)
	got := vals
	hashed := threshold > 0 && len(vals) > threshold
	var hash string
	if hashed || rec.Label != "" {
		hash = HashLine(vals)
	}
	if hashed {
		got = []string{hash}
	}
	// Like the reference runner, a labelled query records the hash it got
	// (matching or not) for the later queries with the same label.
	labelErr := ""
	if rec.Label != "" {
		if prev, ok := labels[rec.Label]; !ok {
			labels[rec.Label] = hash
		} else if prev != hash {
			labelErr = fmt.Sprintf("label %s: got %s, an earlier query with this label had %s", rec.Label, hash, prev)
		}
	}
	if rec.HasExpected && !equal(got, rec.Expected) {
		return failure(got, "")
	}
	if labelErr != "" {
		return failure(got, labelErr)
	}
	return nil
}

// expectedHash is the label hash a written expected result stands for.
func expectedHash(expected []string) string {
	if len(expected) == 1 && strings.Contains(expected[0], " values hashing to ") {
		return expected[0]
	}
	return HashLine(expected)
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

const timeoutPrefix = "timeout: "

type timeoutError struct{ d time.Duration }

func (e *timeoutError) Error() string {
	return fmt.Sprintf("%sno answer within %s (cancel request sent)", timeoutPrefix, e.d)
}

// executor owns the connection to one file's database, reconnecting after
// a timeout or a broken connection.
type executor struct {
	opts  *Options
	dsn   string
	conn  *pgconn.PgConn
	fatal error // the connection could not be (re)established
}

func (x *executor) fatalErr() error { return x.fatal }

func (x *executor) close() {
	if x.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), x.opts.grace())
		defer cancel()
		x.conn.Close(ctx)
		x.conn = nil
	}
}

func (x *executor) connect(ctx context.Context) error {
	if x.conn != nil && !x.conn.IsClosed() {
		return nil
	}
	x.conn = nil
	cctx, cancel := context.WithTimeout(ctx, x.opts.timeout())
	defer cancel()
	c, err := pgconn.Connect(cctx, x.dsn)
	if err != nil {
		return err
	}
	x.conn = c
	return nil
}

// exec runs one record's SQL in autocommit and returns the last result.
func (x *executor) exec(ctx context.Context, sql string) (*pgconn.Result, error) {
	if err := x.connect(ctx); err != nil {
		x.fatal = fmt.Errorf("connect: %w", err)
		return nil, x.fatal
	}
	conn := x.conn
	timeout := x.opts.timeout()
	qctx, cancel := context.WithTimeout(ctx, timeout+x.opts.grace())
	defer cancel()
	timer := time.AfterFunc(timeout, func() {
		cctx, ccancel := context.WithTimeout(context.Background(), x.opts.grace())
		defer ccancel()
		_ = conn.CancelRequest(cctx)
	})
	var res *pgconn.Result
	var err error
	if x.opts.SimpleProtocol {
		mrr := conn.Exec(qctx, sql)
		for mrr.NextResult() {
			res = readResult(mrr.ResultReader())
			if res.Err != nil && err == nil {
				err = res.Err
			}
		}
		if cerr := mrr.Close(); cerr != nil && err == nil {
			err = cerr
		}
		if res == nil {
			res = &pgconn.Result{}
		}
	} else {
		res = readResult(conn.ExecParams(qctx, sql, nil, nil, nil, nil))
		err = res.Err
	}
	if !timer.Stop() {
		// The cancel request went (or is going) out: whatever came back,
		// the record failed, and the connection might receive the cancel
		// during the next record, so it is replaced.
		x.close()
		return nil, &timeoutError{timeout}
	}
	if err != nil {
		if ctx.Err() == nil && conn.IsClosed() {
			x.conn = nil // reconnect for the next record
		}
		return nil, errString(err)
	}
	return res, nil
}

// readResult is ResultReader.Read, but keeps the column descriptions of a
// result without rows too.
func readResult(rr *pgconn.ResultReader) *pgconn.Result {
	res := &pgconn.Result{}
	for rr.NextRow() {
		values := rr.Values()
		row := make([][]byte, len(values))
		for i, v := range values {
			if v != nil {
				row[i] = append(make([]byte, 0, len(v)), v...)
			}
		}
		res.Rows = append(res.Rows, row)
	}
	res.FieldDescriptions = append([]pgconn.FieldDescription(nil), rr.FieldDescriptions()...)
	res.CommandTag, res.Err = rr.Close()
	return res
}

// ServerError is an error the server reported (an ErrorResponse).
type ServerError struct {
	Code, Message string
}

func (e *ServerError) Error() string { return e.Code + ": " + e.Message }

// errString turns PostgreSQL errors into ServerErrors: "SQLSTATE: message".
func errString(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return &ServerError{Code: pe.Code, Message: pe.Message}
	}
	return err
}
