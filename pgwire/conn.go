package pgwire

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sort"
	"strings"
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
	// nc is the connection the session reads and writes: raw, or a TLS
	// connection over it. Only the connection's goroutine uses it.
	nc net.Conn
	// raw is the accepted socket, never replaced: other goroutines
	// (shutdown) set its deadlines and close it.
	raw net.Conn
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

	// The statement context (stmtctx.go). One context serves statement
	// after statement until it is canceled: a statement costs no
	// allocation for it.
	stmtCtx    context.Context
	mu         sync.Mutex
	stmtCancel context.CancelCauseFunc // cancels stmtCtx; guarded by mu
	stmtSeq    uint64                  // statements begun; guarded by mu
	running    bool                    // a statement is running; guarded by mu
	// busy is set from the moment a query shows as active until the
	// next ReadyForQuery; a cancel that arrives while busy but between
	// statements (parsing, before the first one begins) is kept in
	// pendingCancel for the next statement. Both guarded by mu.
	busy          bool
	pendingCancel error
	stmtTimer     *time.Timer // statement_timeout of the running statement

	shuttingDown atomic.Bool

	// dbStats counts the statements of the session's database (nil
	// until the session starts); stmtStart is when the statement begun
	// last began (stats.go).
	dbStats   *sql.DatabaseStats
	stmtStart time.Time

	// commitFirst is set while the last statement of a Query message
	// runs: its implicit transaction commits before its CommandComplete
	// (sendRowsN), as PostgreSQL's does, so that a failed commit (a
	// deferred foreign key, 40001) is the statement's error instead of
	// following its success.
	commitFirst bool

	// Extended protocol state.
	stmts   map[string]*preparedStmt
	portals map[string]*portal
	// bindMsg is reused by every Bind (decode.go).
	bindMsg bindMsg
	// runningPortal is the portal an Execute is running
	// (sqlobjects.go).
	runningPortal *portal
	// discard is set after an error in the extended protocol: messages
	// are ignored until Sync.
	discard bool

	// Reported settings (ParameterStatus). As in PostgreSQL 14 and later,
	// changes are reported just before ReadyForQuery and only when the
	// value differs from the one last sent, so that a SET undone by an
	// error or a ROLLBACK is not reported at all.
	reported      map[string]string // last value sent per setting
	pendingStatus map[string]string // latest value per setting changed since

	// Notifications (notify.go): notifying is set once the goroutine
	// that writes them while the client is idle runs; clientIdle, while
	// the connection waits for the client's next message outside a
	// transaction block, is guarded by notifyMu, as are writes then.
	notifying  bool
	notifyMu   sync.Mutex
	clientIdle bool
	// readyIdle is set by a ReadyForQuery outside a transaction block
	// until the next message is awaited.
	readyIdle bool
}

