package httpapi

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/stela-db/stela/sql"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// openSession authenticates the request and opens a session of its user
// on the database of the path ({db}). The caller closes it.
func (s *Server) openSession(r *http.Request) (*sql.Session, error) {
	u, err := s.authenticate(r)
	if err != nil {
		return nil, err
	}
	if s.cfg.MaxSessions > 0 && s.engine.SessionCount() >= s.cfg.MaxSessions {
		return nil, pgerror.New(pgcode.TooManyConnections, "sorry, too many clients already").
			WithHint("retry later, or raise the server's --max-connections")
	}
	return s.engine.NewSession(sql.SessionArgs{
		User: u.Name, Superuser: u.Superuser, Database: r.PathValue("db"),
		Params: map[string]string{"application_name": "stela-http"},
		PID:    s.engine.NewPID(), Logger: s.log, RemoteAddr: remoteAddr(r),
	})
}

// result is one statement's outcome, values still as datums.
type result struct {
	columns []sql.Column
	rows    [][]types.Datum
	tag     string
}

// maxResultBytes bounds what one request's results may hold in memory:
// a result is read whole before its JSON is written, so without a bound
// one SELECT could take the server's memory.
var maxResultBytes int64 = 64 << 20

// runPrepared executes a planned statement and reads all its rows (a row
// statement's values are copied: a result may reuse its buffers).
func runPrepared(ctx context.Context, sess *sql.Session, p *sql.Prepared, params []types.Datum) (*result, error) {
	if p.Copy != nil {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "COPY is not supported over HTTP").
			WithHint("use INSERT with several rows, or a PostgreSQL client")
	}
	if d := sess.StatementTimeout(); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, d, sql.ErrStatementTimeout)
		defer cancel()
	}
	res, err := sess.Execute(ctx, p, params)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	out := &result{columns: p.Columns}
	var size int64 // about what the rows take in memory
	for {
		row, err := res.Next(ctx)
		if err != nil {
			return nil, err
		}
		if row == nil {
			break
		}
		cp := make([]types.Datum, len(row))
		for i, v := range row {
			switch x := v.(type) {
			case []byte:
				v = bytes.Clone(x)
				size += int64(len(x))
			case string:
				size += int64(len(x))
			}
			cp[i] = v
		}
		size += int64(16 * len(row))
		if size > maxResultBytes {
			return nil, pgerror.Newf(pgcode.ProgramLimitExceeded, "the result is larger than the HTTP API's limit of %d bytes", maxResultBytes).
				WithHint("Select fewer rows (LIMIT, a narrower WHERE), or read large results with a PostgreSQL client.")
		}
		out.rows = append(out.rows, cp)
	}
	out.tag = res.Tag()
	return out, nil
}

// exec runs one statement of ours (kvtable's, a proof function) with
// Go values as parameters, in its own implicit transaction.
func exec(ctx context.Context, sess *sql.Session, text string, args ...any) (*result, error) {
	res, err := execNoSync(ctx, sess, text, args)
	if err != nil {
		sess.Fail()
		_ = sess.Sync(ctx)
		return nil, err
	}
	if err := sess.Sync(ctx); err != nil {
		return nil, err
	}
	return res, nil
}

func execNoSync(ctx context.Context, sess *sql.Session, text string, args []any) (*result, error) {
	stmts, err := parser.Parse(text)
	if err != nil {
		return nil, err
	}
	p, err := sess.Prepare(stmts[0], nil)
	if err != nil {
		return nil, err
	}
	params := make([]types.Datum, len(p.ParamTypes))
	for i, t := range p.ParamTypes {
		if params[i], err = toDatum(t, args[i], sess.FormatSettings()); err != nil {
			return nil, err
		}
	}
	return runPrepared(ctx, sess, p, params)
}

// toDatum converts a Go value of ours to a parameter of type t.
func toDatum(t *types.T, v any, fs *types.FormatSettings) (types.Datum, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []byte:
		if t.Family == types.BytesFamily {
			return x, nil
		}
		return t.ParseText(string(x), fs)
	case int64:
		if t.Family == types.IntFamily {
			return x, nil
		}
		return t.ParseText(strconv.FormatInt(x, 10), fs)
	case string:
		if t.Family == types.StringFamily {
			return x, nil
		}
		return t.ParseText(x, fs)
	}
	return nil, pgerror.Newf(pgcode.Internal, "httpapi: parameter of Go type %T", v)
}
