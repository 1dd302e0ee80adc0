package pgwire

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgproto3/v2"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/sql"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// conn is one client connection: its socket, its session and the state of
// the extended protocol.
type conn struct {
	srv *Server
	nc  net.Conn
	r   *reader
	w   *writer
	log zerolog.Logger
	tls bool

	pid    int32
	secret uint32
	user   string
	sess   *sql.Session

	ctx    context.Context // ends when the connection ends
	cancel context.CancelFunc

	mu         sync.Mutex
	stmtCancel context.CancelFunc // cancels the running statement; guarded by mu

	shuttingDown atomic.Bool

	// Extended protocol state.
	stmts   map[string]*preparedStmt
	portals map[string]*portal
	// discard is set after an error in the extended protocol: messages
	// are ignored until Sync.
	discard bool
}

func newConn(s *Server, nc net.Conn) *conn {
	id := s.connID.Add(1)
	ctx, cancel := context.WithCancel(context.Background())
	c := &conn{
		srv: s, nc: nc,
		r:   newReader(nc, s.cfg.MaxMessageSize),
		w:   newWriter(nc),
		log: s.log.With().Uint64("conn", id).Str("remote", nc.RemoteAddr().String()).Logger(),
		ctx: ctx, cancel: cancel,
		stmts: map[string]*preparedStmt{}, portals: map[string]*portal{},
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	c.secret = binary.BigEndian.Uint32(b[:])
	return c
}

// serve runs the connection to its end.
func (c *conn) serve() {
	defer c.close()
	c.log.Debug().Msg("connection opened")
	if err := c.nc.SetDeadline(time.Now().Add(c.srv.cfg.StartupTimeout)); err != nil {
		return
	}
	ok, err := c.handshake()
	if err != nil {
		if !isIOError(err) {
			c.fatal(err)
		}
		return
	}
	if !ok {
		return
	}
	_ = c.nc.SetDeadline(time.Time{})
	defer c.endSession()

	for {
		if c.shuttingDown.Load() {
			c.fatal(pgerror.New(pgcode.AdminShutdown, "terminating connection due to administrator command").WithSeverity(pgerror.SeverityFatal))
			return
		}
		typ, body, err := c.r.next()
		if err != nil {
			c.readFailed(err)
			return
		}
		if stop := c.handle(typ, body); stop {
			return
		}
	}
}

// handle dispatches one message; it reports whether the connection ends.
func (c *conn) handle(typ byte, body []byte) (stop bool) {
	if c.discard && typ != 'S' && typ != 'X' {
		return false // ignoring until Sync after an error
	}
	var err error
	switch typ {
	case 'Q':
		err = c.simpleQuery(body)
	case 'P':
		err = c.extended(c.parse, body)
	case 'B':
		err = c.extended(c.bind, body)
	case 'D':
		err = c.extended(c.describe, body)
	case 'E':
		err = c.extended(c.execute, body)
	case 'C':
		err = c.extended(c.closeObject, body)
	case 'H':
		err = c.w.flush()
	case 'S':
		err = c.sync()
	case 'X':
		return true
	case 'd', 'c', 'f':
		// CopyData, CopyDone, CopyFail outside COPY: PostgreSQL ignores
		// them (a COPY that failed may leave the client still sending).
	case 'F':
		c.sendError(pgerror.New(pgcode.FeatureNotSupported, "the fast-path function call interface is not supported"))
		err = c.readyForQuery()
	default:
		err = protocolViolation("invalid frontend message type %d", typ)
	}
	if err != nil {
		if isFatal(err) {
			c.fatal(err)
		} else if !isIOError(err) {
			c.log.Debug().Err(err).Msg("connection ended")
		}
		return true
	}
	return false
}

// readFailed ends the loop after a failed read: a plain disconnect is
// logged at debug level only; a protocol error gets a FATAL reply.
func (c *conn) readFailed(err error) {
	switch {
	case c.shuttingDown.Load():
		c.fatal(pgerror.New(pgcode.AdminShutdown, "terminating connection due to administrator command").WithSeverity(pgerror.SeverityFatal))
	case isFatal(err) && !isIOError(err):
		c.fatal(err)
	default:
		c.log.Debug().Err(err).Msg("client disconnected")
	}
}

// isIOError reports errors of the socket itself.
func isIOError(err error) bool {
	var ne net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || errors.As(err, &ne)
}

// fatal sends a FATAL error (best effort) before the connection closes.
func (c *conn) fatal(err error) {
	e := pgerror.Flatten(err)
	if e.Severity != pgerror.SeverityFatal && e.Severity != pgerror.SeverityPanic {
		e = e.WithSeverity(pgerror.SeverityFatal)
	}
	c.log.Debug().Str("code", string(e.Code)).Str("error", e.Message).Msg("closing connection")
	_ = c.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	c.w.send(errorResponse(e))
	_ = c.w.flush()
}

// sendError sends a non-fatal ErrorResponse.
func (c *conn) sendError(err error) {
	e := pgerror.Flatten(err)
	if e.Code == pgcode.Internal {
		c.log.Error().Err(err).Msg("internal error")
	}
	c.w.send(errorResponse(e))
}

// readyForQuery sends ReadyForQuery with the session's status and
// flushes: the client waits for it.
func (c *conn) readyForQuery() error {
	c.w.send(&pgproto3.ReadyForQuery{TxStatus: c.sess.TxStatus()})
	return c.w.flush()
}

// close releases everything the connection holds.
func (c *conn) close() {
	c.cancel()
	_ = c.w.flush()
	_ = c.nc.Close()
}

// endSession closes portals and the session and frees the cancel key.
func (c *conn) endSession() {
	for name, p := range c.portals {
		p.close()
		delete(c.portals, name)
	}
	c.sess.Close()
	c.srv.keys.remove(c)
	c.srv.sessions.Add(-1)
	c.log.Debug().Str("user", c.user).Msg("session ended")
}

// statementContext returns the context of one statement and registers its
// cancel function for CancelRequest and shutdown.
func (c *conn) statementContext() (context.Context, func()) {
	ctx, cancel := c.sess.StatementContext(c.ctx)
	c.mu.Lock()
	c.stmtCancel = cancel
	c.mu.Unlock()
	return ctx, func() {
		c.mu.Lock()
		c.stmtCancel = nil
		c.mu.Unlock()
		cancel()
	}
}

// cancelStatement cancels the statement running now, if any.
func (c *conn) cancelStatement() {
	c.mu.Lock()
	cancel := c.stmtCancel
	c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// beginShutdown makes the connection end at its next message boundary; an
// idle read is interrupted at once.
func (c *conn) beginShutdown() {
	c.shuttingDown.Store(true)
	_ = c.nc.SetReadDeadline(time.Now())
}