func newConn(s *Server, nc net.Conn) *conn {
	id := s.connID.Add(1)
	ctx, cancel := context.WithCancel(context.Background())
	c := &conn{
		srv: s, nc: nc, raw: nc,
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
	defer c.recoverPanic()
	c.log.Debug().Msg("connection opened")
	if err := c.nc.SetDeadline(time.Now().Add(c.srv.cfg.StartupTimeout)); err != nil {
		return
	}
	ok, err := c.handshake()
	if ok {
		// Started, even if the first ReadyForQuery then failed: the
		// session holds its slot, cancel key and engine session.
		defer c.endSession()
	}
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

	for {
		if c.shuttingDown.Load() {
			c.fatal(pgerror.New(pgcode.AdminShutdown, "terminating connection due to administrator command").WithSeverity(pgerror.SeverityFatal))
			return
		}
		c.awaitClient()
		typ, body, err := c.r.next()
		c.clientActive()
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
	if !strings.ContainsRune(frontendTypes, rune(typ)) {
		// Fatal even while skipping to Sync, as in PostgreSQL: the
		// stream is not the protocol.
		c.fatal(protocolViolation("invalid frontend message type %d", typ))
		return true
	}
	if c.discard && typ != 'S' && typ != 'X' {
		return false // ignoring until Sync after an error
	}
	if h := c.srv.cfg.beforeMessage; h != nil {
		h(typ, body)
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
		if err = c.extended(checkEmpty, body); err == nil {
			err = c.w.flush()
		}
	case 'S':
		if berr := checkEmpty(body); berr != nil {
			// The Sync still ends the implicit transaction, rolled back.
			c.sendError(berr)
			c.sess.Fail()
		}
		err = c.sync()
	case 'X':
		return true
	case 'd', 'c', 'f':
		// CopyData, CopyDone, CopyFail outside COPY: PostgreSQL ignores
		// them (a COPY that failed may leave the client still sending).
	case 'F':
		c.sendError(pgerror.New(pgcode.FeatureNotSupported, "the fast-path function call interface is not supported"))
		err = c.readyForQuery()
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

// frontendTypes are the message types of a session (after startup).
const frontendTypes = "QPBDECHSXdcfF"

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
	c.drainInput()
}

// drainInput half-closes the connection and discards what the client is
// still sending, for a bounded time. Closing a socket with unread input
// makes the kernel send a reset, which can destroy the FATAL message
// before the client reads it (a client mid-way through writing an
// oversized message would then see only "connection reset").
func (c *conn) drainInput() {
	if hc, ok := c.nc.(interface{ CloseWrite() error }); ok {
		_ = hc.CloseWrite()
	}
	_ = c.nc.SetReadDeadline(time.Now().Add(time.Second))
	_, _ = io.CopyN(io.Discard, c.nc, 64<<20)
}

// sendError sends a non-fatal ErrorResponse.
func (c *conn) sendError(err error) {
	e := pgerror.Flatten(err)
	if e.Code == pgcode.Internal {
		c.log.Error().Err(err).Msg("internal error")
	}
	if c.dbStats != nil {
		c.dbStats.Error()
	}
	c.w.send(errorResponse(e))
}

// readyForQuery sends the pending ParameterStatus messages, then
// ReadyForQuery with the session's status, and flushes: the client waits
// for it.
func (c *conn) readyForQuery() error {
	c.setIdle()
	c.sess.ReportIdle()
	c.reportParameters()
	status := c.sess.TxStatus()
	c.readyIdle = status == 'I'
	if c.readyIdle && c.sess.Listening() {
		c.sendNotifications() // before ReadyForQuery, as PostgreSQL sends them
	}
	b := appendReadyForQuery(c.w.buf[:0], status)
	c.w.sendRaw(b)
	c.w.buf = b[:0]
	return c.w.flush()
}

// appendReadyForQuery appends ReadyForQuery with the transaction status
// ('I', 'T' or 'E').
func appendReadyForQuery(b []byte, status byte) []byte {
	return append(b, 'Z', 0, 0, 0, 5, status)
}

// parameterChanged is the session's OnParameterStatus: it notes the new
// value for the next ReadyForQuery.
func (c *conn) parameterChanged(name, value string) {
	if name == "client_encoding" {
		c.encodingChanged() // at once: the next message is in it
	}
	if c.pendingStatus == nil {
		c.pendingStatus = map[string]string{}
	}
	c.pendingStatus[name] = value
}

// reportParameters sends ParameterStatus for the settings whose value
// changed since last reported, in PostgreSQL's order (by name, ignoring
// case).
func (c *conn) reportParameters() {
	if len(c.pendingStatus) == 0 {
		return
	}
	names := make([]string, 0, len(c.pendingStatus))
	for name := range c.pendingStatus {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
	for _, name := range names {
		v := c.pendingStatus[name]
		delete(c.pendingStatus, name)
		if old, ok := c.reported[name]; ok && old == v {
			continue
		}
		c.reported[name] = v
		c.w.send(&pgproto3.ParameterStatus{Name: name, Value: v})
	}
}

// close releases everything the connection holds.
func (c *conn) close() {
	c.cancel()
	_ = c.w.flush()
	_ = c.nc.Close()
}

// endSession closes portals and the session and frees the cancel key.
// Each release is deferred so that it happens even when an earlier one
// panics (panics.go): a session that ended must not keep counting
// against MaxConnections, nor its transaction stay open.
func (c *conn) endSession() {
	defer func() { c.log.Debug().Str("user", c.user).Msg("session ended") }()
	defer c.srv.sessions.Add(-1)
	defer c.srv.keys.remove(c)
	defer c.sess.Close()
	if h := c.srv.cfg.atSessionEnd; h != nil {
		h()
	}
	for name, p := range c.portals {
		delete(c.portals, name)
		p.close()
	}
}

// stmtError is the error a statement ended with, as the client should see
// it: a statement canceled by shutdown ends the session with 57P01 alone,
// as PostgreSQL's fast shutdown does, not with a 57014 first.
func stmtError(ctx context.Context, err error) error {
	if err != nil && errors.Is(context.Cause(ctx), errShutdown) {
		return pgerror.New(pgcode.AdminShutdown, "terminating connection due to administrator command").WithSeverity(pgerror.SeverityFatal)
	}
	return err
}

// beginShutdown makes the connection end at its next message boundary; an
// idle read is interrupted at once.
func (c *conn) beginShutdown() {
	c.shuttingDown.Store(true)
	_ = c.raw.SetReadDeadline(time.Now())
}

// terminate ends the session from another goroutine, as
// pg_terminate_backend does (the session's OnTerminate): a running
// statement is canceled and the client is told 57P01, as at shutdown.
func (c *conn) terminate() {
	c.beginShutdown()
	c.cancelStatementCause(errShutdown)
}
